"""The safety net under offer timers: every minute, expire the open offers whose timer never fired (its
schedule could not be created, or Scheduler gave up), through the timeout function's own idempotent path.

Overdue leads are found with one Query on a sparse index (GSI5: only leads with an open offer are in it,
sorted by their first expiry), so a sweep that finds nothing costs one read whatever the table holds. Every
offer it expires counts as a catch (SweeperCatches): each is a timer that failed."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from aws_lambda_powertools import Logger

from leadrouter.domain.errors import DomainError
from leadrouter.domain.lead_measures import Measure
from leadrouter.domain.ports import Clock

if TYPE_CHECKING:  # annotations only: the ports name the lead and configuration models (pydantic)
    from leadrouter.service.offer_desk import OfferDesk
    from leadrouter.service.ports import LeadRepository, Meter

logger = Logger(child=True)

# A timer normally fires within seconds of the expiry: leave it this long before stepping in, so the sweeper
# only acts on timers that really failed (acting earlier would be harmless, only wasted work).
GRACE = timedelta(seconds=90)
BATCH = 100


class OverdueLeads(Protocol):
    def overdue(self, before: datetime, limit: int = BATCH) -> list[tuple[str, str]]: ...


@dataclass
class SweepReport:
    leads: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


class OfferSweeper:
    def __init__(
        self,
        overdue: OverdueLeads,
        leads: Callable[[], "LeadRepository"],
        desk: Callable[[], "OfferDesk"],
        clock: Clock,
        meter: "Meter",
        grace: timedelta = GRACE,
    ) -> None:
        # The lead repository and the desk (and the cascade, delivery and timers behind it) are built on the
        # first overdue lead: most sweeps find none, and a cold sweeper then loads none of it, nor pydantic.
        self._overdue = overdue
        self._meter = meter
        self._leads = leads
        self._desk = desk
        self._clock = clock
        self._grace = grace

    def sweep(self, limit: int = BATCH) -> SweepReport:
        report = SweepReport()
        cutoff = self._clock.now() - self._grace
        for company_id, lead_id in self._overdue.overdue(cutoff, limit):
            report.leads += 1
            try:
                lead = self._leads().get(company_id, lead_id)
            except DomainError as error:
                report.count(error.code)
                continue
            for offer in lead.offers:
                if offer.is_open and offer.expires_at < cutoff:
                    try:
                        report.count(self._desk().expire(company_id, lead_id, offer.offer_id))
                    except DomainError as error:  # a busy table: the next sweep tries again
                        logger.warning("sweeper could not expire", extra={"offer_id": offer.offer_id})
                        report.count(error.code)
        if report.outcomes:  # the desk was built: its module is loaded already
            from leadrouter.service.offer_desk import EXPIRED

            caught = report.outcomes.get(EXPIRED, 0)
            if caught:
                self._meter.record([Measure("SweeperCatches", caught)])
        return report
