"""Signing in and out: email and password against the Cognito user pool, an invited user's first password,
and a new temporary password by email for a forgotten one. The pages never say whether an address has an
account. A sign-in holds for a working day (the refresh token's cookie, console/sessions.py); signing out
revokes every token of the user and clears both cookies."""

from typing import Final

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.resolver import new_router
from leadrouter.console import sessions
from leadrouter.console.web import Place, Session, checked_form, cookies_of, form_of, page, redirect, session_of
from leadrouter.domain.console_users import NewPasswordRequired, Tokens
from leadrouter.domain.errors import InvalidInput, Unauthorized
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()
# Cognito's challenge session lasts three minutes.
_CHALLENGE_SECONDS: Final = 180


def home(session: Session) -> str:
    return f"{session.place.root}/{'offers' if session.user.role is Role.AGENT else 'leads'}"


@router.get("/app/")
def start() -> Response[str]:
    return redirect(home(session_of(router)))


@router.get("/app/sign-in")
def sign_in_page() -> Response[str]:
    return page(router, "sign_in.html.j2", title="Sign in")


def _signed_in(place: Place, tokens: Tokens) -> Response[str]:
    cookies = [
        place.cookie(sessions.SESSION_COOKIE, tokens.access_token, max_age=tokens.expires_in),
        place.forget(sessions.CHALLENGE_COOKIE),
    ]
    if tokens.refresh_token:
        cookies.append(place.cookie(sessions.REFRESH_COOKIE, tokens.refresh_token, max_age=sessions.REFRESH_SECONDS))
    return redirect(f"{place.root}/", cookies=cookies)


def _outcome(place: Place, email: str, outcome: Tokens | NewPasswordRequired) -> Response[str]:
    if isinstance(outcome, Tokens):
        return _signed_in(place, outcome)
    challenge = place.cookie(sessions.CHALLENGE_COOKIE, f"{email}\n{outcome.session}", max_age=_CHALLENGE_SECONDS)
    return page(router, "new_password.html.j2", title="Choose your password", cookies=[challenge])


@router.post("/app/sign-in")
def sign_in() -> Response[str]:
    form = form_of(router)
    email, password = form.get("email", "").strip().lower(), form.get("password", "")
    place = Place.of(router)
    if not email or not password:
        return page(router, "sign_in.html.j2", 422, title="Sign in", error="Give your email and password.", email=email)
    try:
        outcome = services().user_desk.sign_in(email, password)
    except Unauthorized as error:
        return page(router, "sign_in.html.j2", 401, title="Sign in", error=error.message, email=email)
    return _outcome(place, email, outcome)


@router.post("/app/new-password")
def new_password() -> Response[str]:
    form = form_of(router)
    place = Place.of(router)
    challenge = sessions.cookie_value(cookies_of(router), sessions.CHALLENGE_COOKIE)
    email, _, cognito_session = (challenge or "").partition("\n")
    if not cognito_session:
        error = "This sign-in expired: sign in again with the emailed password."
        return page(router, "sign_in.html.j2", 401, title="Sign in", error=error)
    password = form.get("password", "")
    if password != form.get("password_again", ""):
        return page(
            router, "new_password.html.j2", 422, title="Choose your password", error="The two passwords differ."
        )
    try:
        outcome = services().user_desk.choose_password(email, cognito_session, password)
    except InvalidInput as error:
        return page(router, "new_password.html.j2", 422, title="Choose your password", error=error.message)
    except Unauthorized as error:
        return page(router, "sign_in.html.j2", 401, title="Sign in", error=error.message, email=email)
    return _outcome(place, email, outcome)


@router.get("/app/reset")
def reset_page() -> Response[str]:
    return page(router, "reset.html.j2", title="Forgot your password")


@router.post("/app/reset")
def reset() -> Response[str]:
    form = form_of(router)
    place = Place.of(router)
    email = form.get("email", "").strip().lower()
    if "@" not in email:
        return page(
            router, "reset.html.j2", 422, title="Forgot your password", notice="Give the address you sign in with."
        )
    services().user_desk.send_new_password(email, place.url)
    notice = "If this address has an account, a new temporary password is on its way."
    return page(router, "sign_in.html.j2", title="Sign in", notice=notice, email=email)


@router.post("/app/sign-out")
def sign_out() -> Response[str]:
    session = session_of(router)
    checked_form(router, session)
    services().user_desk.sign_out(session.token)
    place = session.place
    return redirect(
        f"{place.root}/sign-in",
        cookies=[
            *place.forget_session(),
            place.cookie(sessions.NOTICE_COOKIE, "You are signed out.", max_age=60),
        ],
    )
