"""The lead table's stream records, read back as the lead changes whose events the bus carries
(adapters/partial_batches.py keeps them in order).

A record carries the item as stored, contact details included: nothing here logs or raises with its
content, only the keys of the lead. The image is read into plain data (domain/lead_events.py), not the
Lead model: the fields the events need, written by the lead repository from a validated Lead."""

from datetime import datetime
from typing import Any

from leadrouter.adapters.dynamo_codec import from_item
from leadrouter.domain.lead_events import StoredEntry, StoredLead, StoredLeadChange

_LEAD_SORT_KEY = "LEAD"


class UnreadableLead(Exception):
    """A lead image that does not decode: a bug to fix; the record waits in the stream until then."""


def lead_change(record: dict[str, Any]) -> StoredLeadChange | None:
    """The lead change a stream record holds; None for other items and for deletions."""
    change = record.get("dynamodb") or {}
    if change.get("Keys", {}).get("SK", {}).get("S") != _LEAD_SORT_KEY or "NewImage" not in change:
        return None
    before = len((change.get("OldImage") or {}).get("history", {}).get("L", []))
    try:
        image = from_item(change["NewImage"])
        lead = StoredLead(
            company_id=_text(image["company_id"]),
            lead_id=_text(image["lead_id"]),
            person_id=image.get("person_id"),
            status=_text(image["status"]),
            agent_id=image.get("agent_id"),
            office_id=image.get("office_id"),
            source=_text(image["source"]),
        )
        added = tuple(_entry(entry) for entry in image.get("history", [])[before:])
    except (KeyError, TypeError, ValueError):
        key = change["Keys"].get("PK", {}).get("S", "?")
        raise UnreadableLead(f"the stored lead {key} does not decode") from None
    return StoredLeadChange(lead, added)


def _entry(entry: dict[str, Any]) -> StoredEntry:
    at = datetime.fromisoformat(_text(entry["at"]))
    if at.tzinfo is None:
        raise ValueError("a history entry's time without its zone")
    return StoredEntry(
        at=at,
        event=_text(entry["event"]),
        detail=_text(entry["detail"]),
        agent_id=entry.get("agent_id"),
        step=entry.get("step"),
    )


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("a text field that is not text")
    return value
