"""A route over HTTP against the local stack, with its real scheduler firing the timeout function: three
members with a 2-second claim window; the first passes, the second stays silent until the window runs out,
the third claims."""

import time
from typing import Any

from tests.support.client import ApiClient
from tests.support.scenario import Company, expect, unique_lead

WINDOW_SECONDS = 2


def wait_for_offer(api: ApiClient, key: str, timeout: float = 15.0) -> dict[str, Any]:
    """The agent's first open offer, polled the way an app would (the scheduler fires within about a second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        offers = expect(api.get("/v1/me/offers", key=key), 200)["offers"]
        if offers:
            return offers[0]  # type: ignore[no-any-return]
        time.sleep(0.1)
    raise AssertionError("no offer reached the agent in time")


def test_first_passes_second_stays_silent_third_claims(company: Company, api: ApiClient) -> None:
    company.agents([1, 2, 3])
    route = {
        "name": "Open house",
        "priority": 1,
        "members": [1, 2, 3],
        "claim_window_seconds": WINDOW_SECONDS,
        "conditions": {"sources": ["open-house"]},
    }
    expect(api.post("/v1/routes", json_body=route, key=company.admin_key), 201)
    first, third = company.key("agent", agent_id=1), company.key("agent", agent_id=3)

    lead_id = expect(company.submit(unique_lead(1, source="open-house")), 202)["lead_id"]
    assert company.lead(lead_id)["status"] == "offered"

    offer = wait_for_offer(api, first)
    assert (offer["origin"], offer["lead"]["lead_id"]) == ("route", lead_id)
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/pass", key=first), 200)
    lead = company.lead(lead_id)
    assert (lead["status"], lead["offers"][-1]["recipients"]) == ("offered", [2])

    offer = wait_for_offer(api, third)  # agent 2 says nothing; the timer moves the lead on
    claimed = expect(api.post(f"/v1/me/offers/{offer['offer_id']}/claim", key=third), 200)
    assert claimed["lead"]["contact"]["email"] == "lead1@example.net"

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 3)
    outcomes = [(entry["event"], entry["agent_id"]) for entry in lead["history"]]
    assert outcomes == [
        ("lead.received", None),
        ("route.matched", None),
        ("lead.offered", 1),
        ("lead.passed", 1),
        ("lead.offered", 2),
        ("lead.expired", 2),
        ("lead.offered", 3),
        ("lead.claimed", 3),
    ]
    details = [entry["detail"] for entry in lead["history"]]
    assert details[1].startswith("Route 'Open house' matched: ")
    assert details[1].endswith(" America/Chicago.")
    assert details[3] == "Passed by agent 1 (Agent 1), member 1 of 3 of route 'Open house'."
    assert details[5] == (
        "Agent 2 (Agent 2), member 2 of 3 of route 'Open house', did not claim or pass within the 2-second "
        "claim window."
    )
    assert details[7] == "Claimed by agent 3 (Agent 3): member 3 of 3 of route 'Open house', within its claim window."
    mail = expect(api.get("/_local/mail.json"), 200)
    assert {"agent1@brokerage.test", "agent2@brokerage.test", "agent3@brokerage.test"} <= {m["to"] for m in mail}
