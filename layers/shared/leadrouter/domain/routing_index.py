"""What the cascade looks up in one configuration version, built once (the configuration's
`routing_index`) so that a decision costs lookups, not a pass over every agent and route.

It holds: the agents by id; the routes by priority with their conditions compiled (`RouteCheck`), and by the
source they admit (a lead is tried only against the routes its source can match, once the routes the history
names are past); the active agents by MLS id; and sets of active agents as bitmasks over their ascending ids —
the click-to-claim agents, the round-robin queue, and for each criterion of advanced distribution the agents
each lead value admits (by zip, city, type and source; by price through the sorted minimums and maximums). A
lead's matching agents are then the AND of six masks; who is unavailable at a moment is the OR of the agents
whose status is not `available`, a suffix of the away agents sorted by return time, and the agents whose
working hours or out-of-office periods (domain/presence.py) exclude the moment. The last is computed once per
distinct schedule, and reused until the first moment any schedule can change its answer, so a company without
hours pays nothing for them and one with hours pays once per edge, not once per decision. Inactive agents are
in no set: no automatic step reaches or mentions them.

Guarantees: every answer equals the straightforward pass over the configuration it was built from
(`tests/support/reference_cascade.py` is that pass; property tests compare the two), in the same order
(ascending ids, so a random pick among the matches draws the same agent). Pure and deterministic; built
lazily, part by part (a company without advanced distribution never builds the criteria masks). The
configuration is immutable by contract: a change is a new CompanyConfig, hence a new index.
"""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from itertools import compress

from leadrouter.domain.agents import Agent, Criteria
from leadrouter.domain.criteria import fold
from leadrouter.domain.leads import Interest
from leadrouter.domain.presence import Schedule
from leadrouter.domain.route_checks import RouteCheck, Trial
from leadrouter.domain.routes import Route, by_priority

# bin() of a mask, reversed, read as selectors for itertools.compress: b"0" -> 0, b"1" -> 1.
_SELECTORS = bytes.maketrans(b"01", b"\x00\x01")
# Below this many members a mask is walked bit by bit; above, converted to selectors in one pass.
_FEW = 32
# Queues in words kept per configuration: the whole queue, and a few with agents away or declined.
_QUEUES_KEPT = 8


def _mask(positions: Sequence[int]) -> int:
    if len(positions) < _FEW:
        mask = 0
        for position in positions:
            mask |= 1 << position
        return mask
    digits = bytearray(b"0" * (max(positions) + 1))
    for position in positions:
        digits[-1 - position] = ord("1")
    return int(digits, 2)


class _Listed:
    """One list criterion (zips, cities, types or sources): the agents without it, and the agents that list
    each (folded) value."""

    def __init__(self, unset: int, by_value: dict[str, int], folds: Callable[[str], str]) -> None:
        self._unset = unset
        self._by_value = by_value
        self._fold = folds

    @classmethod
    def of(cls, lists: Sequence[list[str] | None], folds: Callable[[str], str]) -> "_Listed":
        unset: list[int] = []
        listing: defaultdict[str, list[int]] = defaultdict(list)
        for position, values in enumerate(lists):
            if values is None:
                unset.append(position)
                continue
            for value in dict.fromkeys(folds(item) for item in values):
                listing[value].append(position)
        return cls(_mask(unset), {value: _mask(positions) for value, positions in listing.items()}, folds)

    def admitting(self, value: str | None) -> int:
        if value is None:
            return self._unset
        return self._unset | self._by_value.get(self._fold(value), 0)


class _Bound:
    """A price bound (minimums or maximums): the agents without one, and for each distinct bound, sorted,
    the agents whose bound a price on that side admits (cumulative masks)."""

    def __init__(self, bounds: Sequence[int | None], *, minimum: bool) -> None:
        self._minimum = minimum
        self._unset = _mask([position for position, bound in enumerate(bounds) if bound is None])
        ordered = sorted((bound, position) for position, bound in enumerate(bounds) if bound is not None)
        if not minimum:
            ordered.reverse()
        thresholds: list[int] = []
        masks: list[int] = []
        running = 0
        for bound, position in ordered:
            running |= 1 << position
            if thresholds and thresholds[-1] == bound:
                masks[-1] = running
            else:
                thresholds.append(bound)
                masks.append(running)
        if not minimum:  # kept ascending for bisect: masks[i] = the maximums of at least thresholds[i]
            thresholds.reverse()
            masks.reverse()
        self._thresholds = thresholds
        self._masks = masks

    def admitting(self, price: int | None) -> int:
        if price is None:
            return self._unset
        if self._minimum:  # minimums at most the price
            below = bisect_right(self._thresholds, price)
            return self._unset | (self._masks[below - 1] if below else 0)
        above = bisect_left(self._thresholds, price)  # maximums at least the price
        return self._unset | (self._masks[above] if above < len(self._masks) else 0)


def _same(value: str) -> str:
    return value


