"""The lead table's stream records, read back as leads (and agents, for their presence changes); and the
batch processor that keeps them in order.

A record carries the item as stored, contact details included: nothing here logs or raises with its
content (a pydantic error would quote it), only the keys of the item."""

import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, FailureResponse, SuccessResponse
from pydantic import ValidationError

from leadrouter.adapters.dynamo_codec import from_item
from leadrouter.adapters.dynamo_config_items import AGENT_PREFIX, strip_keys
from leadrouter.domain.agents import Agent
from leadrouter.domain.leads import Lead
from leadrouter.domain.presence_changes import PresenceChange, presence_change

_LEAD_SORT_KEY = "LEAD"


class UnreadableLead(Exception):
    """A lead (or agent) image that does not decode: a bug to fix; the record waits in the stream until then."""


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


def agent_presence_change(record: dict[str, Any]) -> PresenceChange | None:
    """The presence change an agent item's record holds; None for other items, deletions, and agent writes
    that leave presence as it was."""
    change = record.get("dynamodb") or {}
    if not str(change.get("Keys", {}).get("SK", {}).get("S", "")).startswith(AGENT_PREFIX) or "NewImage" not in change:
        return None
    pk = str(change["Keys"].get("PK", {}).get("S", ""))
    after, before = _agent(change["NewImage"], pk), _agent(change.get("OldImage"), pk)
    assert after is not None
    created = change.get("ApproximateCreationDateTime")
    at = datetime.fromtimestamp(float(created), UTC) if created is not None else datetime.now(UTC)
    return presence_change(pk.removeprefix("C#"), before, after, at)


def _agent(image: dict[str, Any] | None, pk: str) -> Agent | None:
    if image is None:
        return None
    try:
        return Agent.model_validate(strip_keys(from_item(image)))
    except ValidationError:
        raise UnreadableLead(f"the stored agent of {pk} does not decode") from None


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
