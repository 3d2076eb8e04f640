"""Reports brokers read: the routing report (from tallies kept as leads change) and the pool report (from
the status index), each scoped to what the caller may see: an admin the whole company, an office manager
their offices.

- `ReportTallies.count_change` is the stream consumer's use case: it adds a stored change's tallies to the
  company's, once, however often the stream gives the change (adapters/dynamo_aggregates.py).
- `ReportDesk.routing` reads one tally partition per scope (the company, or each of the manager's
  offices) for the group-by dimension: at most 366 days of items per key, whatever the number of leads.
- `ReportDesk.pool` counts waiting leads per age bucket and lists the oldest, without a Scan."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain
from typing import Final, Protocol

from aws_lambda_powertools import Logger

from leadrouter.domain.leads import Lead
from leadrouter.domain.ports import Clock
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.reports import (
    POOL_OLDEST,
    Dimension,
    ReportDays,
    ReportRow,
    Tally,
    TallyKey,
    change_tallies,
    pool_age_ranges,
    report_days,
    report_rows,
)
from leadrouter.domain.time_zones import zone
from leadrouter.service.ports import ConfigRepository

logger = Logger(child=True)

# Markers of counted changes outlive the stream's 24 hours of retries by a day.
MARKERS_KEPT: Final = timedelta(days=2)


class Aggregates(Protocol):
    def count_once(
        self, company_id: str, lead_id: str, change: int, tallies: Mapping[TallyKey, Tally], expires_at: datetime
    ) -> bool: ...

    def read(
        self, company_id: str, scope: str | None, dimension: Dimension, first: date, last: date
    ) -> Iterator[tuple[TallyKey, Tally]]: ...


class WaitingLeads(Protocol):
    def count(
        self, company_id: str, office_ids: tuple[str, ...] | None, after: datetime | None, until: datetime | None
    ) -> int: ...

    def oldest(self, company_id: str, office_ids: tuple[str, ...] | None, limit: int) -> list[Lead]: ...


class CompanyCalendar(Protocol):
    def time_zone(self, company_id: str) -> str:
        """The company's time zone, as its settings hold it now (NotFound: no company)."""
        ...


class ReportTallies:
    def __init__(self, calendar: CompanyCalendar, aggregates: Aggregates, clock: Clock) -> None:
        self._calendar = calendar
        self._aggregates = aggregates
        self._clock = clock

    def count_change(self, lead: Lead, history_before: int) -> bool:
        """Add what this stored change did to the company's tallies; False when there was nothing to add or
        it was added before (the stream gave the change again)."""
        if len(lead.history) <= history_before:
            return False
        # The company's calendar alone: one attribute of one item, whatever its number of agents.
        time_zone = zone(self._calendar.time_zone(lead.company_id))
        tallies = change_tallies(lead, history_before, time_zone)
        if not tallies:
            return False
        expires_at = self._clock.now() + MARKERS_KEPT
        # Named by the entries ever recorded (a fold shortens the history; the count only grows).
        added = self._aggregates.count_once(lead.company_id, lead.lead_id, lead.entries_recorded, tallies, expires_at)
        if not added:
            logger.info("lead change counted before", extra={"lead_id": lead.lead_id})
        return added


@dataclass(frozen=True)
class RoutingReport:
    start: datetime
    end: datetime
    group_by: Dimension
    days: ReportDays
    time_zone: str
    rows: list[ReportRow]


@dataclass(frozen=True)
class PoolReport:
    waiting: int
    by_age: dict[str, int]
    oldest: list[Lead]
    at: datetime


def _offices(principal: Principal) -> tuple[str, ...] | None:
    """The offices an office manager's key covers; None for an admin (the whole company)."""
    principal.require(Role.ADMIN, Role.OFFICE_MANAGER)
    return principal.office_ids if principal.role is Role.OFFICE_MANAGER else None


class ReportDesk:
    def __init__(self, config: ConfigRepository, aggregates: Aggregates, waiting: WaitingLeads, clock: Clock) -> None:
        self._config = config
        self._aggregates = aggregates
        self._waiting = waiting
        self._clock = clock

    def routing(self, principal: Principal, start: datetime, end: datetime, group_by: Dimension) -> RoutingReport:
        offices = _offices(principal)
        config = self._config.load(principal.company)
        days = report_days(start, end, zone(config.settings.time_zone))
        scopes: tuple[str | None, ...] = (None,) if offices is None else offices
        tallies = chain.from_iterable(
            self._aggregates.read(principal.company, scope, group_by, days.first, days.last) for scope in scopes
        )
        weights = {
            agent.agent_id: agent.weight
            for agent in config.agents.values()
            if agent.active and agent.in_auto_assign_queue
        }
        rows = report_rows(tallies, group_by, weights)
        return RoutingReport(start, end, group_by, days, config.settings.time_zone, rows)

    def pool(self, principal: Principal) -> PoolReport:
        offices = _offices(principal)
        now = self._clock.now()
        by_age = {
            bucket.name: self._waiting.count(principal.company, offices, bucket.created_after, bucket.created_until)
            for bucket in pool_age_ranges(now)
        }
        oldest = self._waiting.oldest(principal.company, offices, POOL_OLDEST)
        return PoolReport(sum(by_age.values()), by_age, oldest, now)
