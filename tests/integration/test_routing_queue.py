"""The round-robin queue as an admin reads and adjusts it (GET /v1/routing/queue, POST .../adjust): pick
order, credits, counts against the caps, why an agent is not eligible, and a `next_agent_id` that is who
the next lead goes to."""

from typing import Any

from tests.support.scenario import Company, expect, unique_lead


def queue(company: Company) -> dict[str, Any]:
    return expect(company.api.get("/v1/routing/queue", key=company.admin_key), 200)  # type: ignore[no-any-return]


def next_lead_goes_to(company: Company, n: int) -> int:
    lead_id = expect(company.submit(unique_lead(n)), 202)["lead_id"]
    return int(company.lead(lead_id)["agent_id"])


def adjust(company: Company, **body: Any) -> Any:
    return company.api.post("/v1/routing/queue/adjust", json_body=body, key=company.admin_key)


def test_the_queue_lists_agents_in_pick_order_and_its_next_agent_gets_the_next_lead(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agent(1, in_auto_assign_queue=True, weight=2)
    company.agents([2, 3], in_auto_assign_queue=True)
    company.agent(4, in_auto_assign_queue=True, away_until="2999-01-01T00:00:00Z")
    company.agent(5, in_auto_assign_queue=True, max_leads_per_day=1)
    for n in range(5):
        answer = queue(company)
        assert next_lead_goes_to(company, n) == answer["next_agent_id"]

    answer = queue(company)
    by_id = {entry["agent_id"]: entry for entry in answer["agents"]}
    assert {entry["agent_id"] for entry in answer["agents"][-2:]} == {4, 5}  # not eligible now: last
    assert by_id[5]["reason"] == "daily cap 1 of 1 reached"
    assert by_id[5]["leads_today"] == by_id[5]["leads_this_month"] == 1
    assert by_id[4]["reason"].startswith("away until 2999-01-01")
    assert by_id[1] | {"credits": None} == {
        "agent_id": 1,
        "weight": 2.0,
        "credits": None,
        "eligible": True,
        "reason": None,
        "leads_today": 2,
        "leads_this_week": 2,
        "leads_this_month": 2,
    }
    assert answer["next_agent_id"] == answer["agents"][0]["agent_id"]


def test_an_adjustment_moves_the_agent_is_recorded_and_the_next_lead_follows_it(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    assert next_lead_goes_to(company, 0) == 1
    assert queue(company)["next_agent_id"] == 2

    entry = expect(adjust(company, agent_id=2, credits_delta=3, reason="took a walk-in yesterday"), 200)

    assert entry["agent_id"] == 2
    assert entry["credits"] == 3.0
    answer = queue(company)
    assert answer["next_agent_id"] == 3
    (recorded,) = answer["adjustments"]
    assert (recorded["agent_id"], recorded["credits_delta"], recorded["reason"]) == (2, 3.0, "took a walk-in yesterday")
    assert recorded["by"].startswith("key_")
    assert [next_lead_goes_to(company, n) for n in range(1, 4)] == [3, 1, 3]


def test_a_bad_adjustment_is_refused_and_changes_nothing(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agents([1, 2], in_auto_assign_queue=True)
    company.agent(3)
    before = queue(company)

    assert adjust(company, agent_id=1, credits_delta=0, reason="nothing").status == 422
    assert adjust(company, agent_id=1, credits_delta=-2.2250738585072014e-308, reason="a denormal").status == 422
    assert adjust(company, agent_id=1, credits_delta=1, reason="  ").status == 422
    assert adjust(company, agent_id=9, credits_delta=1, reason="who?").status == 404
    assert adjust(company, agent_id=3, credits_delta=1, reason="not in the queue").status == 422
    assert queue(company) == before
