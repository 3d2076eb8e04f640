"""Lead events as the bus carries them, and the stored lead change they come from, as plain data.

The stream consumer publishes every stored lead change. It reads the change's image straight into the
dataclasses here rather than into the Lead model: the events need a handful of fields, and a cold consumer
then loads no model library (docs/DECISIONS.md, "Cold starts: plain code on the hot paths"). The Lead and
its HistoryEntry have the same shapes (EventSubject, EventEntry), so the publisher takes either."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

PUBLISHED_EVENTS = frozenset(
    {
        "lead.received",
        "lead.offered",
        "lead.claimed",
        "lead.passed",
        "lead.accepted",
        "lead.rejected",
        "lead.expired",
        "lead.assigned",
        "lead.returned_to_pool",
        "lead.escalated",
        # One per lead of the person (domain/people.py), published like the others, at least once.
        "person.erased",
    }
)


class EventSubject(Protocol):
    """The lead's routing state that every one of its events carries (never its contact details)."""

    @property
    def company_id(self) -> str: ...
    @property
    def lead_id(self) -> str: ...
    @property
    def person_id(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def agent_id(self) -> int | None: ...
    @property
    def office_id(self) -> str | None: ...
    @property
    def source(self) -> str: ...


class EventEntry(Protocol):
    """One history entry, as its event tells it."""

    @property
    def at(self) -> datetime: ...
    @property
    def event(self) -> str: ...
    @property
    def agent_id(self) -> int | None: ...
    @property
    def step(self) -> str | None: ...
    @property
    def detail(self) -> str: ...


@dataclass(frozen=True)
class StoredLead:
    company_id: str
    lead_id: str
    person_id: str | None
    status: str
    agent_id: int | None
    office_id: str | None
    source: str


@dataclass(frozen=True)
class StoredEntry:
    at: datetime
    event: str
    detail: str
    agent_id: int | None = None
    step: str | None = None


@dataclass(frozen=True)
class StoredLeadChange:
    lead: StoredLead  # as the change stored it
    added: tuple[StoredEntry, ...]  # the history entries the change added, oldest first


def published[Entry: EventEntry](entries: Sequence[Entry]) -> list[Entry]:
    """The entries that are events on the bus (the others are history only: skips, pooling, timers...)."""
    return [entry for entry in entries if entry.event in PUBLISHED_EVENTS]
