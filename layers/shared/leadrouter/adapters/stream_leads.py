"""A stream record's lead read whole (the Lead model), for the consumer that needs all of it: the report
tallies need the lead's offers (recipients, route), its office and its speed to lead, which the events'
plain reading (adapters/stream_records.py) leaves out to keep the publisher's cold start small.

As there, nothing here logs or raises with the record's content (a pydantic error would quote it)."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from leadrouter.adapters.dynamo_codec import from_item
from leadrouter.adapters.stream_records import UnreadableLead, recorded
from leadrouter.domain.leads import Lead

_LEAD_SORT_KEY = "LEAD"


@dataclass(frozen=True)
class StoredLead:
    lead: Lead  # as the change stored it
    # Where the entries the change added start in its history (0 for a new lead): how long the history was
    # before the change, less what a fold in the change took away (Lead.added_since).
    history_before: int


def stored_lead(record: dict[str, Any]) -> StoredLead | None:
    """The lead a stream record stored; None for other items and for deletions."""
    change = record.get("dynamodb") or {}
    if change.get("Keys", {}).get("SK", {}).get("S") != _LEAD_SORT_KEY or "NewImage" not in change:
        return None
    try:
        lead = Lead.model_validate(from_item(change["NewImage"]))
    except ValidationError:
        key = change["Keys"].get("PK", {}).get("S", "?")
        raise UnreadableLead(f"the stored lead {key} does not decode") from None
    before = recorded(change.get("OldImage") or {})
    return StoredLead(lead, lead.added_since(before))
