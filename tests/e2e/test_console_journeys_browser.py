"""The console journeys no other browser test drives, in headless Chromium against `make run`'s stack:

- an agent with acceptance offers: the offer hides the contact, Accept shows it in My leads, Reject moves
  the other lead on (Avery has no rejected-lead agent: the pool), and Send back puts the accepted one in the
  pool;
- the broker sends a held lead back from its page and sends it to the Downtown office, whose office manager
  assigns it to an agent of that office from a list holding only that office's agents.

Every lead here has its own source, so no other journey's pool or offers see it. The demo company's settings
are restored afterwards (acceptance off, as `make run` starts)."""

import time
from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, reload_until, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect, unique_lead

pytestmark = NEEDS_CHROMIUM
AVERY, BLAKE, DREW = 101, 102, 104


def _lead(api: ApiClient, stack: LocalStack, n: int, **extra: Any) -> str:
    body = unique_lead(n, **extra)
    answer = expect(api.post(f"/v1/companies/{stack.demo_company_id}/leads", json_body=body), 202)
    return str(answer["lead_id"])


def _lead_becomes(api: ApiClient, stack: LocalStack, lead_id: str, status: str) -> dict[str, Any]:
    """The lead as the API shows it once it has `status` (intake and offers are asynchronous)."""
    deadline = time.monotonic() + 15
    lead: dict[str, Any] = expect(api.get(f"/v1/leads/{lead_id}", key=stack.demo_admin_key), 200)
    while lead["status"] != status:
        assert time.monotonic() < deadline, f"{lead_id} stayed {lead['status']}, never {status}"
        time.sleep(0.2)
        lead = expect(api.get(f"/v1/leads/{lead_id}", key=stack.demo_admin_key), 200)
    return lead


