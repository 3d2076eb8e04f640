"""What the timeout function does with a timer message: expire the offer when it is due, or, when the
message came early (a long window's schedule fires about ten minutes before the deadline), start the timer
again for the time left; one that came a fraction of a second early (its delay was rounded: domain/timers.py)
waits out the rest first, so a window never ends early. Late, duplicate or stale messages change nothing
(the offer desk's checks). An expiry acted on well after its deadline counts as a late timer (LateTimers).
An escalation timer (named `es_...` where an offer's id would be) goes to the escalations
(service/escalation.py), early ones put back the same way."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from leadrouter.domain.escalation import is_escalation_timer
from leadrouter.domain.lead_measures import Measure, is_late
from leadrouter.domain.offers import EXPIRY_TOLERANCE_SECONDS
from leadrouter.domain.ports import Clock
from leadrouter.domain.timers import is_early, wait_before
from leadrouter.service.offer_desk import EXPIRED, OfferDesk
from leadrouter.service.ports import Meter, Timers

if TYPE_CHECKING:
    from leadrouter.service.escalation import Escalations

logger = Logger(child=True)

REARMED = "rearmed"


class TimerArrivals:
    def __init__(
        self,
        desk: OfferDesk,
        timers: Timers,
        clock: Clock,
        meter: Meter,
        escalations: "Callable[[], Escalations]",
        tolerance: timedelta = timedelta(seconds=EXPIRY_TOLERANCE_SECONDS),
    ) -> None:
        """`escalations` builds them on the first escalation timer (most timers are offers'); the last
        fraction of a second before a deadline is waited out on `clock`."""
        self._desk = desk
        self._timers = timers
        self._clock = clock
        self._meter = meter
        self._tolerance = tolerance
        self._escalations = escalations

    def arrived(self, company_id: str, lead_id: str, offer_id: str, due_at: datetime) -> str:
        """Answers what happened, in a word (the offer desk's outcomes, or 'rearmed')."""
        now = self._clock.now()
        if is_early(due_at, now, self._tolerance):
            self._timers.start(company_id, lead_id, offer_id, due_at)
            logger.info("offer timer early: started again", extra={"offer_id": offer_id})
            return REARMED
        wait = wait_before(due_at, now)
        if wait > 0:
            self._clock.sleep(wait)
        if is_escalation_timer(offer_id):
            return self._escalations().due(company_id, lead_id)
        outcome = self._desk.expire(company_id, lead_id, offer_id)
        if outcome == EXPIRED and is_late(due_at, self._clock.now()):
            self._meter.record([Measure("LateTimers")])
        return outcome
