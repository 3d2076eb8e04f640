"""Escalation and texts over HTTP against the local stack, as the issue's "Verify" says: a lead left alone
escalates once (a setting of a few seconds); an agent with texts on finds the offer in /_local/sms.json and
claims through its link."""

import time
from collections.abc import Callable
from typing import Any

from tests.support.client import ApiClient
from tests.support.mailbox import path_of, wait_for_emails
from tests.support.scenario import Company, expect

JSON = {"Accept": "application/json"}


def poll(read: Callable[[], list[dict[str, Any]]], what: str, timeout: float = 15.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while not (found := read()):
        assert time.monotonic() < deadline, f"no {what} within {timeout} seconds"
        time.sleep(0.2)
    return found


def test_a_lead_left_alone_escalates_once(company: Company, api: ApiClient) -> None:
    broker = f"broker@{company.company_id}.test"
    company.settings(escalate_unclaimed_after_seconds=2, escalation_emails=[broker])
    lead_id = expect(company.submit(), 202)["lead_id"]
    (email,) = wait_for_emails(api, broker)
    assert email["subject"].startswith("No agent yet after")
    assert lead_id in email["text"]
    assert "pat@example.net" not in email["text"]  # the lead's contact details are not in it
    events = poll(
        lambda: [
            event
            for event in expect(api.get("/_local/events.json"), 200)
            if event["detail-type"] == "lead.escalated" and event["detail"]["lead_id"] == lead_id
        ],
        "lead.escalated event",
    )
    assert len(events) == 1
    history = [entry["event"] for entry in company.lead(lead_id)["history"]]
    assert history.count("lead.escalated") == 1


def test_an_agent_with_texts_on_claims_through_the_link_in_their_text(company: Company, api: ApiClient) -> None:
    phone = "+13125550147"
    company.agent(1, email=f"agent1@{company.company_id}.test", click_to_claim=True, sms_enabled=True, phone=phone)
    company.settings(click_to_claim_enabled=True)
    lead_id = expect(company.submit(), 202)["lead_id"]

    def texts_for_this_lead() -> list[dict[str, Any]]:
        texts = [text for text in expect(api.get("/_local/sms.json"), 200) if text["to"] == phone]
        # The newest first: this test's text is the one sent after its lead (one agent has this phone).
        return [text for text in texts[:1] if company.lead(lead_id)["status"] == "unassigned"]

    (text,) = poll(texts_for_this_lead, "text to the agent")
    (link,) = [link for link in text["links"] if "/v1/offers/" in link]
    page = api.get(path_of(link))
    assert page.status == 200
    assert "claim" in page.text.lower()
    claimed = api.post(path_of(link), form={"action": "claim"}, headers=JSON)
    assert claimed.status == 200
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 1)
    shown = api.get("/_local/sms")
    assert shown.status == 200
    assert path_of(link) in shown.text
