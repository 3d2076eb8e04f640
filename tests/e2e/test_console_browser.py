"""The console in a real browser (headless Chromium through Playwright) against `make run`'s stack: the demo
agent signs in with the keyboard, a new lead shows on New leads without a reload, two agents race for it
(one wins and sees the contact, the other is told it was taken), a change without the page's CSRF token is
refused, an offer another agent took says so and disappears, the page fits a 390-pixel phone, and the broker
sees the lead held, with its history.
"""

import time
from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, SHOTS, login, reload_until, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect, unique_lead

pytestmark = NEEDS_CHROMIUM


def test_two_agents_race_for_a_new_lead_and_the_broker_sees_it_held_with_its_history(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    avery, casey = login(local_stack, "agent", 101), login(local_stack, "agent", 103)
    # Avery on a phone with the live page; Casey with script off: the console works without it, and her
    # screen keeps the offer until she presses Claim (no luck in who sees what when).
    phone = browser.new_context(viewport=PHONE)
    plain = browser.new_context(java_script_enabled=False)
    first, second = phone.new_page(), plain.new_page()
    if SHOTS:
        first.goto(f"{local_stack.api_url}/app/sign-in")
        shoot(first, "sign-in")
    sign_in(first, local_stack, avery, keyboard=True)
    sign_in(second, local_stack, casey)
    assert first.get_by_role("heading", level=1).inner_text() == "New leads"

    body = unique_lead(int(time.time()), first_name="Jamie", area="Elm Street")
    lead_id = expect(api.post(f"/v1/companies/{local_stack.demo_company_id}/leads", json_body=body), 202)["lead_id"]

    offer = first.locator("[data-offer-id]").first
    offer.wait_for(state="visible", timeout=10_000)  # no reload: the page's own polling brought it
    assert first.locator("#bell-count").inner_text() == "1"
    assert "left" in offer.locator(".time-left").inner_text()
    assert first.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(first, "new-leads-phone")
    reload_until(second, "[data-offer-id]")

    first.get_by_role("button", name="Claim").first.click()
    first.wait_for_load_state()
    assert first.get_by_role("heading", level=1).inner_text() == "My leads"
    assert "Jamie" in first.locator(f"[data-lead-id='{lead_id}']").inner_text()
    shoot(first, "my-leads-phone")

    second.get_by_role("button", name="Claim").first.click()
    second.wait_for_load_state()
    assert "This offer is claimed" in second.get_by_role("status").inner_text()
    assert second.locator("[data-offer-id]").count() == 0

    # The next lead: Casey wins it, and Avery's live page says the offer closed and drops it.
    first.goto(f"{local_stack.api_url}/app/offers")
    body = unique_lead(int(time.time()) + 1, first_name="Morgan")
    expect(api.post(f"/v1/companies/{local_stack.demo_company_id}/leads", json_body=body), 202)
    first.locator("[data-offer-id]").first.wait_for(state="visible", timeout=10_000)
    reload_until(second, "[data-offer-id]")
    second.get_by_role("button", name="Claim").first.click()
    second.wait_for_load_state()
    assert second.get_by_role("heading", level=1).inner_text() == "My leads"
    first.locator("[data-offer-id]").first.wait_for(state="detached", timeout=10_000)
    assert "An offer closed" in first.get_by_role("status").inner_text()

    # The session cookie alone changes nothing: a post without the page's CSRF token is refused.
    forged = plain.request.post(f"{local_stack.api_url}/app/my-leads/{lead_id}/release", form={"csrf_token": "x"})
    assert forged.status == 403
    phone.close()
    plain.close()

    broker = browser.new_context()
    page = broker.new_page()
    sign_in(page, local_stack, login(local_stack, "admin"))
    page.goto(f"{local_stack.api_url}/app/leads/{lead_id}")
    assert "held by Avery Stone" in page.locator("#lead-status").inner_text()
    history = page.get_by_role("list", name="History").inner_text()
    assert "lead.received" in history
    assert "Avery Stone" in history
    shoot(page, "lead-history")
    page.goto(f"{local_stack.api_url}/app/leads")
    shoot(page, "leads")
    broker.close()
    assert expect(api.get(f"/v1/leads/{lead_id}", key=local_stack.demo_admin_key), 200)["agent_id"] == 101
