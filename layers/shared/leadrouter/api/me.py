"""The agent's side (agent keys): my open offers with their time left, answering them, and my leads."""

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from leadrouter.api.caller import caller
from leadrouter.api.offer_links import LinkAnswer, answered
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, AgentLeadView, LeadSummaryView, documented
from leadrouter.domain.ids import OFFER_ID_PATTERN
from leadrouter.domain.model import Model
from leadrouter.domain.offers import OfferAction, OfferKind
from leadrouter.domain.principals import Principal, Role
from leadrouter.wiring import services

router = new_router()

OfferId = Annotated[str, Path(pattern=OFFER_ID_PATTERN, description="The offer's id.")]


class MyOffer(Model):
    offer_id: str
    kind: OfferKind
    origin: str
    lead: LeadSummaryView
    created_at: datetime
    expires_at: datetime
    seconds_left: int
    actions: list[OfferAction]


class MyOffers(Model):
    offers: list[MyOffer]


class MyLeads(Model):
    leads: list[AgentLeadView]
    next_cursor: str | None


@router.get(
    "/v1/me/offers",
    security=KEY_REQUIRED,
    summary="My open offers, newest first, with the time left",
    tags=["Agent"],
    responses=documented(401, 403),
)
def my_offers() -> MyOffers:
    return offers_of(caller(router, Role.AGENT))


def offers_of(principal: Principal) -> MyOffers:
    """An agent's open offers as the API shows them (the console shows the same)."""
    now = services().clock.now()
    views = services().offer_desk.my_offers(principal)
    return MyOffers(
        offers=[
            MyOffer(
                offer_id=view.offer.offer_id,
                kind=view.offer.kind,
                origin=view.offer.origin,
                lead=LeadSummaryView.of(view.lead),
                created_at=view.offer.created_at,
                expires_at=view.offer.expires_at,
                seconds_left=view.offer.seconds_left(now),
                actions=list(view.offer.actions()),
            )
            for view in views
        ]
    )


@router.post(
    "/v1/me/offers/<offer_id>/<action>",
    security=KEY_REQUIRED,
    summary="Answer one of my offers: claim, pass, accept or reject",
    tags=["Agent"],
    responses=documented(401, 403, 404, 409, 422, ok=200, model=LinkAnswer),
)
def answer_my_offer(offer_id: OfferId, action: Annotated[OfferAction, Path()]) -> Response[str]:
    principal = caller(router, Role.AGENT)
    answer = services().offer_desk.answer_mine(principal, offer_id, action)
    return answered(answer, json_wanted=True)


@router.get(
    "/v1/me/leads",
    security=KEY_REQUIRED,
    summary="Leads I hold or am asked to accept, newest first (contact details once they are mine)",
    tags=["Agent"],
    responses=documented(400, 401, 403),
)
def my_leads(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> MyLeads:
    return leads_of(caller(router, Role.AGENT), limit, cursor)


def leads_of(principal: Principal, limit: int = 50, cursor: str | None = None) -> MyLeads:
    """The leads an agent holds or is asked to accept, as the API shows them."""
    assert principal.agent_id is not None
    page = services().offer_desk.my_leads(principal, limit, cursor)
    return MyLeads(
        leads=[AgentLeadView.for_agent(lead, principal.agent_id, page.contact_allowed) for lead in page.leads],
        next_cursor=page.next_cursor,
    )
