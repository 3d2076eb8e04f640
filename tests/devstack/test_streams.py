"""The local stream poller reads the real template's DynamoDB event source and behaves as Lambda's does:
only matching records, in order, retried from the first failure a partial batch response names, given up
only past the record age limit, with the batch's place sent to the failure queue."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from devstack.lambdas import InvocationError, LambdaRuntime
from devstack.resources import create_resources
from devstack.streams import StreamPoller, stream_mappings
from devstack.template import Template, load_template

REPO = Path(__file__).resolve().parents[2]


class ScriptedFunction:
    """Stands in for the runtime: records each batch's keys, fails the sort keys it is told to."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.failing: set[str] = set()
        self.crash = False

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        if logical_id != "EventPublisherFunction":
            # The report aggregator reads the same stream with its own checkpoints: these tests follow one.
            return {"batchItemFailures": []}
        keys = [record["dynamodb"]["Keys"]["PK"]["S"] for record in event["Records"]]
        self.batches.append(keys)
        if self.crash:
            raise InvocationError(template().functions[logical_id], "r", "Error", "injected")
        failed = [
            r["dynamodb"]["SequenceNumber"]
            for r in event["Records"]
            if r["dynamodb"]["Keys"]["PK"]["S"] in self.failing
        ]
        return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failed]}


def template() -> Template:
    return load_template(REPO / "template.yaml")


@pytest.fixture
def stack(aws: boto3.session.Session) -> boto3.session.Session:
    """The real template's resources in moto (the `aws` fixture's mock_aws)."""
    create_resources(template(), aws)
    return aws


def put(session: boto3.session.Session, pk: str, sk: str = "LEAD") -> None:
    session.client("dynamodb").put_item(
        TableName=template().tables[0].name, Item={"PK": {"S": pk}, "SK": {"S": sk}, "history": {"L": []}}
    )


def poller(session: boto3.session.Session, function: ScriptedFunction, **options: Any) -> StreamPoller:
    runtime: Any = function
    built: LambdaRuntime = runtime
    return StreamPoller(template(), built, session, retry_delays=(), **options)


def test_the_template_mapping_is_read_as_lambda_would_run_it() -> None:
    mappings = stream_mappings(template())
    # The events' publisher and the reports' tallies read the same stream, each at its own pace.
    assert sorted(mapping.function_id for mapping in mappings) == ["AggregatorFunction", "EventPublisherFunction"]
    for mapping in mappings:
        assert mapping.table_name == template().tables[0].name
        assert (mapping.reports_item_failures, mapping.bisect_on_error, mapping.max_retry_attempts) == (True, True, -1)
        assert mapping.max_record_age_seconds > 3600
        assert mapping.on_failure_arn is not None


def test_only_lead_items_are_delivered_in_order(stack: boto3.session.Session) -> None:
    aws = stack
    function = ScriptedFunction()
    put(aws, "a")
    put(aws, "config", sk="META")
    put(aws, "b")
    poller(aws, function).drain()
    assert function.batches == [["a", "b"]]


def test_a_failed_record_and_those_after_it_are_retried_until_they_go_through(stack: boto3.session.Session) -> None:
    aws = stack
    function = ScriptedFunction()
    streams = poller(aws, function)
    for key in ("a", "b", "c"):
        put(aws, key)
    function.failing = {"b"}
    streams.drain()
    assert function.batches == [["a", "b", "c"], ["b", "c"]]  # a second try in the drain, then it stops
    function.failing = set()
    streams.drain()
    assert function.batches[-1] == ["b", "c"]
    streams.drain()
    assert len(function.batches) == 3  # nothing is given twice once done


def test_a_crashing_function_gets_halved_batches(stack: boto3.session.Session) -> None:
    aws = stack
    function = ScriptedFunction()
    streams = poller(aws, function)
    for key in ("a", "b", "c", "d"):
        put(aws, key)
    function.crash = True
    streams.poll(ignore_backoff=True)
    streams.poll(ignore_backoff=True)
    assert function.batches == [["a", "b", "c", "d"], ["a", "b"]]


def test_records_past_the_age_limit_go_to_the_failure_queue(stack: boto3.session.Session) -> None:
    aws = stack
    function = ScriptedFunction()
    put(aws, "a")
    later = datetime.now(UTC) + timedelta(hours=13)
    poller(aws, function, now=lambda: later).drain()
    assert function.batches == []
    sqs = aws.client("sqs")
    url = sqs.get_queue_url(QueueName=f"{template().context.stack_name}-lead-events-failed")["QueueUrl"]
    (message,) = sqs.receive_message(QueueUrl=url)["Messages"]
    info = json.loads(message["Body"])
    assert info["requestContext"]["condition"] == "RecordAgeExceeded"
    assert info["DDBStreamBatchInfo"]["batchSize"] == 1
