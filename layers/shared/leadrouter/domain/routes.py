"""Routes (ROUTING.md step 5, seed 000): configured sequences of agents, each route with conditions on the
moment and the lead. The first active route, by ascending priority, whose conditions all hold offers the lead
to its members one at a time, each with the route's claim window.

Conditions are evaluated on the wall clock of the company's IANA time zone (zoneinfo), so a 09:00-17:00
window means 09:00-17:00 local time in winter and in summer. A time-of-day window whose end is before its
start crosses midnight; the part after midnight belongs to the day the window opened (a Friday-night route
still holds at 02:00 on Saturday), and that day is the one the day and date conditions look at.

Pure: no I/O, the moment and the agents are handed in.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from leadrouter.domain.agents import Agent
from leadrouter.domain.model import AgentNumber, Day, Model, WholeNumber
from leadrouter.domain.time_zones import zone

if TYPE_CHECKING:  # caps reads leads, which read routes
    from leadrouter.domain.caps import CapReached

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ClockTime = Annotated[
    str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Local wall-clock time, HH:MM (24-hour)")
]
ROUTE_ID_PATTERN = r"^rt_[0-9a-z]{26}$"
RouteId = Annotated[str, Field(pattern=ROUTE_ID_PATTERN)]
Source = Annotated[str, Field(min_length=1, max_length=64)]
WindowSeconds = Annotated[WholeNumber, Field(ge=1, le=30 * 24 * 3600)]
MAX_MEMBERS = 100
MAX_PRIORITY = 1_000_000


class DateRange(Model):
    """Both ends included: {"start": "2025-12-24", "end": "2026-01-01"}."""

    model_config = ConfigDict(extra="forbid")

    start: Day
    end: Day

    @model_validator(mode="after")
    def _in_order(self) -> "DateRange":
        if self.start > self.end:
            raise ValueError(f"the date range starts on {self.start} after it ends on {self.end}")
        return self

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


class RouteConditions(Model):
    """Every condition that is set must hold; none set is the "one big route". Within one condition, any
    listed value is enough. `dates` and `date_ranges` are one condition: the day is one of the dates or in
    one of the ranges (holidays, a vacation week)."""

    model_config = ConfigDict(extra="forbid")

    days: list[Weekday] | None = Field(default=None, max_length=7)
    start_time: ClockTime | None = None
    end_time: ClockTime | None = None
    dates: list[date] | None = Field(default=None, max_length=366)
    date_ranges: list[DateRange] | None = Field(default=None, max_length=100)
    sources: list[Source] | None = Field(default=None, max_length=100)

    @field_validator("days", mode="before")
    @classmethod
    def _days_in_lower_case(cls, value: object) -> object:
        if isinstance(value, list):
            value = [day.strip().lower() if isinstance(day, str) else day for day in value]
        return value

    @field_validator("sources", mode="before")
    @classmethod
    def _sources_as_intake_stores_them(cls, value: object) -> object:
        # Intake stores a lead's source stripped and in lower case: compare like with like.
        if isinstance(value, list):
            value = [source.strip().lower() if isinstance(source, str) else source for source in value]
        return value

    @field_validator("days", "dates", "date_ranges", "sources", mode="after")
    @classmethod
    def _empty_is_unset(cls, value: list[object] | None) -> list[object] | None:
        # An empty list would match nothing; clearing a condition means "any" (as with agents' criteria).
        if not value:
            return None
        return list(dict.fromkeys(value)) if not isinstance(value[0], DateRange) else value

    @model_validator(mode="after")
    def _window(self) -> "RouteConditions":
        if (self.start_time is None) != (self.end_time is None):
            raise ValueError("start_time and end_time go together: set both or neither")
        if self.start_time is not None and self.start_time == self.end_time:
            raise ValueError(
                f"the window {self.start_time}-{self.end_time} has no length; leave both times out for all day"
            )
        return self

    def is_empty(self) -> bool:
        return all(value is None for value in self.model_dump().values())

    def window(self) -> str | None:
        return f"{self.start_time}-{self.end_time}" if self.start_time and self.end_time else None


RouteOrder = Literal["sequential", "round_robin"]


class Route(Model):
    model_config = ConfigDict(extra="forbid")

    route_id: RouteId
    name: Annotated[str, Field(min_length=1, max_length=100)]
    priority: Annotated[WholeNumber, Field(ge=0, le=MAX_PRIORITY, description="Lower numbers are tried first")]
    active: bool = True
    conditions: RouteConditions = Field(default_factory=RouteConditions)
    members: Annotated[list[AgentNumber], Field(min_length=1, max_length=MAX_MEMBERS)]
    claim_window_seconds: WindowSeconds = 300
    # `round_robin`: each lead starts with the member after the one who started the previous lead of the
    # route (a counter per route), then goes on in the listed order, wrapping.
    order: RouteOrder = "sequential"

    @field_validator("name", mode="before")
    @classmethod
    def _stripped(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("members")
    @classmethod
    def _each_once(cls, value: list[int]) -> list[int]:
        repeated = sorted({member for member in value if value.count(member) > 1})
        if repeated:
            raise ValueError(f"each agent can be a member once; repeated: {', '.join(map(str, repeated))}")
        return value


# Matching ---------------------------------------------------------------------------------------------------


def local_moment(at: datetime, time_zone: str) -> datetime:
    return at.astimezone(zone(time_zone))


def local_day(at: datetime, time_zone: str) -> str:
    """`2026-12-02`: the day of a moment in the company's calendar (an earlier lead's, in the history and
    in its owner's email alike)."""
    return local_moment(at, time_zone).date().isoformat()


