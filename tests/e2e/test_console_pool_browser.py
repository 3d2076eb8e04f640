"""The brokers' Pool in a real browser (headless Chromium through Playwright) against `make run`'s stack: the
demo admin, on a 390-pixel phone, filters the pool down to one new lead with the page's own form, assigns it
to Avery from the lead's card, sees it leave the pool and the leads' search find it held, and Avery finds
it, with its contact, in My leads.

The lead has a source of its own, so the filter finds it alone whatever other journeys left in the demo
company's pool; assigned at the end, it leaves that pool as it was."""

import time
from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, reload_until, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect, unique_lead

pytestmark = NEEDS_CHROMIUM


def test_the_demo_admin_filters_the_pool_assigns_a_lead_and_the_agent_sees_it_in_my_leads(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    source = f"pool-journey-{time.time_ns()}"
    body = unique_lead(time.time_ns() % 1_000_000_007, first_name="Riley", source=source)
    lead_id = expect(api.post(f"/v1/companies/{local_stack.demo_company_id}/leads", json_body=body), 202)["lead_id"]

    admin = browser.new_context(viewport=PHONE)
    page = admin.new_page()
    sign_in(page, local_stack, login(local_stack, "admin"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Pool").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Pool"
    page.get_by_label("Source").fill(source)
    page.get_by_label("Order").select_option("oldest")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    reload_until(page, f"[data-lead-id='{lead_id}']")  # the intake may still be writing it
    cards = page.get_by_role("list", name="Pool").get_by_role("listitem")
    assert cards.count() == 1
    card = cards.first
    assert "Riley" in card.get_by_role("heading").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "pool-phone")

    card.get_by_label("Assign to").select_option(label="Avery Stone")
    card.get_by_role("button", name="Assign").click()
    page.wait_for_load_state()
    assert "The lead is assigned." in page.get_by_role("status").inner_text()
    assert page.get_by_label("Source").input_value() == source  # back to the same filters
    assert page.locator(f"[data-lead-id='{lead_id}']").count() == 0
    # The leads' search finds it by its source, held by Avery now.
    page.goto(f"{local_stack.api_url}/app/leads?status=assigned&source={source}")
    assert "Avery Stone" in page.locator(f"[data-lead-id='{lead_id}']").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(page, "lead-search-phone")
    admin.close()

    phone = browser.new_context(viewport=PHONE)
    agent = phone.new_page()
    sign_in(agent, local_stack, login(local_stack, "agent", 101))
    agent.get_by_role("link", name="My leads").click()
    mine = agent.locator(f"[data-lead-id='{lead_id}']")
    assert "Riley" in mine.get_by_role("heading").inner_text()
    assert "Assigned" in mine.inner_text()
    phone.close()
    assert expect(api.get(f"/v1/leads/{lead_id}", key=local_stack.demo_admin_key), 200)["agent_id"] == 101
