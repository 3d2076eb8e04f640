"""The lead table's stream records, read back as the lead changes whose events the bus carries, and as the
presence changes of agents (adapters/partial_batches.py keeps them in order).

A record carries the item as stored, contact details included: nothing here logs or raises with its
content, only the keys of the item. A lead's image is read into plain data (domain/lead_events.py), not the
Lead model: the fields the events need, written by the lead repository from a validated Lead. An agent's
image is read into the Agent model, imported at the first agent record: a consumer that only ever sees
leads loads no model library."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from leadrouter.adapters.dynamo_codec import from_item
from leadrouter.domain.lead_events import StoredEntry, StoredLead, StoredLeadChange

if TYPE_CHECKING:
    from leadrouter.domain.agents import Agent
    from leadrouter.domain.presence_changes import PresenceChange

_LEAD_SORT_KEY = "LEAD"


class UnreadableLead(Exception):
    """A lead (or agent) image that does not decode: a bug to fix; the record waits in the stream until then."""


def lead_change(record: dict[str, Any]) -> StoredLeadChange | None:
    """The lead change a stream record holds; None for other items and for deletions."""
    change = record.get("dynamodb") or {}
    if change.get("Keys", {}).get("SK", {}).get("S") != _LEAD_SORT_KEY or "NewImage" not in change:
        return None
    before = recorded(change.get("OldImage") or {})
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
        added = tuple(_entry(entry) for entry in image.get("history", [])[added_from(before, image.get("folded")) :])
    except (KeyError, TypeError, ValueError):
        key = change["Keys"].get("PK", {}).get("S", "?")
        raise UnreadableLead(f"the stored lead {key} does not decode") from None
    return StoredLeadChange(lead, added)


def recorded(image: dict[str, Any]) -> int:
    """A lead image's `entries_recorded` (domain/leads.py), read from DynamoDB's own types: its history's
    length plus what a fold took away (domain/lead_size.py)."""
    length = len(image.get("history", {}).get("L", []))
    folded = image.get("folded", {}).get("M", {}).get("entries", {}).get("N")
    return length + (int(folded) - 1 if folded is not None else 0)


def added_from(recorded_before: int, folded: object) -> int:
    """Where the entries a change added start in its new image's history, `folded` its decoded fold (the
    entries a fold took away were all recorded, and published, before the change: Lead.added_since)."""
    entries = folded.get("entries") if isinstance(folded, dict) else None
    return max(0, recorded_before - (int(entries) - 1 if entries is not None else 0))


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


def agent_presence_change(record: dict[str, Any]) -> "PresenceChange | None":
    """The presence change an agent item's record holds; None for other items, deletions, and agent writes
    that leave presence as it was."""
    from leadrouter.adapters.dynamo_config_items import AGENT_PREFIX
    from leadrouter.domain.presence_changes import presence_change

    change = record.get("dynamodb") or {}
    if not str(change.get("Keys", {}).get("SK", {}).get("S", "")).startswith(AGENT_PREFIX) or "NewImage" not in change:
        return None
    pk = str(change["Keys"].get("PK", {}).get("S", ""))
    if "#" in pk.removeprefix("C#"):  # an item of a company's other partitions, not its configuration's agent
        return None
    after, before = _agent(change["NewImage"], pk), _agent(change.get("OldImage"), pk)
    assert after is not None
    created = change.get("ApproximateCreationDateTime")
    at = datetime.fromtimestamp(float(created), UTC) if created is not None else datetime.now(UTC)
    return presence_change(pk.removeprefix("C#"), before, after, at)


def _agent(image: dict[str, Any] | None, pk: str) -> "Agent | None":
    from pydantic import ValidationError

    from leadrouter.adapters.dynamo_config_items import strip_keys
    from leadrouter.domain.agents import Agent
    from leadrouter.domain.model import STORED

    if image is None:
        return None
    try:
        return Agent.model_validate(strip_keys(from_item(image)), context=STORED)
    except ValidationError:
        raise UnreadableLead(f"the stored agent of {pk} does not decode") from None


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("a text field that is not text")
    return value
