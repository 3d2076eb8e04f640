"""A console session lasts a working day without the password (console/web.py, session_of): an access token
that Cognito no longer takes (an hour after it was issued) or that the browser dropped is renewed from the
refresh token's cookie on the same request, and the page works, a form opened before the renewal included;
after a sign-out or the user's removal the refresh token is refused and the browser is sent to sign in.

Tokens are expired by making moto forget them (tests/support/console.py), never by waiting an hour."""

from devstack.template import Template
from tests.support.console import (
    Browsers,
    add_login,
    drop_cookie,
    expire_access_tokens,
    held_cookie,
    plant_cookie,
    signed_in,
)
from tests.support.scenario import Company, expect


def test_an_expired_access_token_is_renewed_on_the_same_request_and_a_form_opened_before_still_works(
    company: Company, template: Template, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    browser = signed_in(browsers, company, pool_id, "one@b.test", role="agent", agent_id=1)
    refresh = held_cookie(browser, "lr_refresh")
    assert refresh is not None
    assert (refresh.http_only, refresh.same_site, refresh.max_age, refresh.secure) == (True, "Strict", 43200, False)
    first = held_cookie(browser, "lr_session").value
    assert browser.get("/app/status").status == 200  # its form's CSRF token is kept by the browser

    expire_access_tokens(template, pool_id)
    page = browser.get("/app/offers")
    assert page.status == 200
    assert "New leads" in page.text
    renewed = held_cookie(browser, "lr_session")
    assert renewed.value != first
    assert (renewed.http_only, renewed.same_site, renewed.max_age) == (True, "Strict", 3600)

    # The form of a page opened under the old token is still this session's.
    expire_access_tokens(template, pool_id)
    saved = browser.post("/app/status", {"status": "away", "reason": "lunch"})
    assert (saved.status, saved.headers["Location"]) == (303, "/app/status")
    key = company.key("agent", agent_id=1)
    assert expect(company.api.get("/v1/me/status", key=key), 200)["status_reason"] == "lunch"

    # The browser dropped the access token's cookie at its Max-Age: renewed without asking Cognito about it.
    drop_cookie(browser, "lr_session")
    assert browser.get("/app/my-leads").status == 200
    assert held_cookie(browser, "lr_session") is not None


def test_after_sign_out_or_the_users_removal_the_refresh_token_is_refused_and_the_browser_signs_in_again(
    company: Company, template: Template, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    add_login(company, pool_id, "one@b.test", role="agent", agent_id=1)
    user = add_login(company, pool_id, "two@b.test", role="admin")

    # Signed out: both cookies are cleared, and a refresh token kept from before renews nothing.
    browser = browsers()
    browser.sign_in("one@b.test")
    kept = held_cookie(browser, "lr_refresh").value
    browser.get("/app/offers")
    assert browser.post("/app/sign-out").status == 303
    assert held_cookie(browser, "lr_session") is None
    assert held_cookie(browser, "lr_refresh") is None
    thief = browsers()
    plant_cookie(thief, "lr_refresh", kept)
    answer = thief.get("/app/offers")
    assert (answer.status, answer.headers["Location"]) == (303, "/app/sign-in")
    assert held_cookie(thief, "lr_refresh") is None  # a refused refresh token is not sent again

    # Removed: the session ends at once, with or without an expired access token.
    admin, other = browsers(), browsers()
    admin.sign_in("two@b.test")
    other.sign_in("two@b.test")
    expect(company.api.delete(f"/v1/users/{user['user_id']}", key=company.admin_key), 204)
    expire_access_tokens(template, pool_id)
    for each in (admin, other):
        answer = each.get("/app/leads")
        assert (answer.status, answer.headers["Location"]) == (303, "/app/sign-in")
    assert "Sign in" in admin.get("/app/sign-in").text
