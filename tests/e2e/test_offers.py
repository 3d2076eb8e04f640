"""Offers over HTTP against the local stack: claim emails, one-time links, acceptance timers."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from threading import Barrier

from tests.support.client import ApiClient
from tests.support.mailbox import emails_to, offer_link, path_of, wait_for_emails
from tests.support.scenario import Company, expect

JSON = {"Accept": "application/json"}


def _address(company: Company, agent_id: int) -> str:
    return f"agent{agent_id}@{company.company_id}.test"


def test_ten_agents_click_claim_at_the_same_moment_and_exactly_one_wins(company: Company, api: ApiClient) -> None:
    agent_ids = list(range(1, 11))
    for agent_id in agent_ids:
        company.agent(agent_id, email=_address(company, agent_id), click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = expect(company.submit(), 202)["lead_id"]
    paths = [path_of(offer_link(wait_for_emails(api, _address(company, agent_id))[0])) for agent_id in agent_ids]
    assert company.lead(lead_id)["status"] == "unassigned"  # in the pool while the emails are out

    start = Barrier(len(paths))

    def claim(path: str) -> int:
        start.wait()
        return api.post(path, form={"action": "claim"}, headers=JSON).status

    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        statuses = list(pool.map(claim, paths))

    assert Counter(statuses) == {200: 1, 409: 9}
    lead = company.lead(lead_id)
    winner = agent_ids[statuses.index(200)]
    assert (lead["status"], lead["agent_id"]) == ("assigned", winner)
    assert [entry["event"] for entry in lead["history"]].count("lead.claimed") == 1


def test_opening_a_link_changes_nothing_and_a_used_link_answers_409(company: Company, api: ApiClient) -> None:
    company.agent(5, email=_address(company, 5), click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = expect(company.submit(), 202)["lead_id"]
    path = path_of(offer_link(wait_for_emails(api, _address(company, 5))[0]))

    for _ in range(3):  # a mail scanner, a preview pane, the agent
        page = api.get(path)
        assert page.status == 200
        assert "Claim" in page.text
    assert company.lead(lead_id)["status"] == "unassigned"

    assert api.post(path, form={"action": "claim"}, headers=JSON).status == 200
    again = api.post(path, form={"action": "claim"}, headers=JSON)
    assert again.status == 409
    assert company.lead(lead_id)["agent_id"] == 5
    assert api.post("/v1/offers/not-a-real-token-at-all-000000000000000000", form={"action": "claim"}).status == 404


def test_an_acceptance_that_times_out_moves_on_to_the_next_agent(company: Company, api: ApiClient) -> None:
    company.agent(1, email=_address(company, 1), in_auto_assign_queue=True, rejected_lead_agent="round_robin")
    company.agent(2, email=_address(company, 2), in_auto_assign_queue=True, rejected_lead_agent="round_robin")
    company.settings(auto_assign_enabled=True, acceptance_required=True, acceptance_timeout_seconds=2)
    answer = expect(company.submit(), 202)
    assert answer["status"] == "pending_acceptance"
    lead_id = answer["lead_id"]
    assert company.lead(lead_id)["agent_id"] == 1
    assert len(wait_for_emails(api, _address(company, 1))) == 1

    deadline = time.monotonic() + 20
    while company.lead(lead_id)["agent_id"] != 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 2)
    assert "lead.expired" in [entry["event"] for entry in lead["history"]]
    # Never before its deadline. How late is a figure (bench/timer_lateness.py: 0.29 s median, 1.81 s p99 warm),
    # not asserted here, where a loaded machine would make it luck; the bound only tells a delayed SQS message
    # (seconds) from a schedule firing at a random second of its minute.
    first = lead["offers"][0]
    late = datetime.fromisoformat(first["closed_at"]) - datetime.fromisoformat(first["expires_at"])
    assert timedelta(0) <= late < timedelta(seconds=30)
    # Agent 2 accepts through the emailed link and then sees the contact details.
    path = path_of(offer_link(wait_for_emails(api, _address(company, 2))[0], "accept"))
    assert api.post(path, form={"action": "accept"}, headers=JSON).status == 200
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
    assert emails_to(api, _address(company, 1))  # the first agent's email stays in the mailbox
