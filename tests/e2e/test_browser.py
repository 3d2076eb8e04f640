"""A person in a browser: from the local mailbox, open the claim link, press Claim, see it is theirs.

Runs headless Chromium (Debian's `chromium`, driven by Playwright pointed at that system browser).
`make test` installs Chromium where it can; where it cannot, this one test is skipped and says why."""

import json
from typing import Any

from tests.support.browser import NEEDS_CHROMIUM
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.mailbox import wait_for_emails
from tests.support.scenario import Company, expect

pytestmark = NEEDS_CHROMIUM


def test_an_agent_claims_a_lead_from_the_mailbox_in_a_browser(
    browser: Any, company: Company, api: ApiClient, local_stack: LocalStack
) -> None:
    address = f"browser-agent@{company.company_id}.test"
    company.agent(9, name="Bea Browser", email=address, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = expect(company.submit({"first_name": "Casey", "email": "casey@example.net"}), 202)["lead_id"]
    wait_for_emails(api, address)

    context = browser.new_context()
    try:
        mailbox = context.new_page()
        mailbox.goto(f"{local_stack.api_url}/_local/mail")
        link = mailbox.locator(f"article:has-text('{address}') a[href*='/v1/offers/'][href$='action=claim']")
        with context.expect_page() as opened:
            link.first.click()
        offer = opened.value
        offer.wait_for_load_state()
        assert "New lead to claim" in offer.content()
        offer.get_by_role("button", name="Claim").click()
        offer.wait_for_load_state()
        assert offer.get_by_role("heading").first.inner_text() == "You claimed the lead: it is yours"
    finally:
        context.close()

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 9)


def test_the_demo_sign_up_page_fills_the_dropdown_and_posts_a_lead(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{local_stack.api_url}/_local/")
        choice = page.locator("#agent-choice")
        choice.locator("option").nth(1).wait_for(state="attached")
        directory = expect(api.get(f"/v1/companies/{local_stack.demo_company_id}/agents/directory"), 200)
        chosen = directory["agents"][-1]
        choice.select_option(str(chosen["agent_id"]))
        page.fill("input[name=first_name]", "Robin")
        page.fill("input[name=email]", "robin@example.net")
        page.click("button[type=submit]")
        page.locator("#answer").wait_for(state="visible")
        answer = page.locator("#answer-body").inner_text()
    finally:
        context.close()

    lead_id = json.loads(answer)["lead_id"]
    lead = expect(api.get(f"/v1/leads/{lead_id}", key=local_stack.demo_admin_key), 200)
    assert (lead["status"], lead["agent_id"]) == ("assigned", chosen["agent_id"])
    assert lead["page_url"].endswith("/_local/")