def test_an_agent_accepts_and_sees_the_contact_rejects_another_and_sends_one_back(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    key = local_stack.demo_admin_key
    before = expect(api.get("/v1/settings", key=key), 200)
    n = int(time.time() * 1000)
    source = f"journeys-{n}"
    context = browser.new_context(viewport=PHONE)
    try:
        expect(api.put("/v1/settings", json_body={"acceptance_required": True}, key=key), 200)
        # Both name Avery on the lead's own form: with acceptance on, each is an acceptance offer to her alone.
        kept = _lead(
            api,
            local_stack,
            n,
            first_name="Harper",
            phone="555-0199",
            interest={"city": "Maplewood"},
            source=source,
            chosen_agent_id=AVERY,
        )
        turned_down = _lead(
            api,
            local_stack,
            n + 1,
            first_name="Quinn",
            interest={"city": "Birchwood"},
            source=source,
            chosen_agent_id=AVERY,
        )
        _lead_becomes(api, local_stack, kept, "pending_acceptance")
        _lead_becomes(api, local_stack, turned_down, "pending_acceptance")

        page = context.new_page()
        sign_in(page, local_stack, login(local_stack, "agent", AVERY))
        offers = page.locator("[data-offer-id]").filter(has_text=source)
        reload_until(page, f"[data-offer-id]:has-text('{source}') >> nth=1")
        assert offers.count() == 2
        assert "Offered to you alone: accept or reject" in offers.first.inner_text()
        # Until she accepts, the contact stays hidden: the initial only, never the name, email or phone.
        shown = " ".join(offers.all_inner_texts())
        assert "Harper" not in shown
        assert "Quinn" not in shown
        html = page.content()
        assert f"lead{n}@example.net" not in html
        assert "555-0199" not in html
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        offers.filter(has_text="Maplewood").get_by_role("button", name="Accept").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "My leads"
        assert "You accepted the lead: it is yours" in page.get_by_role("status").inner_text()
        card = page.locator(f"[data-lead-id='{kept}']")
        assert "Harper" in card.get_by_role("heading").inner_text()
        assert (
            card.get_by_role("link", name=f"lead{n}@example.net").get_attribute("href") == f"mailto:lead{n}@example.net"
        )
        assert card.get_by_role("link", name="555-0199").is_visible()

        page.goto(f"{local_stack.api_url}/app/offers")
        offers.filter(has_text="Birchwood").get_by_role("button", name="Reject").click()
        page.wait_for_load_state()
        assert "You rejected the lead" in page.get_by_role("status").inner_text()
        assert offers.count() == 0
        rejected = _lead_becomes(api, local_stack, turned_down, "unassigned")
        assert rejected["agent_id"] is None

        page.goto(f"{local_stack.api_url}/app/my-leads")
        page.locator(f"[data-lead-id='{kept}']").get_by_role("button", name="Send back to the pool").click()
        page.wait_for_load_state()
        assert "You sent the lead back to the pool." in page.get_by_role("status").inner_text()
        assert page.locator(f"[data-lead-id='{kept}']").count() == 0
        # Both wait in the pool now, where she (with lead management) sees them again, without contact details.
        page.goto(f"{local_stack.api_url}/app/pool")
        pool = page.get_by_role("list", name="Lead pool")
        assert pool.locator(f"[data-lead-id='{kept}']").is_visible()
        assert pool.locator(f"[data-lead-id='{turned_down}']").is_visible()
        assert "Harper" not in pool.inner_text()
        assert _lead_becomes(api, local_stack, kept, "unassigned")["agent_id"] is None
    finally:
        context.close()
        expect(api.put("/v1/settings", json_body=before, key=key), 200)


def test_the_broker_sends_a_lead_back_and_the_office_manager_assigns_it_in_their_office(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    n = int(time.time() * 1000) + 7
    source = f"journeys-{n}"
    lead_id = _lead(api, local_stack, n, first_name="Rowan", source=source, chosen_agent_id=BLAKE)
    _lead_becomes(api, local_stack, lead_id, "assigned")
    broker, office = browser.new_context(), browser.new_context(viewport=PHONE)
    try:
        page = broker.new_page()
        sign_in(page, local_stack, login(local_stack, "admin"))
        page.goto(f"{local_stack.api_url}/app/leads/{lead_id}")
        assert "held by Blake Rivera" in page.locator("#lead-status").inner_text()
        page.get_by_role("button", name="Send back to the pool").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text() == "The lead is back in the pool."
        assert page.locator("#lead-status").inner_text().startswith("Unassigned")
        assert page.get_by_role("button", name="Send back to the pool").count() == 0

        # From the broker's Pool to the Downtown office: no agent yet, it waits for the office's manager.
        page.goto(f"{local_stack.api_url}/app/pool?source={source}")
        card = page.get_by_role("list", name="Pool").locator(f"[data-lead-id='{lead_id}']")
        card.get_by_label("Assign to").select_option("office:downtown")
        card.get_by_role("button", name="Assign").click()
        page.wait_for_load_state()
        assert page.get_by_role("status").inner_text() == "The lead is assigned."
        assert _lead_becomes(api, local_stack, lead_id, "unassigned")["office_id"] == "downtown"

        manager = office.new_page()
        sign_in(manager, local_stack, login(local_stack, "office_manager"))
        manager.goto(f"{local_stack.api_url}/app/pool?source={source}")
        card = manager.get_by_role("list", name="Pool").locator(f"[data-lead-id='{lead_id}']")
        assert "office Downtown" in card.inner_text()
        choice = card.get_by_label("Assign to")
        # Only Downtown's agents, and no offices: a manager assigns within their office.
        assert choice.locator("option").all_inner_texts() == ["Choose", "Blake Rivera", "Drew Patel"]
        assert manager.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        choice.select_option(f"agent:{DREW}")
        card.get_by_role("button", name="Assign").click()
        manager.wait_for_load_state()
        assert manager.get_by_role("status").inner_text() == "The lead is assigned."
        assert manager.locator(f"[data-lead-id='{lead_id}']").count() == 0
        assert _lead_becomes(api, local_stack, lead_id, "assigned")["agent_id"] == DREW
    finally:
        broker.close()
        office.close()
