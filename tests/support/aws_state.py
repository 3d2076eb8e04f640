"""Looking behind the API in integration tests: the table's items, the events on the bus, every lead."""

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import boto3

from tests.support.scenario import Company, expect

if TYPE_CHECKING:
    from devstack.streams import StreamPoller

# The stream consumers of the current `aws` fixture: events are published from the table's stream.
_consumers: list["StreamPoller"] = []


@contextlib.contextmanager
def stream_consumers(poller: "StreamPoller") -> Iterator["StreamPoller"]:
    _consumers.append(poller)
    try:
        yield poller
    finally:
        _consumers.remove(poller)


def deliver_stream_records() -> None:
    """Run the table streams' consumers over every change stored so far, as Lambda's poller would."""
    for poller in _consumers:
        poller.drain()


def table_items(table_name: str) -> list[dict[str, Any]]:
    """Every item of the table, in DynamoDB's typed form (call inside the `aws` fixture)."""
    dynamodb = boto3.client("dynamodb")
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {"TableName": table_name}
    while True:
        page = dynamodb.scan(**request)
        items.extend(page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def table_keys(table_name: str) -> set[tuple[str, str]]:
    """(PK, SK) of every item: what is stored, without the values."""
    return {(item["PK"]["S"], item["SK"]["S"]) for item in table_items(table_name)}


def table_text(table_name: str) -> str:
    """Every item as one string, to look for a value anywhere in the table."""
    return json.dumps(table_items(table_name), sort_keys=True, default=str)


def bus_events(queue_url: str | None) -> list[dict[str, Any]]:
    """The events published on the bus since the last call, oldest first (the capture queue, drained)."""
    assert queue_url is not None, "the aws fixture captures the bus's events in a queue"
    deliver_stream_records()
    sqs = boto3.client("sqs")
    events: list[dict[str, Any]] = []
    while True:
        answer = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        messages = answer.get("Messages", [])
        if not messages:
            return events
        for message in messages:
            events.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])


def lead_pages(company: Company, key: str | None = None, **params: Any) -> Iterator[dict[str, Any]]:
    """Every page of GET /v1/leads with these filters, following next_cursor."""
    cursor: str | None = None
    while True:
        page = expect(
            company.api.get("/v1/leads", key=key or company.admin_key, params={**params, "cursor": cursor}), 200
        )
        yield page
        cursor = page["next_cursor"]
        if not cursor:
            return


def all_leads(company: Company, key: str | None = None, **params: Any) -> list[dict[str, Any]]:
    """Every lead GET /v1/leads lists with these filters, in the order listed."""
    return [lead for page in lead_pages(company, key, **params) for lead in page["leads"]]


def lead_ids(company: Company, key: str | None = None, **params: Any) -> list[str]:
    return [lead["lead_id"] for lead in all_leads(company, key, **params)]
