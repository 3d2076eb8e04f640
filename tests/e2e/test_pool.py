"""The pool and manual work over HTTP against the local stack: concurrent assignments and claims, and an
office manager's whole flow."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.client import Answer, ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import Company, expect, unique_lead


def at_once(calls: list[Callable[[], Answer]]) -> list[Answer]:
    """Run the calls on as many threads, released together by a barrier."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Answer]) -> Answer:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def assigner(company: Company, lead_id: str, key: str, agent_id: int, **headers: str) -> Callable[[], Answer]:
    return lambda: company.api.post(
        f"/v1/leads/{lead_id}/assign", json_body={"agent_id": agent_id}, key=key, headers=headers or None
    )


def test_two_admins_assigning_one_lead_at_the_same_moment_leave_one_winner_and_one_409(company: Company) -> None:
    company.agents([1, 2])
    other_admin = company.key("admin")
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]
    # Both admins look at the pool, see the same lead (its ETag), and assign it at the same moment.
    etag = company.api.get(f"/v1/leads/{lead_id}", key=company.admin_key).headers["ETag"]

    answers = at_once(
        [
            assigner(company, lead_id, company.admin_key, 1, **{"If-Match": etag}),
            assigner(company, lead_id, other_admin, 2, **{"If-Match": etag}),
        ]
    )

    assert sorted(answer.status for answer in answers) == [200, 409], [answer.text for answer in answers]
    (winner,) = [answer.json for answer in answers if answer.status == 200]
    (loser,) = [answer for answer in answers if answer.status == 409]
    assert loser.error_code == "conflict"
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", winner["agent_id"])
    assigned = [entry for entry in lead["history"] if entry["event"] == "lead.assigned"]
    assert [entry["agent_id"] for entry in assigned] == [winner["agent_id"]]
    assert lead["version"] == winner["version"]


def test_assignments_racing_without_if_match_never_lose_an_update(company: Company) -> None:
    company.agents([1, 2, 3, 4])
    admins = [company.admin_key, company.key("admin")]
    for n in range(4):
        lead_id = expect(company.submit(unique_lead(n)), 202)["lead_id"]
        answers = at_once(
            [assigner(company, lead_id, key, agent_id) for key, agent_id in zip(admins, (1, 2), strict=True)]
        )
        statuses = sorted(answer.status for answer in answers)
        assert statuses in ([200, 200], [200, 409]), [answer.text for answer in answers]
        lead = company.lead(lead_id)
        assigned = [entry["agent_id"] for entry in lead["history"] if entry["event"] == "lead.assigned"]
        # Every 200 is in the history, once; the lead is with the last of them.
        assert sorted(assigned) == sorted(answer.json["agent_id"] for answer in answers if answer.status == 200)
        assert lead["agent_id"] == assigned[-1]


def test_agents_claiming_one_lead_at_once_leave_exactly_one_holder(company: Company) -> None:
    company.agents(range(1, 7), lead_management=True)
    company.settings(agents_can_claim_unassigned=True)
    keys = {n: company.key("agent", agent_id=n) for n in range(1, 7)}
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]

    def claimer(key: str) -> Callable[[], Answer]:
        return lambda: company.api.post(f"/v1/leads/{lead_id}/claim", key=key)

    answers = at_once([claimer(key) for key in keys.values()])

    assert sorted(answer.status for answer in answers) == [200, 409, 409, 409, 409, 409]
    assert {answer.error_code for answer in answers if answer.status == 409} == {"not_in_pool"}
    (winner,) = [answer.json for answer in answers if answer.status == 200]
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", winner["agent_id"])
    assert [entry["event"] for entry in lead["history"]].count("lead.claimed") == 1


def test_an_office_managers_whole_flow(company: Company, api: ApiClient, local_stack: LocalStack) -> None:
    company.office("north", name="North Side")
    company.office("south")
    company.agent(1, name="Avery Stone", office_id="north", lead_management=True)
    company.agent(2, office_id="north")
    company.agent(3, office_id="south", lead_management=True)
    company.settings(agents_can_claim_unassigned=True)
    manager = company.key("office_manager", office_ids=["north"])
    south_manager = company.key("office_manager", office_ids=["south"])
    agent = company.key("agent", agent_id=1)
    lead_id = expect(company.submit({"first_name": "Jamie", "email": "jamie@example.net"}), 202)["lead_id"]
    assert lead_id in ids(api.get("/v1/leads", key=company.admin_key, params={"status": "unassigned"}))

    # The admin sends the lead to the north office; it leaves the agents' pool.
    sent = expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"office_id": "north"}, key=company.admin_key), 200)
    assert (sent["status"], sent["office_id"], sent["agent_id"]) == ("unassigned", "north", None)
    assert lead_id not in ids(api.get("/v1/pool", key=agent))
    assert ids(api.get("/v1/leads", key=south_manager)) == []

    # The manager lists it and assigns it to an agent of the office with lead management.
    assert ids(api.get("/v1/leads", key=manager, params={"status": "unassigned"})) == [lead_id]
    refused = api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 2}, key=manager)
    assert (refused.status, refused.error_code) == (422, "invalid_input")
    assigned = expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 1}, key=manager), 200)
    assert (assigned["status"], assigned["agent_id"]) == ("assigned", 1)

    # The agent has it, with the contact details, and sends it back.
    (mine,) = expect(api.get("/v1/me/leads", key=agent), 200)["leads"]
    assert (mine["lead_id"], mine["contact"]["email"]) == (lead_id, "jamie@example.net")
    released = expect(api.post(f"/v1/leads/{lead_id}/release", key=agent), 200)
    assert (released["status"], released["agent_id"], released["office_id"]) == ("unassigned", None, None)

    # Back in the pool: the admins' and the agents'.
    assert expect(api.get("/v1/me/leads", key=agent), 200)["leads"] == []
    assert lead_id in ids(api.get("/v1/leads", key=company.admin_key, params={"status": "unassigned"}))
    assert lead_id in ids(api.get("/v1/pool", key=agent))
    history = company.lead(lead_id)["history"]
    assert [entry["event"] for entry in history] == [
        "lead.received",
        "routing.pooled",
        "lead.assigned",
        "lead.assigned",
        "lead.returned_to_pool",
    ]
    assert history[-1]["detail"] == "Sent back to the pool by agent 1 (Avery Stone)."
    published = [
        event["detail-type"]
        for event in expect(api.get("/_local/events.json"), 200)
        if event["detail"].get("lead_id") == lead_id
    ]
    assert published == ["lead.received", "lead.assigned", "lead.assigned", "lead.returned_to_pool"]
    # The functions log what they did, never whom it was about.
    function_log = (local_stack.log.parent / "stack.log").read_text()
    assert "lead sent back to the pool" in function_log
    assert "jamie@example.net" not in function_log + local_stack.log.read_text()


def ids(answer: Answer) -> list[Any]:
    return [lead["lead_id"] for lead in expect(answer, 200)["leads"]]
