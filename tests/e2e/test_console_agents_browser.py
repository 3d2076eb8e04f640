"""The agents' screens in a real browser (headless Chromium through Playwright) against `make run`'s stack: the
demo admin, on a 390-pixel phone, opens Routing > Agents, edits an agent's weight with the keyboard, saves,
and sees the new weight in the list and in the API. The weight is put back afterwards so that other journeys
see the demo company as it was."""

from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect

pytestmark = NEEDS_CHROMIUM


def test_the_demo_admin_changes_an_agents_weight_on_a_phone_and_sees_it(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    key = local_stack.demo_admin_key
    agent = expect(api.get("/v1/agents", key=key), 200)["agents"][0]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, local_stack, login(local_stack, "admin"))
        page.goto(f"{local_stack.api_url}/app/routing/agents")
        assert page.get_by_role("heading", level=1).inner_text() == "Agents"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "agents-phone")
        with page.expect_navigation():
            page.get_by_role("link", name=agent["name"], exact=True).click()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        weight = page.get_by_label("Weight")
        weight.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("3.5")
        with page.expect_navigation():  # the saved page, not the one the form was on
            page.keyboard.press("Enter")  # the form's own submit, by keyboard
        assert "The agent is saved." in page.get_by_role("status").inner_text()
        assert page.get_by_label("Weight").input_value() == "3.5"
        shoot(page, "agent-phone")

        with page.expect_navigation():
            page.get_by_role("link", name="All agents").click()
        row = page.locator(f"[data-agent-id='{agent['agent_id']}']").inner_text()
        assert "3.5" in row
        assert expect(api.get(f"/v1/agents/{agent['agent_id']}", key=key), 200)["weight"] == 3.5
    finally:
        context.close()
        expect(api.patch(f"/v1/agents/{agent['agent_id']}", json_body={"weight": agent["weight"]}, key=key), 200)
