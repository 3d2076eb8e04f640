"""Offer timers: the timeout function reads the timer queue (an SQS event source reporting partial batch
failures) and expires each offer whose deadline has come; a message that arrives early is put back with the
delay left. A direct invocation with the ids (schedules made before the queue existed, operators) expires
the offer at once. Idempotent: a late, duplicate or stale message changes nothing."""

from datetime import datetime
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from leadrouter.adapters.partial_batches import queue_batch
from leadrouter.observability import correlated, logger, metrics, traced
from leadrouter.wiring import services


class Firing(BaseModel):
    company_id: str
    lead_id: str
    offer_id: str


class TimerMessage(Firing):
    due_at: datetime


def _arrived(body: str) -> str:
    try:
        message = TimerMessage.model_validate_json(body)
    except ValidationError:
        # Retrying cannot help a message that names no offer: it is dropped, not failed.
        logger.error("timer message without company, lead, offer ids and deadline: ignored")
        return "invalid_event"
    ids = message.model_dump(exclude={"due_at"})
    with correlated(message.lead_id):
        outcome = services().timer_arrivals.arrived(**ids, due_at=message.due_at)
        logger.info("offer timer handled", extra={"outcome": outcome, **ids})
    return outcome


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        # A failed record (a busy table) is retried after the visibility timeout, then dead-lettered.
        return queue_batch(event, _arrived)
    try:
        firing = Firing.model_validate(event)
    except ValidationError:
        logger.error("timer event without company, lead and offer ids: ignored")
        return {"outcome": "invalid_event"}
    with correlated(firing.lead_id):
        outcome = services().offer_desk.expire(firing.company_id, firing.lead_id, firing.offer_id)
        # Ids in `extra`, not appended keys: those would stick to the logger for later invocations.
        logger.info("offer timer handled", extra={"outcome": outcome, **firing.model_dump()})
    return {"outcome": outcome, **firing.model_dump()}
