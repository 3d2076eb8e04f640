"""The console's cookies and CSRF tokens: what the browser holds, and what a change must carry.

The browser holds Cognito's tokens only in HttpOnly, SameSite=Strict cookies (Secure everywhere but
plain-http localhost), limited to the console's path; its script can neither read them nor send them
elsewhere. The access token (an hour) is checked with Cognito on every request; the refresh token (a
working day, REFRESH_SECONDS, as the template's user pool client says) renews it without the password when
it has expired (console/web.py, session_of). Every change (a POST) must carry a CSRF token in a form field or
an X-CSRF-Token header: a keyed hash of the session's lasting secret (its refresh token), which another site
can neither read nor compute, and which stays the same when the access token is renewed under an open page.
A session ends at sign-out (every token of the user is revoked), when the user is removed, and at the end of
the working day."""

import hashlib
import hmac
from http.cookies import CookieError, SimpleCookie
from typing import Final
from urllib.parse import quote, unquote

from aws_lambda_powertools.shared.cookies import Cookie, SameSite

SESSION_COOKIE: Final = "lr_session"
# Cognito's refresh token: renews the access token for a working day (docs/DECISIONS.md, "A console session
# lasts a working day"). The template's RefreshTokenValidity says the same (tests/unit/test_console_sessions.py).
REFRESH_COOKIE: Final = "lr_refresh"
REFRESH_SECONDS: Final = 12 * 3600
# The sign-in in progress of an invited user who must still choose a password (Cognito's challenge session).
CHALLENGE_COOKIE: Final = "lr_challenge"
# One message for the next page (a claim won or lost), shown once.
NOTICE_COOKIE: Final = "lr_notice"
CSRF_FIELD: Final = "csrf_token"
CSRF_HEADER: Final = "x-csrf-token"
_CSRF_CONTEXT: Final = b"leadrouter console csrf v1"


def read_cookies(header: str | None) -> dict[str, str]:
    """The cookies of a Cookie header; an unreadable header counts as none."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header or "")
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def set_cookie(name: str, value: str, *, path: str, secure: bool, max_age: int | None = None) -> Cookie:
    """HttpOnly and SameSite=Strict always, Secure unless the console is served over plain http (localhost)."""
    return Cookie(
        name,
        quote(value, safe=""),
        path=path,
        secure=secure,
        http_only=True,
        max_age=max_age,
        same_site=SameSite.STRICT_MODE,
    )


def clear_cookie(name: str, *, path: str, secure: bool) -> Cookie:
    return set_cookie(name, "", path=path, secure=secure, max_age=0)


def cookie_value(cookies: dict[str, str], name: str) -> str | None:
    value = cookies.get(name)
    return unquote(value) if value else None


def csrf_token(session_token: str) -> str:
    return hmac.new(session_token.encode(), _CSRF_CONTEXT, hashlib.sha256).hexdigest()


def csrf_matches(session_token: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(session_token), str(sent))
