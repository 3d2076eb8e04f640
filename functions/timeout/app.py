"""Offer timers: EventBridge Scheduler invokes this when an offer expires, with the company, lead and offer
ids. Idempotent: a late, duplicate or stale firing changes nothing."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ValidationError

from leadrouter.observability import logger, traced
from leadrouter.wiring import services


class Firing(BaseModel):
    company_id: str
    lead_id: str
    offer_id: str


@logger.inject_lambda_context
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        firing = Firing.model_validate(event)
    except ValidationError:
        # Retrying cannot help an event that names no offer.
        logger.error("timer event without company, lead and offer ids: ignored")
        return {"outcome": "invalid_event"}
    outcome = services().offer_desk.expire(firing.company_id, firing.lead_id, firing.offer_id)
    # Ids in `extra`, not appended keys: those would stick to the logger for later invocations.
    logger.info("offer timer handled", extra={"outcome": outcome, **firing.model_dump()})
    return {"outcome": outcome, **firing.model_dump()}
