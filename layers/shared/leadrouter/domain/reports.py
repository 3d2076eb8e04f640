"""Routing reports from tallies, never from leads: what a stored change of a lead adds to the company's
tallies (per scope, per day in the company's time zone, per group-by dimension and key), and the rows a
report answers from any number of those tallies merged.

Why tallies: a report over a year must cost the same few reads with 10 leads or 10 million, so each change
adds its counts to one item per (scope, day, dimension, key) as it is stored (adapters/dynamo_aggregates.py),
and a report reads at most 366 items per key of one dimension. A tally is a sum, so tallies merge by adding:
any days, any offices.

Speed to lead is kept as a histogram of fixed buckets (seconds), which also merges by adding. The buckets
are whole seconds under 10 minutes, 10 seconds under an hour, a minute under a day, an hour under 30 days,
a day beyond; a median or p90 is the lower bound of the bucket the nearest-rank lead falls in, so it is
exact to the second under 10 minutes (the range a broker watches), and never off by more than 1/60 of
itself above. The `within_*` shares are exact: 5 minutes, 15 minutes and an hour are bucket bounds.

Guarantees: pure (no I/O, no clock); the same change always gives the same tallies, so a store that counts
each change once (a per-change marker) counts exactly once."""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final, Literal, get_args
from zoneinfo import ZoneInfo

from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.lead_measures import first_hold, speed_to_lead
from leadrouter.domain.leads import HistoryEntry, Lead
from leadrouter.domain.offers import OfferOrigin

Dimension = Literal["agent", "source", "route", "office", "day"]
DIMENSIONS: Final[tuple[Dimension, ...]] = get_args(Dimension)

# The contract's counters, in its order, from the lead.* entry each counts.
COUNTED_EVENTS: Final = {
    "lead.received": "received",
    "lead.offered": "offered",
    "lead.claimed": "claimed",
    "lead.passed": "passed",
    "lead.accepted": "accepted",
    "lead.rejected": "rejected",
    "lead.expired": "expired",
    "lead.assigned": "assigned",
    "lead.returned_to_pool": "to_pool",
}
COUNTERS: Final = tuple(COUNTED_EVENTS.values())
# Every time an agent came to hold a lead (a lead that changes hands counts once per agent who held it): the
# basis of `share`. `timed`: leads held for the first time, the ones speed to lead is measured on.
HELD: Final = "held"
TIMED: Final = "timed"

# A report spans at most this many days of the company's time zone.
MAX_REPORT_DAYS: Final = 366

# (upper bound in seconds, bucket width in seconds); above the last bound, a day.
_BUCKET_WIDTHS: Final = ((600, 1), (3600, 10), (86_400, 60), (30 * 86_400, 3600))
_WITHIN: Final = (("within_5_minutes", 300), ("within_15_minutes", 900), ("within_1_hour", 3600))

Key = str | int | None


