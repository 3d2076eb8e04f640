"""My status in a real browser against `make run`'s stack: the demo agent, on a phone, signs in (the session
is two HttpOnly, SameSite=Strict cookies, the access token's and the refresh token's), opens My status from
the menu, sets themselves away with a reason with the keyboard, sees it and what routing makes of it, and
sets themselves available again. The demo agent's presence is restored whatever happens."""

from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect

pytestmark = NEEDS_CHROMIUM


def test_the_demo_agent_sets_away_with_a_reason_and_back_on_a_phone(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    casey = login(local_stack, "agent", 103)
    agent_path = "/v1/agents/103"
    before = expect(api.get(agent_path, key=local_stack.demo_admin_key), 200)
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, local_stack, casey)
        cookies = {cookie["name"]: cookie for cookie in context.cookies()}
        for name in ("lr_session", "lr_refresh"):
            assert (cookies[name]["httpOnly"], cookies[name]["sameSite"], cookies[name]["path"]) == (
                True,
                "Strict",
                "/app",
            ), name

        page.get_by_role("link", name="My status").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "My status"
        page.get_by_label("Away").focus()
        page.keyboard.press("Space")
        page.get_by_label("Reason (optional)").fill("at a showing")
        page.get_by_label("Reason (optional)").press("Enter")
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text() == "Your status is away (at a showing)."
        assert page.locator("#status-now").inner_text() == "You are away (at a showing)."
        assert page.locator("#routing-now").inner_text() == "Routing skips you now: away (at a showing)."
        assert page.get_by_label("Away").is_checked()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "my-status-phone")
        stored = expect(api.get(agent_path, key=local_stack.demo_admin_key), 200)
        assert (stored["status"], stored["status_reason"]) == ("away", "at a showing")

        page.get_by_label("Available").check()
        page.get_by_label("Reason (optional)").fill("")
        page.get_by_role("button", name="Save my status").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text() == "Your status is available."
        assert page.get_by_label("Available").is_checked()
        stored = expect(api.get(agent_path, key=local_stack.demo_admin_key), 200)
        assert (stored["status"], stored["status_reason"]) == ("available", None)
    finally:
        context.close()
        restore = {"status": before["status"], "status_reason": before["status_reason"]}
        expect(api.patch(agent_path, json_body=restore, key=local_stack.demo_admin_key), 200)
