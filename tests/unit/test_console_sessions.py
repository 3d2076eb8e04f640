"""The console's cookies and CSRF tokens (console/sessions.py) and temporary passwords."""

from leadrouter.console import sessions
from leadrouter.domain.ports import SystemRandom
from leadrouter.service.console_users import temporary_password


def test_a_session_cookie_is_http_only_same_site_strict_and_secure_except_on_plain_http() -> None:
    secure = str(sessions.set_cookie("lr_session", "a.b=c", path="/prod/app", secure=True, max_age=3600))
    local = str(sessions.set_cookie("lr_session", "token", path="/app", secure=False))

    assert secure.startswith("lr_session=a.b%3Dc; Path=/prod/app")
    for attribute in ("HttpOnly", "SameSite=Strict", "Secure", "Max-Age=3600"):
        assert attribute in secure
    assert "Secure" not in local
    assert "Max-Age=0" in str(sessions.clear_cookie("lr_session", path="/app", secure=False))


def test_cookies_are_read_back_and_an_unreadable_header_counts_as_none() -> None:
    cookies = sessions.read_cookies("lr_session=a.b%3Dc; other=1")
    assert sessions.cookie_value(cookies, "lr_session") == "a.b=c"
    assert sessions.cookie_value(cookies, "missing") is None
    assert sessions.read_cookies('bad="') == {}
    assert sessions.read_cookies(None) == {}


def test_a_csrf_token_matches_only_its_own_session() -> None:
    tokens = ["eyJ.a.b", "eyJ.a.c", "x" * 2000, "é"]
    for session in tokens:
        token = sessions.csrf_token(session)
        assert sessions.csrf_matches(session, token)
        assert not sessions.csrf_matches(session, None)
        assert not sessions.csrf_matches(session, "")
        assert not sessions.csrf_matches(session, token.upper())
        assert [other for other in tokens if sessions.csrf_matches(other, token)] == [session]


def test_temporary_passwords_meet_the_pools_policy_and_differ() -> None:
    rng = SystemRandom()
    passwords = {temporary_password(rng) for _ in range(20)}
    assert len(passwords) == 20
    for password in passwords:
        assert len(password) >= 12
        assert any(c.isupper() for c in password)
        assert any(c.islower() for c in password)
        assert any(c.isdigit() for c in password)
