"""What every console page shares: where the console lives, the signed-in user, the page's headers (a strict
Content-Security-Policy: scripts and styles from /app/static only, nothing inline), forms and their CSRF
check, notices shown once, and redirects.

A session's access token that Cognito no longer takes (it expired: an hour), or that the browser dropped
with its cookie, is renewed from the session's refresh token on the same request: the page works, and the
response sets the new token's cookie (`renewal_cookies`, which the console's resolver adds to every answer).
Once the refresh token is refused too (signed out, the user removed, the working day over) the browser goes
to the sign-in page, and both cookies are cleared."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from functools import cache, cached_property
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.shared.cookies import Cookie
from pydantic import BaseModel, ValidationError

from leadrouter.adapters.templates import JinjaRenderer
from leadrouter.api.bodies import content_type
from leadrouter.api.links import link_base_url
from leadrouter.console import sessions
from leadrouter.domain.console_users import ConsoleUser
from leadrouter.domain.errors import BadRequest, DomainError, Forbidden, InvalidInput, NotFound, UnsupportedMediaType
from leadrouter.domain.model import problem_text
from leadrouter.domain.offers import duration_words
from leadrouter.domain.principals import Principal, Role
from leadrouter.wiring import services

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"
FORM: Final = "application/x-www-form-urlencoded"
_MAX_FORM_BYTES: Final = 16_384

SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Nothing of a console address travels to another site. (Not no-referrer: with it, browsers send
    # `Origin: null` on the console's own form posts, which the origin check must refuse.)
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# Whatever knows the current request: a router, or the resolver itself (its error handlers).
Requests = Router | APIGatewayRestResolver
# The request's session and the cookie of its renewed token, kept on the request's own event object (each
# invocation makes a new one, so nothing of one request reaches the next). Not in the resolver's `context`:
# a module's router hands `context` to the last resolver it was included in, which is not always the one
# serving the request (two console containers in one process, as the local stack runs them in tests), and
# only the serving resolver clears its own.
_STATE: Final = "_console_request_state"
_SESSION: Final = "session"
_RENEWED: Final = "renewed"


def _request_state(router: Requests) -> dict[str, object]:
    event = router.current_event
    state = event.__dict__.get(_STATE)
    if not isinstance(state, dict):
        state = {}
        event.__dict__[_STATE] = state
    return state


class SignInRequired(Exception):
    """No session, or it ended: the browser goes to the sign-in page."""


class ConsoleRenderer(JinjaRenderer):
    """The console's templates, with the console's ways of writing times."""

    @cached_property
    def _environment(self) -> Any:
        environment = super()._environment
        environment.filters["time_left"] = lambda seconds: f"{duration_words(int(seconds))} left"
        environment.filters["duration"] = lambda seconds: duration_words(int(seconds))
        environment.filters["when"] = lambda moment: moment.astimezone(UTC).strftime("%b %d, %H:%M UTC")
        return environment


@cache
def renderer() -> ConsoleRenderer:
    return ConsoleRenderer(TEMPLATES)


@dataclass(frozen=True)
class Place:
    """Where the console is, as the browser reaches it."""

    root: str
    secure: bool
    # The console's whole address (for emails): https://host[/stage]/app/
    url: str

    @classmethod
    def of(cls, router: Requests) -> "Place":
        base = (link_base_url(router.current_event) or "").rstrip("/")
        root = urlsplit(base).path + "/app"
        return cls(root=root, secure=not base.startswith("http://"), url=f"{base}/app/")

    def cookie(self, name: str, value: str, max_age: int | None = None) -> Cookie:
        return sessions.set_cookie(name, value, path=self.root, secure=self.secure, max_age=max_age)

    def forget(self, name: str) -> Cookie:
        return sessions.clear_cookie(name, path=self.root, secure=self.secure)

    def forget_session(self) -> list[Cookie]:
        return [self.forget(sessions.SESSION_COOKIE), self.forget(sessions.REFRESH_COOKIE)]


@dataclass(frozen=True)
class Session:
    user: ConsoleUser
    token: str
    place: Place
    # None for a session signed in before sessions had one: it ends with its access token.
    refresh_token: str | None = None

    @property
    def principal(self) -> Principal:
        return self.user.principal()

    @property
    def lasting_secret(self) -> str:
        # What lasts the whole session: a form opened before a renewal is still accepted after it.
        return self.refresh_token or self.token

    @property
    def csrf(self) -> str:
        return sessions.csrf_token(self.lasting_secret)


def cookies_of(router: Requests) -> dict[str, str]:
    headers = router.current_event.headers
    return sessions.read_cookies(headers.get("cookie") or headers.get("Cookie"))


def session_of(router: Requests, *roles: Role) -> Session:
    """The signed-in user of this request, their access token renewed if it had expired; SignInRequired when
    there is none, or it ended; Forbidden when `roles` are given and the user has none of them."""
    session = _session(router)
    if roles:
        session.principal.require(*roles)
    return session


def _session(router: Requests) -> Session:
    known = _request_state(router).get(_SESSION)
    if isinstance(known, Session):
        return known
    cookies = cookies_of(router)
    token = sessions.cookie_value(cookies, sessions.SESSION_COOKIE)
    refresh = sessions.cookie_value(cookies, sessions.REFRESH_COOKIE)
    desk = services().user_desk
    place = Place.of(router)
    user = desk.session_user(token) if token else None
    if user is None and refresh:
        renewed = desk.renew(refresh)
        if renewed is not None:
            token, user = renewed.access_token, desk.session_user(renewed.access_token)
            if user is not None:
                cookie = place.cookie(sessions.SESSION_COOKIE, token, max_age=renewed.expires_in)
                _request_state(router)[_RENEWED] = cookie
    if token is None or user is None:
        raise SignInRequired
    session = Session(user, token, place, refresh)
    _request_state(router)[_SESSION] = session
    return session


def renewal_cookies(router: Requests) -> list[Cookie]:
    """The cookie of this request's renewed access token, if it was renewed: for its answer, whatever it is."""
    renewed = _request_state(router).get(_RENEWED)
    return [renewed] if isinstance(renewed, Cookie) else []


