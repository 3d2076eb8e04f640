"""Routing > Settings in a real browser (headless Chromium) against `make run`'s stack, on a 390-pixel phone:
the demo admin names a Default Agent for Lead Assignment with the keyboard-usable form, saves, and the next
lead goes to that agent. Drew Patel is in no automatic step of the demo (no round robin, no click to claim),
so only the new setting can bring him the lead. The demo company's settings are restored afterwards."""

import time
from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect, unique_lead

pytestmark = NEEDS_CHROMIUM
DREW = 104


def test_the_admin_names_a_default_agent_and_the_next_lead_goes_to_them(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    key = local_stack.demo_admin_key
    before = expect(api.get("/v1/settings", key=key), 200)
    assert before["default_agent_id"] is None
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, local_stack, login(local_stack, "admin"))
        page.goto(f"{local_stack.api_url}/app/routing")
        assert page.get_by_role("heading", level=1).inner_text() == "Routing settings"
        assert (
            page.get_by_role("navigation", name="Routing")
            .get_by_role("link", name="Settings")
            .get_attribute("aria-current")
            == "page"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        choice = page.get_by_label("Default Agent for Lead Assignment")
        assert "A lead that no agent code" in page.locator(f"#{choice.get_attribute('aria-describedby')}").inner_text()
        choice.select_option(str(DREW))
        shoot(page, "routing-settings-phone")
        page.get_by_role("button", name="Save settings").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text() == "The settings are saved."
        assert page.get_by_label("Default Agent for Lead Assignment").input_value() == str(DREW)

        body = unique_lead(int(time.time()), first_name="Riley")
        lead_id = expect(api.post(f"/v1/companies/{local_stack.demo_company_id}/leads", json_body=body), 202)["lead_id"]
        deadline = time.monotonic() + 15
        lead = expect(api.get(f"/v1/leads/{lead_id}", key=key), 200)
        while lead["status"] != "assigned":  # intake is asynchronous: poll to a deadline
            assert time.monotonic() < deadline, f"the lead never got an agent: {lead['status']}"
            time.sleep(0.2)
            lead = expect(api.get(f"/v1/leads/{lead_id}", key=key), 200)
        assert lead["agent_id"] == DREW

        page.goto(f"{local_stack.api_url}/app/routing/offices")
        assert "Downtown" in page.get_by_role("list", name="Offices").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "routing-offices-phone")
    finally:
        context.close()
        expect(api.put("/v1/settings", json_body=before, key=key), 200)
