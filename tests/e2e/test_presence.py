"""Presence over HTTP against the local stack, as an agent and a broker would see it: an agent who sets
themselves away is skipped with the reason in the lead's history; an agent who lets an offer run out is set
away by auto-away, gets an "I'm back" email, and its link's button makes them available again."""

import time
from typing import Any

from tests.support.client import ApiClient
from tests.support.mailbox import path_of, wait_for_emails
from tests.support.scenario import Company, expect, unique_lead

JSON = {"Accept": "application/json"}


def _until(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, "not reached before the deadline"
            return found
        time.sleep(0.2)


def test_an_agent_who_sets_themselves_away_is_skipped_with_the_reason(company: Company, api: ApiClient) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    key = company.key("agent", agent_id=1)
    expect(api.put("/v1/me/status", json_body={"status": "away", "reason": "on vacation"}, key=key), 200)

    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]
    lead = company.lead(lead_id)
    assert lead["agent_id"] == 2
    assert "Agent 1 skipped: away (on vacation)." in [entry["detail"] for entry in lead["history"]]

    back = expect(api.put("/v1/me/status", json_body={"status": "available"}, key=key), 200)
    assert back["available_now"] is True
    assert company.lead(expect(company.submit(unique_lead(2)), 202)["lead_id"])["agent_id"] == 1


def test_auto_away_after_a_missed_offer_and_the_im_back_link(company: Company, api: ApiClient) -> None:
    address = f"agent1@{company.company_id}.test"
    company.agent(1, email=address)
    company.settings(auto_away_after_misses=1)
    route = {"name": "Agent 1 only", "priority": 1, "members": [1], "claim_window_seconds": 1}
    expect(api.post("/v1/routes", json_body=route, key=company.admin_key), 201)
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]

    agent = _until(lambda: (a := expect(api.get("/v1/agents/1", key=company.admin_key), 200))["status"] == "away" and a)
    assert agent["status_reason"] == "missed 1 offer in a row"
    # The history entry is written after the agent's write and the email (service/auto_away.py): it is waited for.
    _until(lambda: any("set away: missed 1 offer in a row" in e["detail"] for e in company.lead(lead_id)["history"]))

    emails = _until(lambda: [m for m in wait_for_emails(api, address, 2) if "/v1/presence/back/" in str(m["links"])])
    path = path_of(next(link for link in emails[0]["links"] if "/v1/presence/back/" in link))
    assert api.get(path).status == 200  # the page (a mail scanner) changes nothing
    assert expect(api.get("/v1/agents/1", key=company.admin_key), 200)["status"] == "away"
    assert expect(api.post(path, form={"action": "back"}, headers=JSON), 200)["status"] == "available"
    assert api.post(path, form={"action": "back"}, headers=JSON).status == 409