def form_of(router: Requests) -> dict[str, str]:
    """A form's fields (the first value of each); a change from another origin is refused."""
    event = router.current_event
    origin = event.headers.get("origin") or event.headers.get("Origin")
    host = event.headers.get("host") or event.headers.get("Host")
    if origin and host and urlsplit(origin).netloc != host:
        raise Forbidden("This form was sent from another site.")
    if content_type(event) != FORM:
        raise UnsupportedMediaType("Send the form as application/x-www-form-urlencoded.")
    body = event.decoded_body or ""
    if len(body) > _MAX_FORM_BYTES:
        raise BadRequest("The form is too large.")
    return {name: values[0] for name, values in parse_qs(body, max_num_fields=50).items()}


def checked_form(router: Requests, session: Session) -> dict[str, str]:
    """The form of a change: refused (403) unless it carries the session's CSRF token."""
    form = form_of(router)
    sent = form.get(sessions.CSRF_FIELD) or router.current_event.headers.get(sessions.CSRF_HEADER)
    if not sessions.csrf_matches(session.lasting_secret, sent):
        raise Forbidden("This form is out of date or was not sent from the console: reload the page and try again.")
    return form


def page(
    router: Requests,
    template: str,
    status: int = 200,
    *,
    session: Session | None = None,
    cookies: list[Cookie] | None = None,
    **context: Any,
) -> Response[str]:
    place = session.place if session else Place.of(router)
    notice = sessions.cookie_value(cookies_of(router), sessions.NOTICE_COOKIE)
    sent = list(cookies or [])
    if notice:
        sent.append(place.forget(sessions.NOTICE_COOKIE))
    body = renderer().render(
        template,
        root=place.root,
        user=session.user if session else None,
        csrf=session.csrf if session else "",
        notice=context.pop("notice", None) or notice,
        error=context.pop("error", None),
        **context,
    )
    return Response(status, "text/html; charset=utf-8", body, headers=SECURITY_HEADERS, cookies=sent)


def redirect(
    location: str, cookies: list[Cookie] | None = None, headers: Mapping[str, str] | None = None
) -> Response[str]:
    return Response(
        303,
        "text/plain; charset=utf-8",
        "",
        headers={**SECURITY_HEADERS, "Location": location, **(headers or {})},
        cookies=cookies or [],
    )


def back_with_notice(session: Session, location: str, notice: str) -> Response[str]:
    """Post/redirect/get: the next page shows `notice` once."""
    return redirect(location, cookies=[session.place.cookie(sessions.NOTICE_COOKIE, notice, max_age=60)])


def known_id(pattern: str, value: str, what: str) -> str:
    """`value` when it has the shape of the ids `pattern` describes (domain/ids.py); a 404 otherwise, before
    anything is read."""
    if not re.match(pattern, value):
        raise NotFound(f"No such {what}.")
    return value


def acted(
    session: Session, act: Callable[[], object], done: str, to: str, refused_to: str | None = None
) -> Response[str]:
    """Runs a screen's change and goes back with its notice: `done` at `to`, or the service's refusal (the
    API's own words) at `refused_to` (default `to`)."""
    try:
        act()
    except DomainError as error:
        return back_with_notice(session, refused_to or to, error.message)
    return back_with_notice(session, to, done)


def model_of[M: BaseModel](model: type[M], fields: Mapping[str, object]) -> M:
    """A form's fields read by the API's own body model (api/*.py): the same rules and, when refused, the
    same words, as an InvalidInput that `acted` or the page shows."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in problem['loc']) or 'form'}: {problem_text(problem)}"
            for problem in error.errors()
        ]
        raise InvalidInput("; ".join(problems)) from error