def speed_bucket(seconds: float) -> int:
    """The lower bound, in whole seconds, of the bucket a speed to lead falls in."""
    value = max(0.0, seconds)
    for bound, width in _BUCKET_WIDTHS:
        if value < bound:
            return int(value // width) * width
    return int(value // 86_400) * 86_400


@dataclass
class Tally:
    """Counts (COUNTERS, HELD, TIMED) and the speed histogram (bucket lower bound → leads); merges by adding."""

    counts: Counter[str] = field(default_factory=Counter)
    speeds: Counter[int] = field(default_factory=Counter)

    def add(self, other: "Tally") -> None:
        self.counts.update(other.counts)
        self.speeds.update(other.speeds)

    def is_empty(self) -> bool:
        return not any(self.counts.values()) and not any(self.speeds.values())


@dataclass(frozen=True)
class TallyKey:
    # None: the whole company; an office id: the changes of leads of that office (office managers' reports).
    scope: str | None
    dimension: Dimension
    day: date
    # The agent id, source, route id or office id; None for "none" (no agent, no route, no office); None for
    # the day dimension, whose rows are its days.
    key: Key


def change_tallies(lead: Lead, history_before: int, time_zone: ZoneInfo) -> dict[TallyKey, Tally]:
    """What the change that left `lead` as it is (its history was `history_before` entries long before)
    adds to the tallies. Each entry counts on its own day; the lead's office and route are read from the
    stored lead (an event counts for the office the lead has once the change is stored)."""
    tallies: dict[TallyKey, Tally] = {}
    held = first_hold(lead, history_before)
    route_id = _route_of(lead)
    scopes: tuple[str | None, ...] = (None, lead.office_id) if lead.office_id else (None,)
    for entry in lead.history[history_before:]:
        counter = COUNTED_EVENTS.get(entry.event)
        if counter is None:
            continue
        one = Tally(Counter({counter: 1}))
        if entry.makes_holder:
            one.counts[HELD] = 1
        if entry is held:
            one.counts[TIMED] = 1
            one.speeds[speed_bucket(speed_to_lead(lead, held))] = 1
        day = entry.at.astimezone(time_zone).date()
        for dimension in DIMENSIONS:
            for key in _keys(lead, entry, dimension, route_id):
                for scope in scopes:
                    tallies.setdefault(TallyKey(scope, dimension, day, key), Tally()).add(one)
    return tallies


def _route_of(lead: Lead) -> str | None:
    """The route that took the lead in (its first route offer), if one did."""
    offer = next((offer for offer in lead.offers if offer.origin == OfferOrigin.ROUTE and offer.route), None)
    return offer.route.route_id if offer is not None and offer.route is not None else None


def _keys(lead: Lead, entry: HistoryEntry, dimension: Dimension, route_id: str | None) -> tuple[Key, ...]:
    if dimension == "agent":
        offer = lead.offer(entry.offer_id) if entry.event == "lead.offered" and entry.offer_id else None
        # Click to claim offers one lead to several agents at once: each of them was offered it.
        if offer is not None and entry.agent_id is None and offer.recipients:
            return tuple(offer.recipients)
        return (entry.agent_id,)
    if dimension == "source":
        return (lead.source,)
    if dimension == "route":
        return (route_id,)
    if dimension == "office":
        return (lead.office_id,)
    return (None,)


# Reading -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportDays:
    first: date
    last: date


def report_days(start: datetime, end: datetime, time_zone: ZoneInfo) -> ReportDays:
    """The days of the company's time zone a report from `start` to `end` covers (both days whole)."""
    if end < start:
        raise InvalidInput("`to` must not be before `from`.")
    first, last = start.astimezone(time_zone).date(), end.astimezone(time_zone).date()
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        raise InvalidInput(f"A report covers at most {MAX_REPORT_DAYS} days; ask for a shorter range.")
    return ReportDays(first, last)


def days_of(span: ReportDays) -> list[date]:
    return [span.first + timedelta(days=n) for n in range((span.last - span.first).days + 1)]


@dataclass(frozen=True)
class ReportRow:
    key: Key
    counts: Mapping[str, int]
    median: int | None
    p90: int | None
    within: Mapping[str, float | None]
    share: float | None
    target_share: float | None


def quantile(speeds: Mapping[int, int], q: float) -> int | None:
    """The nearest-rank quantile: the bucket of the ⌈q·n⌉-th fastest lead (the median of 4 is the 2nd)."""
    total = sum(speeds.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for bucket in sorted(speeds):
        seen += speeds[bucket]
        if seen >= rank:
            return bucket
    raise AssertionError("unreachable: the ranks add up to the total")


def report_rows(
    tallies: Iterable[tuple[TallyKey, Tally]], group_by: Dimension, eligible_weights: Mapping[int, float]
) -> list[ReportRow]:
    """One row per key (per day for `day`), keys in ascending order with "none" last. `eligible_weights`:
    the weights of the agents eligible for round robin now, the basis of agent rows' `target_share`."""
    merged: dict[Key, Tally] = {}
    for tally_key, tally in tallies:
        row_key = tally_key.day.isoformat() if group_by == "day" else tally_key.key
        merged.setdefault(row_key, Tally()).add(tally)
    total_held = sum(tally.counts[HELD] for tally in merged.values())
    total_weight = sum(eligible_weights.values())
    rows = []
    for key in sorted(
        merged, key=lambda value: (value is None, type(value).__name__, value if value is not None else 0)
    ):
        tally = merged[key]
        timed = tally.counts[TIMED]
        within = {
            name: (sum(n for bucket, n in tally.speeds.items() if bucket < seconds) / timed if timed else None)
            for name, seconds in _WITHIN
        }
        target = None
        if group_by == "agent" and isinstance(key, int) and total_weight > 0:
            target = eligible_weights.get(key, 0.0) / total_weight
        rows.append(
            ReportRow(
                key=key,
                counts={counter: tally.counts[counter] for counter in COUNTERS},
                median=quantile(tally.speeds, 0.5),
                p90=quantile(tally.speeds, 0.9),
                within=within,
                share=tally.counts[HELD] / total_held if total_held else None,
                target_share=target,
            )
        )
    return rows


# The pool ---------------------------------------------------------------------------------------------

# (name, the age a waiting lead is younger than); the last bucket holds the rest.
POOL_AGES: Final = (("under_5_minutes", 300), ("under_1_hour", 3600), ("under_1_day", 86_400), ("older", None))
POOL_OLDEST: Final = 10


@dataclass(frozen=True)
class AgeRange:
    """Waiting leads created after `created_after` (exclusive) and at or before `created_until`; None: no bound."""

    name: str
    created_after: datetime | None
    created_until: datetime | None


def pool_age_ranges(now: datetime) -> list[AgeRange]:
    """The creation times of each age bucket at `now`, youngest first: each a key range of a lead index."""
    ranges, younger_than = [], None
    for name, seconds in POOL_AGES:
        older = now - timedelta(seconds=seconds) if seconds is not None else None
        ranges.append(AgeRange(name, older, younger_than))
        younger_than = older
    return ranges
