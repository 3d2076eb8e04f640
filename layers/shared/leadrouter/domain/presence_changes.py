"""What an agent's stored change did to their presence, as the `agent.status_changed` event tells it.

The event is published from the stored change (the table stream's consumer compares the agent item before
and after, functions/event_publisher), never on the request path, like the lead events: every way presence
changes (the agent's own PUT /v1/me/status, an admin's agent write, auto-away after missed offers, the
"I'm back" link) is an agent write, so every one of them is published, at least once, and none is published
without having been stored.

Guarantees: pure. A change that leaves every presence field as it was (an edit of the agent's name, a
bounce mark) is no presence change; a new agent is one only when it starts not available by a field it set.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from leadrouter.domain.agents import Agent

EVENT = "agent.status_changed"
PRESENCE_FIELDS = ("status", "status_reason", "away_until", "working_hours", "out_of_office")
_NEW: dict[str, Any] = {
    "status": "available",
    "status_reason": None,
    "away_until": None,
    "working_hours": None,
    "out_of_office": [],
}


@dataclass(frozen=True)
class PresenceChange:
    company_id: str
    agent: Agent  # as stored by the change
    previous_status: str | None  # None for a new agent
    changed: tuple[str, ...]  # the presence fields whose values the change set
    at: datetime

    def detail(self) -> dict[str, Any]:
        """The event's detail: ids and presence, never the agent's contact details."""
        presence = self.agent.model_dump(mode="json", include=set(PRESENCE_FIELDS))
        return {
            "company_id": self.company_id,
            "agent_id": self.agent.agent_id,
            **presence,
            "previous_status": self.previous_status,
            "changed": list(self.changed),
            "at": self.at.isoformat(),
        }


def presence_change(company_id: str, before: Agent | None, after: Agent, at: datetime) -> PresenceChange | None:
    old = before.model_dump(mode="json", include=set(PRESENCE_FIELDS)) if before is not None else _NEW
    new = after.model_dump(mode="json", include=set(PRESENCE_FIELDS))
    changed = tuple(name for name in PRESENCE_FIELDS if old[name] != new[name])
    if not changed:
        return None
    return PresenceChange(company_id, after, before.status if before is not None else None, changed, at)
