"""The lead table's stream records, read back as leads; and the batch processor that keeps them in order.

A record carries the item as stored, contact details included: nothing here logs or raises with its
content (a pydantic error would quote it), only the keys of the lead."""

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    FailureResponse,
    SuccessResponse,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from leadrouter.adapters.dynamo_codec import from_item
from leadrouter.domain.leads import Lead
from leadrouter.observability import correlated, logger

_LEAD_SORT_KEY = "LEAD"


class UnreadableLead(Exception):
    """A lead image that does not decode: a bug to fix; the record waits in the stream until then."""


@dataclass(frozen=True)
class StoredLeadChange:
    lead: Lead  # as the change stored it
    history_before: int  # how long its history was before the change (0 for a new lead)


def lead_change(record: dict[str, Any]) -> StoredLeadChange | None:
    """The lead change a stream record holds; None for other items and for deletions."""
    change = record.get("dynamodb") or {}
    if change.get("Keys", {}).get("SK", {}).get("S") != _LEAD_SORT_KEY or "NewImage" not in change:
        return None
    try:
        lead = Lead.model_validate(from_item(change["NewImage"]))
    except ValidationError:
        key = change["Keys"].get("PK", {}).get("S", "?")
        raise UnreadableLead(f"the stored lead {key} does not decode") from None
    before = (change.get("OldImage") or {}).get("history", {}).get("L", [])
    return StoredLeadChange(lead, len(before))


class OrderedStreamProcessor(BatchProcessor):
    """Powertools' partial batch processor for DynamoDB Streams that stops at the first failed record.

    Lambda retries a stream from the first failure it is told of; records after it are reported failed
    without being tried, so a later change of a lead is never published before an earlier one, and
    nothing that follows a failure is published twice. A batch that fails whole is answered, not raised:
    Lambda retries it from the first record."""

    def __init__(self) -> None:
        super().__init__(EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)

    def _process_record(self, record: dict[str, Any]) -> SuccessResponse | FailureResponse:
        if self.fail_messages:
            try:
                raise RuntimeError("an earlier record of this batch failed")
            except RuntimeError:
                return self.failure_handler(self._to_batch_type(record, self.event_type), sys.exc_info())
        return super()._process_record(record)


def process_lead_changes(
    event: dict[str, Any], context: LambdaContext, handle: Callable[[StoredLeadChange], None], unfinished: str
) -> dict[str, Any]:
    """A stream consumer's batch: `handle` each stored lead change in order (other records are skipped),
    stop at the first failure, and answer the partial batch response; `unfinished` is the warning logged
    when records are left for the stream to give again."""

    def one(record: DynamoDBRecord) -> None:
        change = lead_change(record.raw_event)
        if change is not None:
            with correlated(change.lead.lead_id):
                handle(change)

    processor = OrderedStreamProcessor()  # one per batch: it holds the batch's results
    answer = process_partial_response(event=event, record_handler=one, processor=processor, context=context)
    failed = answer.get("batchItemFailures", [])
    if failed:
        # The first failure's type only: an error's text could quote the record it failed on.
        first = next((type(info[1]).__name__ for info in processor.exceptions if info[1] is not None), None)
        logger.warning(unfinished, extra={"records": len(failed), "error": first})
    return dict(answer)
