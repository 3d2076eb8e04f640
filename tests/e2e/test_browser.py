"""A person in a browser: from the local mailbox, open the claim link, press Claim, see it is theirs.

Runs headless Chromium (Debian's `chromium`, driven by Playwright pointed at that system browser).
`make test` installs Chromium where it can; where it cannot, this one test is skipped and says why."""

import json
import shutil

import pytest

from tests.e2e.conftest import LocalStack
from tests.e2e.mailbox import wait_for_emails
from tests.support.client import ApiClient
from tests.support.scenario import Company, expect

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these, Chromium tries to reach Google's services, which this closed network refuses.
QUIET_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (make test installs Debian's chromium package when it runs as root "
        "with apt-get; install it by hand with `apt-get install chromium` to run this test)",
    ),
]


def test_an_agent_claims_a_lead_from_the_mailbox_in_a_browser(
    company: Company, api: ApiClient, local_stack: LocalStack
) -> None:
    from playwright.sync_api import sync_playwright

    address = f"browser-agent@{company.company_id}.test"
    company.agent(9, name="Bea Browser", email=address, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = expect(company.submit({"first_name": "Casey", "email": "casey@example.net"}), 202)["lead_id"]
    wait_for_emails(api, address)

    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        try:
            context = browser.new_context()
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
            browser.close()

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 9)


def test_the_demo_sign_up_page_fills_the_dropdown_and_posts_a_lead(api: ApiClient, local_stack: LocalStack) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        try:
            page = browser.new_page()
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
            browser.close()

    lead_id = json.loads(answer)["lead_id"]
    lead = expect(api.get(f"/v1/leads/{lead_id}", key=local_stack.demo_admin_key), 200)
    assert (lead["status"], lead["agent_id"]) == ("assigned", chosen["agent_id"])
    assert lead["page_url"].endswith("/_local/")
