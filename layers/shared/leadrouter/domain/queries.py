"""How leads are listed: filters and pages."""

from dataclasses import dataclass, field
from datetime import datetime

from leadrouter.domain.leads import LeadStatus


@dataclass(frozen=True)
class LeadQuery:
    status: LeadStatus | None = None
    agent_id: int | None = None
    office_id: str | None = None
    office_ids: tuple[str, ...] | None = None  # an office manager's scope
    without_office: bool = False  # the agents' pool: leads sent to an office are their managers' only
    source: str | None = None
    person_id: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    oldest_first: bool = False  # newest first unless asked (the console's pool shows the longest waiting)
    limit: int = 50
    cursor: str | None = None


@dataclass(frozen=True)
class Page[T]:
    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None
