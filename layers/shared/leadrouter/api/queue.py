"""The round-robin queue (admins): who is next and why, and adjustments of an agent's credits."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import ConfigDict, Field, field_validator

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

if TYPE_CHECKING:  # the queue desk is imported when it is first built (wiring), not with the admin's routers
    from leadrouter.service.queue_desk import QueueEntry, QueueView

router = new_router()


class QueueAgent(Model):
    agent_id: int
    weight: float
    credits: float
    eligible: bool
    reason: str | None = Field(description="Why the agent is not eligible now; null when eligible")
    leads_today: int
    leads_this_week: int
    leads_this_month: int

    @classmethod
    def of(cls, entry: "QueueEntry") -> "QueueAgent":
        return cls(**entry.__dict__)


class QueueAdjustmentView(Model):
    agent_id: int
    credits_delta: float
    reason: str
    by: str = Field(description="The id of the key that made the adjustment")
    at: datetime


class QueueAnswer(Model):
    next_agent_id: int | None = Field(description="Who the next round-robin lead goes to; null: nobody is eligible")
    agents: list[QueueAgent] = Field(description="In pick order; agents not eligible now last")
    adjustments: list[QueueAdjustmentView] = Field(description="The latest adjustments, newest first")

    @classmethod
    def of(cls, view: "QueueView") -> "QueueAnswer":
        return cls(
            next_agent_id=view.next_agent_id,
            agents=[QueueAgent.of(entry) for entry in view.agents],
            adjustments=[QueueAdjustmentView(**adjustment.__dict__) for adjustment in view.adjustments],
        )


class AdjustmentBody(Model):
    model_config = ConfigDict(extra="forbid")

    agent_id: AgentNumber
    credits_delta: Annotated[
        float,
        Field(
            ge=-1_000_000,
            le=1_000_000,
            description="Added to the agent's credits, to the thousandth (a smaller change is none)",
        ),
    ]
    reason: Annotated[str, Field(min_length=1, max_length=500)]

    @field_validator("credits_delta")
    @classmethod
    def _changes_something(cls, value: float) -> float:
        # To the thousandth: a credit is a lead, and DynamoDB stores no number below 1e-130 (fuzzing sent
        # -2.2e-308, which boto3's number context refused: a 500).
        value = round(value, 3)
        if value == 0:
            raise ValueError("an adjustment of less than 0.001 credits changes nothing")
        return value

    @field_validator("reason")
    @classmethod
    def _said(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("say why")
        return value.strip()


@router.get(
    "/v1/routing/queue",
    security=KEY_REQUIRED,
    summary="The round-robin queue in pick order: weights, credits, leads against the caps, who is next",
    tags=["Admin"],
    responses=documented(401, 403),
)
def read_queue() -> QueueAnswer:
    principal = caller(router, Role.ADMIN)
    return QueueAnswer.of(services().queue_desk.queue(principal.company))


@router.post(
    "/v1/routing/queue/adjust",
    security=KEY_REQUIRED,
    summary="Add to (or take from) an agent's round-robin credits, with a reason; recorded with who and when",
    tags=["Admin"],
    responses=documented(400, 401, 403, 404, 409),
)
def adjust_queue(body: Annotated[AdjustmentBody, Body()]) -> QueueAgent:
    principal = caller(router, Role.ADMIN)
    entry = services().queue_desk.adjust(
        principal.company, principal.key_id, body.agent_id, body.credits_delta, body.reason
    )
    return QueueAgent.of(entry)
