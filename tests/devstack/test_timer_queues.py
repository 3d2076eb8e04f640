"""The local stack keeps time as AWS does: a schedule fires at a random second within its minute, SQS holds
a delayed message for its delay, and the SQS event source hands batches to the function as Lambda's does
(records it reports failed come back after the visibility timeout, then go to the dead-letter queue)."""

import contextlib
import json
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.moto_server import MotoServer
from devstack.queues import QueuePoller, create_queues, sqs_event_sources
from devstack.scheduler import ScheduleRunner
from devstack.template import Template, load_template
from tests.support.moto_clients import aws_client

ROOT = Path(__file__).resolve().parents[2]
QUEUE = "lead-router-local-offer-timers"
DEAD_LETTERS = "lead-router-local-offer-timers-dlq"


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(ROOT / "template.yaml")


@pytest.fixture(scope="module")
def sqs(moto_server: MotoServer, template: Template) -> Any:
    client = aws_client(moto_server, "sqs")
    create_queues(template, client)
    return client


@pytest.fixture
def queue_url(sqs: Any) -> str:
    # Each test's poller takes what it sent (PurgeQueue is allowed once a minute).
    return str(sqs.get_queue_url(QueueName=QUEUE)["QueueUrl"])


class FakeFunction:
    """Stands in for the timeout function: notes each batch, reports the records `fail` picks as failed."""

    def __init__(self, fail: Callable[[dict[str, Any]], bool] = lambda _: False) -> None:
        self.batches: list[tuple[float, list[dict[str, Any]]]] = []
        self.fail = fail

    def invoke(self, logical_id: str, event: Any, *, request_id: str | None = None) -> Any:
        assert logical_id == "TimeoutFunction"
        self.batches.append((time.monotonic(), event["Records"]))
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in event["Records"] if self.fail(r)]}

    def bodies(self) -> list[Any]:
        return [json.loads(record["body"]) for _, batch in self.batches for record in batch]


@pytest.fixture
def poller(template: Template, sqs: Any) -> Iterator[Callable[[FakeFunction], QueuePoller]]:
    started: list[QueuePoller] = []

    def start(function: FakeFunction) -> QueuePoller:
        runner = QueuePoller(template, function, sqs)  # type: ignore[arg-type]  # a fake runtime
        runner.start()
        started.append(runner)
        return runner

    yield start
    for runner in started:
        runner.stop()


def _wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_the_timeout_function_reads_the_timer_queue_reporting_failed_records(template: Template) -> None:
    (source,) = [source for source in sqs_event_sources(template) if source.function_id == "TimeoutFunction"]
    assert source.queue_arn.endswith(f":{QUEUE}")
    assert source.report_item_failures


def test_a_delayed_message_reaches_the_function_when_its_delay_is_over_not_before(
    sqs: Any, queue_url: str, poller: Callable[[FakeFunction], QueuePoller]
) -> None:
    function = FakeFunction()
    poller(function)
    sent = time.monotonic()
    sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"offer_id": "of_1"}), DelaySeconds=2)
    assert _wait_for(lambda: bool(function.batches), 5.0)
    at, (record,) = function.batches[0]
    assert at - sent >= 2.0  # not before its delay (how soon after is the poller's interval, not asserted)
    assert json.loads(record["body"]) == {"offer_id": "of_1"}
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(f":{QUEUE}")
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    # Handled: deleted, never delivered again.
    time.sleep(1.5)
    assert function.bodies() == [{"offer_id": "of_1"}]


