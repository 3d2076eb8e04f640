"""The demo admin in a real browser (headless Chromium) on a 390-pixel phone: tries a lead at a chosen local
moment and reads what would happen, step by step, as the API's simulate words it; then opens the round-robin
queue and reads who is next, the agent GET /v1/routing/queue names. Nothing of the demo company changes."""

from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect

pytestmark = NEEDS_CHROMIUM


def test_the_demo_admin_tries_a_lead_and_sees_the_steps_then_the_queues_next_agent(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, local_stack, login(local_stack, "admin"))
        page.get_by_role("link", name="Try a lead").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Try a lead"
        page.get_by_label("Source").fill("zillow")
        page.get_by_label("Type").select_option("buy")
        page.get_by_label("ZIP code").fill("60601")
        page.get_by_label("Date").fill("2025-03-18")
        page.get_by_label("Time").fill("10:00")
        page.get_by_role("button", name="Try the lead").click()
        page.wait_for_load_state()

        body = {
            "lead": {"source": "zillow", "interest": {"type": "buy", "zip": "60601"}},
            "at": "2025-03-18T10:00:00-05:00",
        }
        expected = expect(api.post("/v1/routing/simulate", json_body=body, key=local_stack.demo_admin_key), 200)
        assert page.locator("#outcome-detail").inner_text() == expected["detail"]
        assert "Tuesday 2025-03-18 10:00 America/Chicago" in page.locator("#outcome").inner_text()
        steps = page.get_by_role("list", name="Steps").locator(":scope > li")
        assert steps.count() == len(expected["steps"])
        deciding = next(step for step in expected["steps"] if step["step"] == expected["step"])
        decided = page.locator(f"[data-step='{deciding['step']}']").inner_text()
        assert "decides" in decided
        assert all(detail in decided for detail in deciding["details"])
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "try-a-lead-phone")

        page.goto(f"{local_stack.api_url}/app/routing/queue")
        queue = expect(api.get("/v1/routing/queue", key=local_stack.demo_admin_key), 200)
        names = {101: "Avery Stone", 102: "Blake Rivera", 103: "Casey Nguyen"}
        next_agent = page.locator("#next-agent").inner_text()
        assert next_agent.startswith(f"The next round-robin lead goes to {names[queue['next_agent_id']]}")
        cards = page.get_by_role("list", name="Round-robin queue in pick order").locator(":scope > li")
        assert [int(card.get_attribute("data-agent-id")) for card in cards.all()] == [
            entry["agent_id"] for entry in queue["agents"]
        ]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "queue-phone")
    finally:
        context.close()