def for_people(at: datetime, time_zone: str) -> str:
    """`Tuesday, March 17, 2026, 10:45 AM CDT`: a moment as the company's agents read a clock (emails,
    link pages); the API itself answers in UTC."""
    local = local_moment(at, time_zone)
    hour = local.hour % 12 or 12
    return f"{local:%A, %B} {local.day}, {local.year}, {hour}:{local:%M %p} {local.tzname()}"


def describe_moment(local: datetime, time_zone: str) -> str:
    """`Saturday 10:12 America/Chicago`: the words of the history."""
    return f"{WEEKDAYS[local.weekday()].capitalize()} {local:%H:%M} {time_zone}"


def by_priority(routes: Iterable[Route]) -> list[Route]:
    return sorted(routes, key=lambda route: (route.priority, route.route_id))


@dataclass(frozen=True)
class PriorityHolder:
    """The active route that holds a priority (a route write refuses to take it), as its error names it."""

    route_id: str
    name: str


# Priority -> the active route holding it: what a route write checks itself against, kept beside the routes
# (adapters/dynamo_config_reads.py) so that the check reads one item, not every route.
type ActivePriorities = dict[int, PriorityHolder]


def active_priorities(routes: Iterable[Route]) -> ActivePriorities:
    return {route.priority: PriorityHolder(route.route_id, route.name) for route in routes if route.active}


def priorities_with(held: ActivePriorities, route: Route) -> ActivePriorities:
    """`held` once `route` is stored as it is now (its old priority freed, its new one held if active)."""
    kept = priorities_without(held, route.route_id)
    return {**kept, route.priority: PriorityHolder(route.route_id, route.name)} if route.active else kept


def priorities_without(held: ActivePriorities, route_id: str) -> ActivePriorities:
    return {priority: holder for priority, holder in held.items() if holder.route_id != route_id}


# The members, one at a time -------------------------------------------------------------------------------


class RouteTurn(Model):
    """Which route an offer belongs to: the route as it was when it matched (its members in order, its
    window), and the position of the member this offer is for. Later edits of the route do not change a
    chain already under way."""

    route_id: str
    name: str
    members: list[int]
    position: int
    claim_window_seconds: int

    @classmethod
    def start(cls, route: Route, leads_before: int = 0) -> "RouteTurn":
        """The chain of a new lead; a `round_robin` route's members start at the `leads_before`-th one (the
        route's earlier leads, counted), wrapping, so each lead starts with the member after the previous
        lead's first."""
        members = list(route.members)
        if route.order == "round_robin":
            first = leads_before % len(members)
            members = members[first:] + members[:first]
        return cls(
            route_id=route.route_id,
            name=route.name,
            members=members,
            position=-1,
            claim_window_seconds=route.claim_window_seconds,
        )

    def at(self, position: int) -> "RouteTurn":
        return self.model_copy(update={"position": position})

    @property
    def agent_id(self) -> int:
        return self.members[self.position]

    def member_words(self, position: int | None = None) -> str:
        index = self.position if position is None else position
        return f"member {index + 1} of {len(self.members)} of route '{self.name}'"


@dataclass(frozen=True)
class MemberSkip:
    agent_id: int
    position: int
    reason: str
    sentence: str


@dataclass(frozen=True)
class NextMember:
    """Where a route's chain goes next: the members skipped on the way, then the member to offer the lead to
    (`turn`), or nobody left (`turn` is None: the pool)."""

    skipped: tuple[MemberSkip, ...]
    turn: RouteTurn | None
    route_id: str
    route_name: str

    def pool_sentence(self, started: bool) -> str:
        if started:
            return f"Route '{self.route_name}' has no member left to offer the lead to: the lead goes to the pool."
        return f"None of route '{self.route_name}''s members is available: the lead goes to the pool."


def member_name(agents: Mapping[int, Agent], agent_id: int) -> str:
    agent = agents.get(agent_id)
    return f"agent {agent_id} ({agent.display_name()})" if agent is not None else f"agent {agent_id}"


def next_member(
    turn: RouteTurn,
    agents: Mapping[int, Agent],
    declined: Iterable[int],
    at: datetime,
    after: int,
    at_cap: "Mapping[int, CapReached] | None" = None,
) -> NextMember:
    """The first member after position `after` (-1: from the start) who is available now: an existing,
    active agent who is not away, not in `at_cap` and has not passed on or declined this lead."""
    declined_ids = set(declined)
    skipped: list[MemberSkip] = []
    for position in range(after + 1, len(turn.members)):
        agent_id = turn.members[position]
        agent = agents.get(agent_id)
        if agent is None:
            reason: str | None = "no longer an agent of the company"
        elif agent_id in declined_ids:
            reason = "already passed on or declined this lead"
        elif at_cap and agent_id in at_cap:
            reason = at_cap[agent_id].reason()
        else:
            reason = agent.unavailable_reason(at)
        if reason is None:
            return NextMember(tuple(skipped), turn.at(position), turn.route_id, turn.name)
        who = member_name(agents, agent_id)
        sentence = f"{who[:1].upper()}{who[1:]}, {turn.member_words(position)}, skipped: {reason}."
        skipped.append(MemberSkip(agent_id, position, reason, sentence))
    return NextMember(tuple(skipped), None, turn.route_id, turn.name)


def offer_sentence(turn: RouteTurn, agents: Mapping[int, Agent], expires_at: datetime) -> str:
    seconds = turn.claim_window_seconds
    window = f"{seconds} second{'s' if seconds != 1 else ''}"
    who = member_name(agents, turn.agent_id)
    return (
        f"Offered to {who}, {turn.member_words()}: claim or pass within {window} "
        f"(until {expires_at:%Y-%m-%d %H:%M:%S} UTC)."
    )
