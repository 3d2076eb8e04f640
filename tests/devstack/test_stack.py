"""The whole local stack, in this process and as `python -m devstack`, on the toy project."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

import devstack
from devstack.stack import RunningStack

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stack(toy_template_path: Path) -> Iterator[RunningStack]:
    before = os.environ.get("AWS_ENDPOINT_URL")
    running = devstack.start(port=0, root=toy_template_path.parent, bootstrap=False, scheduler_interval=0.2)
    yield running
    running.stop()
    assert os.environ.get("AWS_ENDPOINT_URL") == before


def _wait_for(condition: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def test_a_function_reaches_dynamodb_events_ses_and_the_scheduler(stack: RunningStack, tmp_path: Path) -> None:
    marker = tmp_path / "timer.jsonl"
    answer = requests.post(f"{stack.api_url}/work", json={"id": "o1", "marker": str(marker)}, timeout=10)
    assert answer.status_code == 202, answer.text

    # Taken out of the capture queue as it arrives, not when asked: a queue that kept them would make each
    # PutEvents of a long run slower (moto counts a queue's messages on every send).
    sqs = stack_client(stack, "sqs")
    captured = sqs.list_queues(QueueNamePrefix=f"{stack.template.context.stack_name}-devstack-captured")
    (queue_url,) = captured["QueueUrls"]
    waiting = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"])
    assert waiting["Attributes"]["ApproximateNumberOfMessages"] == "0"
    events = requests.get(f"{stack.api_url}/_local/events.json", timeout=5).json()
    assert [(event["detail-type"], event["detail"]) for event in events] == [("toy.worked", {"id": "o1"})]
    assert requests.get(f"{stack.api_url}/_local/events.json", timeout=5).json() == events

    (mail,) = requests.get(f"{stack.api_url}/_local/mail.json", timeout=5).json()
    assert mail["to"] == "agent@toy.test"
    assert mail["subject"] == "Work o1"
    # PUBLIC_BASE_URL points the service's links at this stack.
    assert mail["links"] == [f"{stack.api_url}/things/o1"]

    assert _wait_for(marker.exists, 4.0), "the timer did not fire"
    assert json.loads(marker.read_text()) == {"marker": str(marker)}
    table = stack.template.tables[0].name
    client = stack_client(stack, "dynamodb")
    assert client.get_item(TableName=table, Key={"PK": {"S": "o1"}})["Item"]["PK"] == {"S": "o1"}


def test_the_local_pages_are_served(stack: RunningStack) -> None:
    demo = requests.get(f"{stack.api_url}/_local/", timeout=5)
    assert demo.status_code == 200
    assert 'name="website"' in demo.text
    assert "Content-Security-Policy" in demo.headers
    mail_page = requests.get(f"{stack.api_url}/_local/mail", timeout=5)
    assert mail_page.status_code == 200
    assert "Work o1" in mail_page.text or "No email sent yet" in mail_page.text
    assert requests.get(f"{stack.api_url}/_local/nothing", timeout=5).status_code == 404


def stack_client(stack: RunningStack, service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=stack.aws_endpoint_url, region_name="us-east-1")  # type: ignore[call-overload]


def test_python_m_devstack_writes_stack_json_and_stops_on_sigterm(toy_template_path: Path, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack",
            "--port",
            "0",
            "--root",
            str(toy_template_path.parent),
            "--state-dir",
            str(state_dir),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        stack_json = state_dir / "stack.json"
        assert _wait_for(stack_json.exists, 20.0), "stack.json was not written"
        state = json.loads(stack_json.read_text())
        assert set(state) == {"api_url", "operator_key", "company_id", "admin_key", "logins", "console_url"}
        # The toy project has no /v1/companies: the stack starts anyway, without a demo company or logins.
        assert state["company_id"] is None
        assert state["logins"] == []
        thing = requests.get(f"{state['api_url']}/things/t1", timeout=5)
        assert thing.status_code == 200
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, output
    assert f"listening on {state['api_url']}" in output
    assert "GET /things/t1 200" in output
    assert (state_dir / "stack.log").exists()
