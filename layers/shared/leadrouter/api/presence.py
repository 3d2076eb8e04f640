"""An agent's own presence (agent keys): `PUT /v1/me/status` sets the status and its reason, `GET` reads it
with what routing makes of it now. Admins change the same fields through the agent endpoints."""

from datetime import datetime
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import ConfigDict, Field

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.model import Model
from leadrouter.domain.presence import OutOfOffice, WorkingHours
from leadrouter.domain.presence_changes import PRESENCE_FIELDS
from leadrouter.domain.principals import Role
from leadrouter.service.presence_desk import Presence
from leadrouter.wiring import services

router = new_router()


class StatusBody(Model):
    model_config = ConfigDict(extra="forbid")

    status: Literal["available", "away", "offline"]
    reason: Annotated[str, Field(min_length=1, max_length=200)] | None = None


class PresenceView(Model):
    """The agent's presence fields, and whether routing reaches them now (and why not)."""

    agent_id: int
    status: Literal["available", "away", "offline"]
    status_reason: str | None
    away_until: datetime | None
    working_hours: WorkingHours | None
    out_of_office: list[OutOfOffice]
    available_now: bool
    unavailable_reason: str | None = Field(
        description="Why the automatic steps skip the agent now; null if they don't."
    )

    @classmethod
    def of(cls, presence: Presence) -> "PresenceView":
        fields = presence.agent.model_dump(include={"agent_id", *PRESENCE_FIELDS})
        why = presence.unavailable_reason
        return cls.model_validate({**fields, "available_now": why is None, "unavailable_reason": why})


@router.get(
    "/v1/me/status",
    security=KEY_REQUIRED,
    summary="My presence, and whether routing reaches me now",
    tags=["Agent"],
    responses=documented(401, 403),
)
def my_status() -> PresenceView:
    return PresenceView.of(services().presence_desk.mine(caller(router, Role.AGENT)))


@router.put(
    "/v1/me/status",
    security=KEY_REQUIRED,
    summary="Set my status (available, away, offline) with an optional reason",
    tags=["Agent"],
    responses=documented(400, 401, 403, 422),
)
def set_my_status(body: Annotated[StatusBody, Body()]) -> PresenceView:
    principal = caller(router, Role.AGENT)
    return PresenceView.of(services().presence_desk.set_mine(principal, body.status, body.reason))