@dataclass(frozen=True)
class _Nothing:
    """What a lead without an interest carries: no value for any criterion."""

    zip: None = None
    city: None = None
    type: None = None
    price: None = None


_NO_INTEREST = _Nothing()


class _Criteria:
    """Advanced distribution's criteria of every active agent, by criterion."""

    def __init__(self, criteria: Sequence[Criteria]) -> None:
        self._zips = _Listed.of([c.zips for c in criteria], fold)
        self._cities = _Listed.of([c.cities for c in criteria], fold)
        self._types = _Listed.of([list(c.types) if c.types is not None else None for c in criteria], _same)
        self._sources = _Listed.of([c.sources for c in criteria], fold)
        self._minimums = _Bound([c.price_min for c in criteria], minimum=True)
        self._maximums = _Bound([c.price_max for c in criteria], minimum=False)

    def matching(self, source: str, interest: Interest | None) -> int:
        held = interest or _NO_INTEREST
        return (
            self._zips.admitting(held.zip)
            & self._cities.admitting(held.city)
            & self._types.admitting(held.type)
            & self._minimums.admitting(held.price)
            & self._maximums.admitting(held.price)
            & self._sources.admitting(source)
        )


class RoutingIndex:
    def __init__(self, agents: Mapping[int, Agent], routes: Mapping[str, Route]) -> None:
        self._agents = agents
        self._routes = routes
        # (from, until, mask): the agents off by their schedules at every moment of [from, until).
        self._off_schedule_cache: tuple[datetime, datetime, int] | None = None
        # (unavailable mask, available queue, unavailable agents): the last queue with agents off.
        self._partial_queue: tuple[int, tuple[int, ...], tuple[Agent, ...]] | None = None

    # Agents and routes in order ---------------------------------------------------------------------------

    @cached_property
    def agents_by_id(self) -> tuple[Agent, ...]:
        return tuple(self._agents[agent_id] for agent_id in sorted(self._agents))

    @cached_property
    def routes_by_priority(self) -> tuple[Route, ...]:
        """Every route, active or not, in the order the cascade tries them."""
        return tuple(by_priority(self._routes.values()))

    @cached_property
    def active_routes(self) -> tuple[RouteCheck, ...]:
        return tuple(RouteCheck(route) for route in self.routes_by_priority if route.active)

    @cached_property
    def _routes_by_source(self) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
        """The positions in `active_routes` of the routes without a source condition, and for each source a
        route lists, of the routes that admit it (those and the ones listing it): the only routes a lead of
        that source can match."""
        anywhere: list[int] = []
        listing: defaultdict[str, list[int]] = defaultdict(list)
        for position, check in enumerate(self.active_routes):
            sources = check.route.conditions.sources
            if sources is None:
                anywhere.append(position)
            for source in dict.fromkeys(sources or ()):
                listing[source].append(position)
        admitting = {source: tuple(sorted([*positions, *anywhere])) for source, positions in listing.items()}
        return tuple(anywhere), admitting

    def first_route_holding(self, trial: Trial, start: int) -> int | None:
        """The position of the first active route from `start` on whose conditions hold for `trial`."""
        anywhere, admitting = self._routes_by_source
        candidates = admitting.get(trial.source_key, anywhere)
        checks = self.active_routes
        for position in candidates[bisect_left(candidates, start) :]:
            if checks[position].holds(trial):
                return position
        return None

    @cached_property
    def _by_mls_id(self) -> dict[str, Agent]:
        found: dict[str, Agent] = {}
        for agent in self.agents_by_id:
            if agent.mls_id is not None and agent.active:
                found.setdefault(fold(agent.mls_id), agent)
        return found

    def agent_with_mls_id(self, mls_id: str) -> Agent | None:
        """The active agent with this MLS id (in any case), the lowest id if several have it."""
        return self._by_mls_id.get(fold(mls_id))

    # Sets of active agents, as masks over their ascending ids ---------------------------------------------

    @cached_property
    def _active(self) -> tuple[Agent, ...]:
        return tuple(agent for agent in self.agents_by_id if agent.active)

    @cached_property
    def _ids(self) -> tuple[int, ...]:
        return tuple(agent.agent_id for agent in self._active)

    def _where(self, holds: Callable[[Agent], bool]) -> int:
        return _mask([position for position, agent in enumerate(self._active) if holds(agent)])

    def ids(self, mask: int) -> list[int]:
        """The agents of a mask, in ascending ids."""
        if mask.bit_count() <= _FEW:
            found: list[int] = []
            while mask:
                lowest = mask & -mask
                found.append(self._ids[lowest.bit_length() - 1])
                mask ^= lowest
            return found
        return list(compress(self._ids, bin(mask)[:1:-1].encode().translate(_SELECTORS)))

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {agent_id: position for position, agent_id in enumerate(self._ids)}

    def mask_of(self, agent_ids: Iterable[int]) -> int:
        """The active agents among `agent_ids`, as a mask (ids of no active agent are left out)."""
        return _mask([self._positions[agent_id] for agent_id in agent_ids if agent_id in self._positions])

    def agents(self, mask: int) -> list[Agent]:
        return [self._agents[agent_id] for agent_id in self.ids(mask)]

    @cached_property
    def _returns(self) -> tuple[list[datetime], list[int]]:
        """When the agents with an away time come back, ascending, and for each position the mask of the
        agents coming back at that time or later."""
        returning = sorted(
            (agent.away_until, position) for position, agent in enumerate(self._active) if agent.away_until is not None
        )
        times = [when for when, _ in returning]
        later: list[int] = [0] * len(returning)
        running = 0
        for index in range(len(returning) - 1, -1, -1):
            running |= 1 << returning[index][1]
            later[index] = running
        return times, later

    def _away(self, at: datetime) -> int:
        """The active agents away at `at` (their away time is after it)."""
        times, later = self._returns
        first = bisect_right(times, at)
        return later[first] if first < len(later) else 0

    @cached_property
    def _status_off(self) -> int:
        return self._where(lambda agent: agent.status != "available")

    @cached_property
    def _schedules(self) -> tuple[tuple[Schedule, int], ...]:
        """Each distinct schedule of the active agents with one, and the mask of the agents keeping it."""
        groups: dict[tuple[str, str, str], tuple[Schedule, list[int]]] = {}
        for position, agent in enumerate(self._active):
            schedule = agent.schedule()
            if schedule is None:
                continue
            hours = schedule.hours.model_dump_json() if schedule.hours is not None else ""
            periods = ";".join(f"{period.start}/{period.end}" for period in schedule.periods)
            groups.setdefault((schedule.zone.key, hours, periods), (schedule, []))[1].append(position)
        return tuple((schedule, _mask(positions)) for schedule, positions in groups.values())

    def _off_schedule(self, at: datetime) -> int:
        if not self._schedules:
            return 0
        cached = self._off_schedule_cache
        if cached is not None and cached[0] <= at < cached[1]:
            return cached[2]
        off, until = 0, None
        for schedule, members in self._schedules:
            if schedule.reason(at) is not None:
                off |= members
            changes = schedule.valid_until(at)
            until = changes if until is None or changes < until else until
        assert until is not None
        self._off_schedule_cache = (at, until, off)
        return off

    def unavailable(self, at: datetime) -> int:
        """The active agents not available at `at`: those `Agent.unavailable_reason(at)` names a reason for."""
        return self._away(at) | self._status_off | self._off_schedule(at)

    @cached_property
    def click_to_claim(self) -> int:
        return self._where(lambda agent: agent.click_to_claim)

    @cached_property
    def queue(self) -> int:
        """The round-robin queue, unavailable agents included."""
        return self._where(lambda agent: agent.in_auto_assign_queue)

    @cached_property
    def _whole_queue(self) -> tuple[int, ...]:
        return tuple(self.ids(self.queue))

    def round_robin_queue(self, at: datetime) -> tuple[tuple[int, ...], list[Agent]]:
        """The queue's available agents in ascending ids, and the unavailable ones, by id."""
        away = self.queue & self.unavailable(at)
        if not away:
            return self._whole_queue, []
        cached = self._partial_queue
        if cached is None or cached[0] != away:
            # The same agents stay off for hours (a shift, a day out): their queue is listed once.
            cached = self._partial_queue = (away, tuple(self.ids(self.queue & ~away)), tuple(self.agents(away)))
        return cached[1], list(cached[2])

    @cached_property
    def weights(self) -> dict[int, float]:
        """The active agents whose weight is not 1 (round robin reads any other weight as 1)."""
        return {agent.agent_id: agent.weight for agent in self._active if agent.weight != 1.0}

    def listed(self, agent_ids: tuple[int, ...]) -> str:
        """`1, 2, 3`: a queue in words (the history names every agent of the queue a turn was taken in), kept
        for the queues this configuration hands out again and again."""
        words = self._listed.get(agent_ids)
        if words is None:
            if len(self._listed) >= _QUEUES_KEPT:
                self._listed.pop(next(iter(self._listed)))
            words = self._listed[agent_ids] = ", ".join(map(str, agent_ids))
        return words

    @cached_property
    def _listed(self) -> dict[tuple[int, ...], str]:
        return {}

    @cached_property
    def _criteria(self) -> _Criteria:
        return _Criteria([agent.criteria for agent in self._active])

    def matching(self, source: str, interest: Interest | None) -> int:
        """The active agents whose distribution criteria match the lead."""
        return self._criteria.matching(source, interest)

    def build(self) -> "RoutingIndex":
        """Every part at once (what a decision can need), for a caller that wants the cost paid up front."""
        for part in (
            "active_routes",
            "_routes_by_source",
            "_by_mls_id",
            "_returns",
            "_status_off",
            "_schedules",
            "click_to_claim",
            "_whole_queue",
            "_criteria",
        ):
            getattr(self, part)
        return self
