"""The "I'm back" link auto-away emails (service/back_links.py): `GET /v1/presence/back/{token}` shows a page
with a button and changes nothing (mail scanners open links); the button `POST`s and sets the agent
available. A browser gets a page, `Accept: application/json` gets JSON. Status codes come from the one
mapping in api/errors.py."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse

from leadrouter.api.errors import error_response, status_of
from leadrouter.api.offer_links import HTML, PAGE_HEADERS
from leadrouter.api.resolver import new_router
from leadrouter.api.views import ErrorAnswer
from leadrouter.domain.errors import DomainError
from leadrouter.domain.model import Model
from leadrouter.service.back_links import BackLinkView
from leadrouter.wiring import services

router = new_router()
Token = Annotated[str, Path(description="The token of the link, as in the email.")]


class BackLinkAnswer(Model):
    agent_id: int
    status: str
    usable: bool


_ERROR: OpenAPIResponse = {
    "description": "Error",
    "content": {"application/json": {"model": ErrorAnswer}, "text/html": {}},
}


def _responses(description: str) -> dict[int, OpenAPIResponse]:
    ok: OpenAPIResponse = {
        "description": description,
        "content": {"application/json": {"model": BackLinkAnswer}, "text/html": {}},
    }
    return {200: ok, 404: _ERROR, 409: _ERROR, 422: _ERROR}


def _wants_json() -> bool:
    accept = router.current_event.headers.get("accept") or router.current_event.headers.get("Accept") or ""
    return "application/json" in accept.lower()


def _page(status: int, heading: str, **context: Any) -> Response[str]:
    body = services().renderer.render(
        "presence_back_page.html.j2",
        heading=heading,
        message=context.get("message"),
        company_name=context.get("company_name"),
        agent_name=context.get("agent_name"),
        button=context.get("button", False),
    )
    return Response(status, HTML, body, headers=PAGE_HEADERS)


def _answer(view: BackLinkView, heading: str, message: str | None) -> Response[str]:
    if _wants_json():
        payload = BackLinkAnswer(agent_id=view.agent.agent_id, status=view.agent.status, usable=view.usable)
        return Response(
            200, content_types.APPLICATION_JSON, payload.model_dump_json(), headers={"Cache-Control": "no-store"}
        )
    names = {"company_name": view.company_name, "agent_name": view.agent.display_name()}
    return _page(200, heading, message=message, button=view.usable, **names)


def _error(error: DomainError) -> Response[str]:
    status = status_of(error)
    if _wants_json():
        return error_response(status, error.code, error.message)
    return _page(status.value, "This link does not work", message=error.message)


@router.get(
    "/v1/presence/back/<token>",
    summary="The page of an auto-away email's \"I'm back\" link (changes nothing)",
    tags=["Public"],
    responses=_responses("The link's page"),
)
def show_back_link(token: Token) -> Response[str]:
    try:
        view = services().back_links.view(token)
    except DomainError as error:
        return _error(error)
    message = None if view.usable else "This link was used already or has expired."
    return _answer(view, "Back to receiving leads?", message)


@router.post(
    "/v1/presence/back/<token>",
    summary='Set the agent of an "I\'m back" link available again (once)',
    tags=["Public"],
    responses=_responses("Done"),
)
def use_back_link(token: Token) -> Response[str]:
    try:
        view = services().back_links.come_back(token)
    except DomainError as error:
        return _error(error)
    return _answer(view, "Welcome back", "You are available: new leads reach you again.")
