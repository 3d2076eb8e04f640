"""The agent's screens: New leads (open offers with their time left, answered with a button; a small list
the page's script fetches every few seconds) and My leads (send one back to the pool); the Lead pool is
console/pool_screens.py's, beside the managers' pool. Each calls the API's own code with the agent's
Principal; a refusal or a lost race comes back as the API's message on the next page."""

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.me import leads_of, offers_of
from leadrouter.api.offer_links import ANSWER_HEADINGS
from leadrouter.api.resolver import new_router
from leadrouter.console.web import SECURITY_HEADERS, Session, acted, checked_form, known_id, page, renderer, session_of
from leadrouter.domain.errors import NotFound
from leadrouter.domain.ids import LEAD_ID_PATTERN, OFFER_ID_PATTERN
from leadrouter.domain.offers import OfferAction
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()


def _agent() -> Session:
    session = session_of(router)
    session.principal.require(Role.AGENT)
    return session


@router.get("/app/offers")
def new_leads() -> Response[str]:
    session = _agent()
    offers = offers_of(session.principal).offers
    return page(
        router,
        "offers.html.j2",
        session=session,
        title="New leads",
        active="offers",
        offers=offers,
        offer_count=len(offers),
    )


@router.get("/app/offers/live")
def live_offers() -> Response[str]:
    """The list of open offers alone, with their count in a header: what the page's script polls."""
    session = _agent()
    offers = offers_of(session.principal).offers
    body = renderer().render("_offer_list.html.j2", root=session.place.root, csrf=session.csrf, offers=offers)
    headers = {**SECURITY_HEADERS, "X-Offer-Count": str(len(offers))}
    return Response(200, "text/html; charset=utf-8", body, headers=headers)


@router.post("/app/offers/<offer_id>/<action>")
def answer_offer(offer_id: str, action: str) -> Response[str]:
    session = _agent()
    checked_form(router, session)
    known_id(OFFER_ID_PATTERN, offer_id, "offer")
    chosen = next((item for item in OfferAction if item.value == action), None)
    if chosen is None:
        raise NotFound("No such action.")
    root = session.place.root
    mine = chosen in (OfferAction.CLAIM, OfferAction.ACCEPT)
    return acted(
        session,
        lambda: services().offer_desk.answer_mine(session.principal, offer_id, chosen),
        ANSWER_HEADINGS[chosen],
        f"{root}/{'my-leads' if mine else 'offers'}",
        refused_to=f"{root}/offers",
    )


@router.get("/app/my-leads")
def my_leads() -> Response[str]:
    session = _agent()
    leads = leads_of(session.principal, limit=100).leads
    return page(router, "my_leads.html.j2", session=session, title="My leads", active="my-leads", leads=leads)


@router.post("/app/my-leads/<lead_id>/release")
def send_back(lead_id: str) -> Response[str]:
    session = _agent()
    checked_form(router, session)
    known_id(LEAD_ID_PATTERN, lead_id, "lead")
    return acted(
        session,
        lambda: services().pool_desk.release(session.principal, lead_id),
        "You sent the lead back to the pool.",
        f"{session.place.root}/my-leads",
    )
