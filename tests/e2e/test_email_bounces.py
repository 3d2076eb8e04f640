"""Bounces over HTTP against the local stack: an offer email to SES's bounce simulator address comes back as
a hard bounce through the configuration set, the queue and the email-events function; admins see the agent
marked and the lead's history says the email bounced; the next lead sends that address nothing, and a new
address clears the mark."""

import time
from typing import Any

from tests.support.client import ApiClient
from tests.support.mailbox import emails_to, wait_for_emails
from tests.support.scenario import Company, expect

BOUNCE = "bounce@simulator.amazonses.com"


def wait_for_mark(company: Company, agent_id: int, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        agent = expect(company.api.get(f"/v1/agents/{agent_id}", key=company.admin_key), 200)
        if agent["email_bouncing"] or time.monotonic() > deadline:
            assert agent["email_bouncing"], f"agent {agent_id} not marked within {timeout} s"
            return dict(agent)
        time.sleep(0.2)


def bounced_in_history(company: Company, lead_id: str, timeout: float = 20.0) -> list[int]:
    """The agents whose bounce the lead's history names, once it names one: the agent's mark and the lead's
    entry are two writes of the feedback consumer, so one may be read before the other is stored."""
    deadline = time.monotonic() + timeout
    while True:
        history = company.lead(lead_id)["history"]
        bounced = [entry["agent_id"] for entry in history if entry["event"] == "delivery.bounced"]
        if bounced or time.monotonic() > deadline:
            return bounced
        time.sleep(0.2)


def test_a_hard_bounce_marks_the_agent_and_stops_their_emails_until_the_address_changes(
    company: Company, api: ApiClient
) -> None:
    other = f"agent2@{company.company_id}.test"
    company.agent(1, email=BOUNCE, click_to_claim=True)
    company.agent(2, email=other, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    sent_before = len(emails_to(api, BOUNCE))  # the stack's mailbox is shared by the session's tests

    first = expect(company.submit(), 202)["lead_id"]
    wait_for_mark(company, 1)
    assert bounced_in_history(company, first) == [1]

    expect(company.submit({"first_name": "Second", "email": "second@example.net"}), 202)
    wait_for_emails(api, other, count=2)
    assert len(emails_to(api, BOUNCE)) == sent_before + 1

    fixed = f"agent1@{company.company_id}.test"
    answer = expect(api.patch("/v1/agents/1", json_body={"email": fixed}, key=company.admin_key), 200)
    assert answer["email_bouncing"] is False
    expect(company.submit({"first_name": "Third", "email": "third@example.net"}), 202)
    wait_for_emails(api, fixed)
