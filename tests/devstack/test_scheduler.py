"""The local scheduler fires due at() schedules into the template's functions, then deletes them."""

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.moto_server import MotoServer
from devstack.scheduler import ScheduleRunner
from devstack.template import Template
from tests.support.moto_clients import aws_client

GROUP = "lead-router-local-toy-timers"
TIMER_ARN = "arn:aws:lambda:us-east-1:123456789012:function:lead-router-local-timer"


@pytest.fixture(scope="module")
def scheduler_client(moto_server: MotoServer, toy_template: Template) -> Iterator[Any]:
    client = aws_client(moto_server, "scheduler")
    client.create_schedule_group(Name=GROUP)
    runtime = LambdaRuntime(toy_template)
    # No random second within the minute here (see test_timer_queues.py): these tests time other things.
    runner = ScheduleRunner(toy_template, runtime, client, interval=0.2, retry_delays=(0.1, 0.1), precision=0.0)
    runner.start()
    yield client
    runner.stop()
    runtime.close()


def _at(moment: datetime) -> str:
    return f"at({moment.strftime('%Y-%m-%dT%H:%M:%S')})"


def _create(client: Any, name: str, expression: str, event: dict[str, Any], **extra: Any) -> None:
    client.create_schedule(
        GroupName=GROUP,
        Name=name,
        ScheduleExpression=expression,
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": extra.pop("arn", TIMER_ARN),
            "RoleArn": "arn:aws:iam::123456789012:role/r",
            "Input": json.dumps(event),
        },
        **extra,
    )


def _names(client: Any) -> set[str]:
    return {item["Name"] for item in client.list_schedules(GroupName=GROUP)["Schedules"]}


def _wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return bool(condition())


def test_a_due_schedule_fires_within_a_second_and_is_deleted(scheduler_client: Any, tmp_path: Path) -> None:
    marker = tmp_path / "fired.jsonl"
    due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)
    _create(scheduler_client, "offer-1", _at(due), {"marker": str(marker), "offer_id": "of_1"})
    assert _wait_for(marker.exists, 3.0)
    fired_late_by = datetime.now(UTC) - due
    assert fired_late_by < timedelta(seconds=1.5)
    assert json.loads(marker.read_text()) == {"marker": str(marker), "offer_id": "of_1"}
    assert _wait_for(lambda: "offer-1" not in _names(scheduler_client), 2.0)


def test_the_time_zone_of_the_expression_is_respected(scheduler_client: Any, tmp_path: Path) -> None:
    marker = tmp_path / "zoned.jsonl"
    chicago = ZoneInfo("America/Chicago")
    past = datetime.now(chicago) - timedelta(seconds=5)
    future = datetime.now(chicago) + timedelta(hours=2)
    _create(
        scheduler_client, "zoned-past", _at(past), {"marker": str(marker)}, ScheduleExpressionTimezone="America/Chicago"
    )
    _create(
        scheduler_client,
        "zoned-later",
        _at(future),
        {"marker": str(marker)},
        ScheduleExpressionTimezone="America/Chicago",
    )
    assert _wait_for(marker.exists, 2.0)
    time.sleep(0.5)
    assert len(marker.read_text().splitlines()) == 1
    assert "zoned-later" in _names(scheduler_client)
    scheduler_client.delete_schedule(GroupName=GROUP, Name="zoned-later")


def test_a_schedule_for_a_function_not_in_the_template_does_not_fire(scheduler_client: Any, tmp_path: Path) -> None:
    past = datetime.now(UTC) - timedelta(seconds=5)
    elsewhere = "arn:aws:lambda:us-east-1:123456789012:function:lead-router-local-timeout"
    _create(scheduler_client, "nowhere", _at(past), {"marker": str(tmp_path / "x")}, arn=elsewhere)
    time.sleep(0.6)
    assert "nowhere" in _names(scheduler_client)
    assert not (tmp_path / "x").exists()
    scheduler_client.delete_schedule(GroupName=GROUP, Name="nowhere")


def test_a_failing_invocation_is_retried_then_dropped(scheduler_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    past = datetime.now(UTC) - timedelta(seconds=5)
    with caplog.at_level(logging.WARNING, logger="devstack"):
        _create(scheduler_client, "failing", _at(past), {"fail": True})
        assert _wait_for(lambda: "failing" not in _names(scheduler_client), 3.0)
    messages = [record.getMessage() for record in caplog.records if record.name == "devstack.scheduler"]
    assert sum("failed; retrying" in message for message in messages) == 2
    assert any("failed 3 times" in message for message in messages)
