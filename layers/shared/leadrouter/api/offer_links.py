"""The one-time links in offer emails: `GET /v1/offers/{token}` shows the offer and changes nothing (mail
scanners open links); its buttons `POST` the answer. A browser gets a page, `Accept: application/json` gets
JSON. Status codes come from the one mapping in api/errors.py."""

from datetime import datetime
from typing import Annotated, Any, Final

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel, ConfigDict

from leadrouter.api.bodies import parse_document, validated
from leadrouter.api.errors import error_response, status_of
from leadrouter.api.resolver import new_router
from leadrouter.api.views import AgentLeadView, ErrorAnswer
from leadrouter.domain.errors import DomainError
from leadrouter.domain.model import Model
from leadrouter.domain.offers import (
    NO_LONGER_ACTIVE,
    AnsweredAlready,
    OfferAction,
    OfferKind,
    OfferState,
    duration_words,
)
from leadrouter.service.delivery import email_context
from leadrouter.service.offer_desk import Answer, OfferInView
from leadrouter.wiring import services

router = new_router()

# No length limit here: any string that is not a token we sent answers 404, as the contract says, not 422.
Token = Annotated[str, Path(description="The token of the link, as in the email.")]
MAX_ANSWER_BODY_BYTES = 4096
HTML = "text/html; charset=utf-8"
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


class ActionBody(Model):
    model_config = ConfigDict(extra="ignore")

    action: OfferAction


class LinkOffer(Model):
    offer_id: str
    kind: OfferKind
    state: OfferState
    open_to_you: bool
    actions: list[OfferAction]
    expires_at: datetime
    seconds_left: int
    lead: dict[str, Any]


class LinkAnswer(Model):
    offer_id: str
    action: OfferAction
    offer_state: OfferState
    lead: AgentLeadView


def _pages(description: str, model: type[BaseModel], *errors: int) -> dict[int, OpenAPIResponse]:
    error: OpenAPIResponse = {
        "description": "Error",
        "content": {"application/json": {"model": ErrorAnswer}, "text/html": {}},
    }
    return {
        200: {"description": description, "content": {"application/json": {"model": model}, "text/html": {}}},
        404: error,
        409: error,
        422: error,
        **dict.fromkeys(errors, error),
    }


def _wants_json() -> bool:
    accept = router.current_event.headers.get("accept") or router.current_event.headers.get("Accept") or ""
    return "application/json" in accept.lower()


def _page(status: int, **context: Any) -> Response[str]:
    context.setdefault("message", None)
    context.setdefault("summary", None)
    context.setdefault("contact", None)
    context.setdefault("actions", [])
    context.setdefault("company_name", None)
    context.setdefault("agent_name", None)
    context.setdefault("chosen", None)
    body = services().renderer.render("offer_page.html.j2", **context)
    return Response(status, HTML, body, headers=PAGE_HEADERS)


def _error(error: DomainError) -> Response[str]:
    status = status_of(error)
    if _wants_json():
        return error_response(status, error.code, error.message)
    headings = {404: "Link not found", 409: "This lead is no longer open to you", 422: "That did not work"}
    heading = "You answered this offer already" if isinstance(error, AnsweredAlready) else None
    return _page(
        status.value, heading=heading or headings.get(status.value, "Something went wrong"), message=error.message
    )


def _closed_message(view: OfferInView) -> str:
    offer, agent_id = view.offer, view.ticket.agent_id
    if not view.agent_active:
        return NO_LONGER_ACTIVE
    if offer.answered_by == agent_id or agent_id in offer.passed_by:
        return "You answered this offer already."
    if offer.state is OfferState.CLAIMED:
        return "Another agent claimed this lead first."
    if offer.state is OfferState.EXPIRED or (offer.is_open and not view.open_to_agent(services().clock.now())):
        return "This offer has expired."
    return "This offer was closed: the lead was assigned another way."


@router.get(
    "/v1/offers/<token>",
    summary="The page an offer email's link opens (changes nothing)",
    tags=["Public"],
    responses=_pages("The offer", LinkOffer),
)
def show_offer(token: Token) -> Response[str]:
    try:
        view = services().offer_desk.by_token(token)
    except DomainError as error:
        return _error(error)
    now = services().clock.now()
    open_to_agent = view.open_to_agent(now)
    context = email_context(view.lead, view.offer, view.agent_name, view.company_name, view.time_zone, now)
    if _wants_json():
        answer = LinkOffer(
            offer_id=view.offer.offer_id,
            kind=view.offer.kind,
            state=view.offer.state,
            open_to_you=open_to_agent,
            actions=list(view.offer.actions()) if open_to_agent else [],
            expires_at=view.offer.expires_at,
            seconds_left=view.offer.seconds_left(now),
            lead=context["summary"].__dict__,
        )
        return Response(
            200, content_types.APPLICATION_JSON, answer.model_dump_json(), headers={"Cache-Control": "no-store"}
        )
    heading = "New lead to claim" if view.offer.kind is OfferKind.CLAIM else "A lead for you to accept"
    chosen = router.current_event.get_query_string_value("action")
    if not open_to_agent:
        return _page(200, heading=heading, message=_closed_message(view), **_without_actions(context))
    return _page(200, heading=heading, actions=[a.value for a in view.offer.actions()], chosen=chosen, **context)


@router.post(
    "/v1/offers/<token>",
    summary="Answer an offer: claim, pass, accept or reject (form-encoded or JSON)",
    tags=["Public"],
    # A body that is not a form or JSON object (400), too large (413) or of another type (415).
    responses=_pages("Done", LinkAnswer, 400, 413, 415),
)
def answer_offer(token: Token) -> Response[str]:
    try:
        body = validated(ActionBody, parse_document(router.current_event, MAX_ANSWER_BODY_BYTES))
        answer = services().offer_desk.answer_link(token, body.action)
    except DomainError as error:
        return _error(error)
    return answered(answer, json_wanted=_wants_json())


# What an agent is told once their answer to an offer counted (the email's page and the console alike).
ANSWER_HEADINGS: Final = {
    OfferAction.CLAIM: "You claimed the lead: it is yours",
    OfferAction.ACCEPT: "You accepted the lead: it is yours",
    OfferAction.PASS: "You passed on the lead",
    OfferAction.REJECT: "You rejected the lead",
}


def answered(answer: Answer, json_wanted: bool) -> Response[str]:
    """The answer to a successful action, as JSON or as a page (shared with /v1/me/offers)."""
    lead_view = AgentLeadView.for_agent(answer.lead, answer.agent_id)
    if json_wanted:
        payload = LinkAnswer(
            offer_id=answer.offer.offer_id, action=answer.action, offer_state=answer.offer.state, lead=lead_view
        )
        return Response(
            200, content_types.APPLICATION_JSON, payload.model_dump_json(), headers={"Cache-Control": "no-store"}
        )
    contact = None
    if lead_view.contact is not None:
        names = (lead_view.contact.first_name, lead_view.contact.last_name)
        contact = {
            "name": " ".join(part for part in names if part) or None,
            "email": lead_view.contact.email,
            "phone": lead_view.contact.phone,
            "message": lead_view.message,
        }
    summary = lead_view.summary
    return _page(
        200, heading=ANSWER_HEADINGS[answer.action], summary=summary, contact=contact, time_left=duration_words(0)
    )


def _without_actions(context: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in context.items() if key not in ("actions", "chosen")}
