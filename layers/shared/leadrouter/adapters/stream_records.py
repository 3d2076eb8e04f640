"""The lead table's stream records, read back as leads (adapters/partial_batches.py keeps them in order).

A record carries the item as stored, contact details included: nothing here logs or raises with its
content (a pydantic error would quote it), only the keys of the lead."""

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from leadrouter.adapters.dynamo_codec import from_item
from leadrouter.domain.leads import Lead

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