def test_a_failed_record_comes_back_after_the_visibility_timeout_then_goes_to_the_dead_letter_queue(
    sqs: Any, queue_url: str, poller: Callable[[FakeFunction], QueuePoller]
) -> None:
    # As deployed, but quicker: visible again after 1 s, dead-lettered after the second receive.
    dead_letters = sqs.get_queue_url(QueueName=DEAD_LETTERS)["QueueUrl"]
    redrive = json.dumps({"deadLetterTargetArn": _arn(sqs, dead_letters), "maxReceiveCount": 2})
    sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"VisibilityTimeout": "1", "RedrivePolicy": redrive})
    try:
        function = FakeFunction(fail=lambda record: json.loads(record["body"])["offer_id"] == "of_bad")
        poller(function)
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"offer_id": "of_bad"}))
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"offer_id": "of_good"}))

        def dead_lettered() -> list[Any]:
            messages = sqs.receive_message(QueueUrl=dead_letters, WaitTimeSeconds=0).get("Messages") or []
            return [json.loads(message["Body"]) for message in messages]

        found: list[Any] = []

        def collect() -> bool:
            found.extend(dead_lettered())
            return bool(found)

        assert _wait_for(collect, 10.0)
        assert found == [{"offer_id": "of_bad"}]
        bodies = function.bodies()
        assert bodies.count({"offer_id": "of_good"}) == 1
        assert bodies.count({"offer_id": "of_bad"}) == 2  # the first receive and the retry
    finally:
        sqs.set_queue_attributes(QueueUrl=queue_url, Attributes={"VisibilityTimeout": "180", "RedrivePolicy": ""})


class _Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _arn(sqs: Any, url: str) -> str:
    return str(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"])


def _schedule(moto_server: MotoServer, template: Template, name: str, at: datetime, target: dict[str, Any]) -> Any:
    """A one-time schedule in the template's group sending {"offer_id": name}; answers the Scheduler client."""
    scheduler = aws_client(moto_server, "scheduler")
    group = template.schedule_groups[0].name
    with contextlib.suppress(scheduler.exceptions.ConflictException):
        scheduler.create_schedule_group(Name=group)
    scheduler.create_schedule(
        GroupName=group,
        Name=name,
        ScheduleExpression=f"at({at.strftime('%Y-%m-%dT%H:%M:%S')})",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={"RoleArn": "arn:aws:iam::123456789012:role/r", "Input": json.dumps({"offer_id": name}), **target},
    )
    return scheduler


def test_a_schedule_fires_at_a_random_second_of_its_minute_and_sends_its_input_to_its_queue(
    moto_server: MotoServer, template: Template, sqs: Any, queue_url: str
) -> None:
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    scheduler = _schedule(moto_server, template, "of_long", at, {"Arn": _arn(sqs, queue_url)})
    offset = random.Random(7).uniform(0, 60)  # the second within the minute the runner will pick
    clock = _Clock(at + timedelta(seconds=offset - 0.5))
    runtime = LambdaRuntime(template, isolation="thread")
    runner = ScheduleRunner(template, runtime, scheduler, sqs=sqs, now=clock, rng=random.Random(7))
    try:
        assert runner.poll() == 0  # its minute has begun, its second has not come
        clock.now = at + timedelta(seconds=offset + 0.01)
        assert runner.poll() == 1
        messages: list[Any] = []

        def collect() -> bool:
            messages.extend(sqs.receive_message(QueueUrl=queue_url).get("Messages") or [])
            return bool(messages)

        assert _wait_for(collect, 5.0)
        assert [json.loads(message["Body"]) for message in messages] == [{"offer_id": "of_long"}]
    finally:
        runner.stop()
        runtime.close()


def test_a_schedule_whose_queue_refuses_its_message_sends_it_to_its_dead_letter_queue(
    moto_server: MotoServer, template: Template, sqs: Any
) -> None:
    gone = sqs.create_queue(QueueName="soon-gone")["QueueUrl"]
    dead_letters = sqs.get_queue_url(QueueName=DEAD_LETTERS)["QueueUrl"]
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    target = {"Arn": _arn(sqs, gone), "DeadLetterConfig": {"Arn": _arn(sqs, dead_letters)}}
    scheduler = _schedule(moto_server, template, "of_refused", at, target)
    clock = _Clock(at - timedelta(seconds=1))
    runtime = LambdaRuntime(template, isolation="thread")
    runner = ScheduleRunner(template, runtime, scheduler, sqs=sqs, now=clock, retry_delays=(0.0, 0.0))
    try:
        assert runner.poll() == 0  # read while its queue still exists
        sqs.delete_queue(QueueUrl=gone)
        clock.now = at + timedelta(seconds=61)
        found: list[Any] = []

        def collect() -> bool:
            runner.poll()
            found.extend(sqs.receive_message(QueueUrl=dead_letters).get("Messages") or [])
            return bool(found)

        assert _wait_for(collect, 10.0)
        assert [json.loads(message["Body"]) for message in found] == [{"offer_id": "of_refused"}]
    finally:
        runner.stop()
        runtime.close()
