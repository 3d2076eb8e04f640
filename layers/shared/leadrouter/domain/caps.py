"""Caps: how many leads an agent may get per calendar day, week (from Monday) and month, in the company's
time zone, and the words of a refusal.

A cap counts every lead assigned to the agent in the period, however it came; only the automatic steps are
turned away by it (ROUTING.md "Fair share and caps"). Periods are calendar dates of the local moment, so a
DST change moves no boundary: a day is midnight to midnight on the wall clock, 23 or 25 hours long."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Literal

from leadrouter.domain.agents import Agent
from leadrouter.domain.leads import Lead, LeadStatus
from leadrouter.domain.time_zones import zone

PeriodKind = Literal["day", "week", "month"]
KINDS: tuple[PeriodKind, ...] = ("day", "week", "month")
_ADJECTIVE: dict[PeriodKind, str] = {"day": "daily", "week": "weekly", "month": "monthly"}


@dataclass(frozen=True)
class Period:
    """One calendar period: `key` names it (`2026-12-02`, the week's Monday `2026-11-30`, `2026-12`);
    `ends` is the first local date after it (its counters are kept a while past that, then expire)."""

    kind: PeriodKind
    key: str
    ends: date


def periods(at: datetime, time_zone: str) -> tuple[Period, Period, Period]:
    """The day, week and month that `at` falls in, on the company's wall clock."""
    today = at.astimezone(zone(time_zone)).date()
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    next_month = (first + timedelta(days=32)).replace(day=1)
    return (
        Period("day", today.isoformat(), today + timedelta(days=1)),
        Period("week", monday.isoformat(), monday + timedelta(days=7)),
        Period("month", first.isoformat()[:7], next_month),
    )


def cap_of(agent: Agent, kind: PeriodKind) -> int | None:
    if kind == "day":
        return agent.max_leads_per_day
    if kind == "week":
        return agent.max_leads_per_week
    return agent.max_leads_per_month


def caps_of(agent: Agent) -> dict[PeriodKind, int]:
    """The caps the agent has (none: the automatic steps never count them out)."""
    caps = {kind: cap_of(agent, kind) for kind in KINDS}
    return {kind: cap for kind, cap in caps.items() if cap is not None}


def cap_reason(kind: PeriodKind, count: int, cap: int) -> str:
    """Why an agent is not eligible now (the queue's `reason`): "daily cap 10 of 10 reached"."""
    return f"{_ADJECTIVE[kind]} cap {count} of {cap} reached"


def cap_words(agent_id: int, kind: PeriodKind, count: int, cap: int) -> str:
    """The history's words: "agent 7 skipped: daily cap 10 of 10 reached"."""
    return f"agent {agent_id} skipped: {cap_reason(kind, count, cap)}"


def first_reached(agent: Agent, counts: Mapping[PeriodKind, int]) -> "CapReached | None":
    """The first cap the agent's counts have reached; None: under every cap."""
    for kind, cap in caps_of(agent).items():
        if counts.get(kind, 0) >= cap:
            return CapReached(agent.agent_id, kind, counts.get(kind, 0), cap)
    return None


def reached(agent: Agent, counts: dict[PeriodKind, int]) -> str | None:
    """The first cap the agent's counts have reached, in words; None: under every cap."""
    found = first_reached(agent, counts)
    return cap_reason(found.kind, found.count, found.cap) if found is not None else None


@dataclass(frozen=True)
class CapReached:
    """A counted increment refused: `kind`'s count stood at `count`, which is not under `cap`."""

    agent_id: int
    kind: PeriodKind
    count: int
    cap: int

    def reason(self) -> str:
        return cap_reason(self.kind, self.count, self.cap)

    def words(self) -> str:
        return cap_words(self.agent_id, self.kind, self.count, self.cap)


@dataclass(frozen=True)
class Tally:
    """The count a lead's own write adds for the agent it gives the lead to: one more in each of `periods`,
    each period with a cap in `caps` only while its count is under the cap (an automatic step). Without
    caps (a named assignment) the count is never refused."""

    agent_id: int
    periods: tuple[Period, ...]
    caps: Mapping[PeriodKind, int] = field(default_factory=dict)


class CapRefused(Exception):
    """A lead's write was refused because its agent reached a cap meanwhile: nothing was written."""

    def __init__(self, reached: CapReached) -> None:
        super().__init__(reached.words())
        self.reached = reached


def tally_of_change(
    held_by: int | None, lead: Lead, time_zone: str, limits: Mapping[PeriodKind, int] | None = None
) -> Tally | None:
    """The count a change to a stored lead adds: one for the agent it gives the lead to, when that agent did
    not hold it before (`held_by`: a pool claim, a claim offer won, an admin's assignment, the acceptance
    chain's next agent), in the periods of the change's last history entry. `limits`: the agent's caps when
    an automatic step chose them (the acceptance chain, a claim of an automatic step's offer), which then
    refuse the count; otherwise never refused. An acceptance offer counts when it is made, as at intake; an
    acceptance that only confirms the agent it was offered to counts nothing more."""
    counted = (LeadStatus.ASSIGNED, LeadStatus.PENDING_ACCEPTANCE)
    if lead.status not in counted or lead.agent_id is None or lead.agent_id == held_by:
        return None
    at = lead.history[-1].at if lead.history else lead.created_at
    return Tally(lead.agent_id, periods(at, time_zone), dict(limits or {}))
