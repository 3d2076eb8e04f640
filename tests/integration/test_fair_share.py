"""Weights and caps through the API, in process against moto: turns by weight, a daily cap that the
automatic steps respect while a named assignment still counts, and every choice named in the history."""

from collections import Counter
from typing import Any

from tests.support.scenario import Company, expect, unique_lead


def routed(company: Company, n: int, **fields: Any) -> dict[str, Any]:
    lead_id = expect(company.submit({**unique_lead(n), **fields}), 202)["lead_id"]
    return company.lead(lead_id)


def details(lead: dict[str, Any]) -> list[str]:
    return [entry["detail"] for entry in lead["history"]]


def test_weights_two_one_one_give_two_one_one_and_the_history_names_the_numbers(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agent(1, in_auto_assign_queue=True, weight=2)
    company.agents([2, 3], in_auto_assign_queue=True)

    leads = [routed(company, n) for n in range(8)]

    assert Counter(lead["agent_id"] for lead in leads) == {1: 4, 2: 2, 3: 2}
    assert any("agent 1: lowest share, 0 credits at weight 2" in detail for detail in details(leads[0]))


def test_a_daily_cap_turns_round_robin_away_and_says_so(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agent(1, in_auto_assign_queue=True, max_leads_per_day=2)
    company.agent(2, in_auto_assign_queue=True)

    leads = [routed(company, n) for n in range(6)]

    assert [lead["agent_id"] for lead in leads] == [1, 2, 1, 2, 2, 2]
    assert "Agent 1 skipped: daily cap 2 of 2 reached." in details(leads[4])


def test_a_lead_that_names_a_capped_agent_is_theirs_and_counts(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agent(1, in_auto_assign_queue=True, max_leads_per_day=1)
    company.agent(2, in_auto_assign_queue=True)

    named = [routed(company, n, agent_code="1") for n in range(2)]
    after = routed(company, 2)

    assert [lead["agent_id"] for lead in named] == [1, 1]  # a cap never refuses a named lead
    assert after["agent_id"] == 2  # but they count: agent 1 is at the cap for round robin
    assert "Agent 1 skipped: daily cap 2 of 1 reached." in details(after)


def test_every_agent_at_a_cap_leaves_the_lead_in_the_pool(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agents([1, 2], in_auto_assign_queue=True, max_leads_per_week=0)

    lead = routed(company, 0)

    assert lead["status"] == "unassigned"
    assert "Agent 2 skipped: weekly cap 0 of 0 reached." in details(lead)
    assert "Every agent of the round-robin queue is at a cap: to the pool." in details(lead)


def test_a_simulation_names_the_numbers_the_next_lead_s_history_gets(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agent(4, in_auto_assign_queue=True, weight=2)
    company.agent(5, in_auto_assign_queue=True)
    for n in range(3):
        routed(company, n)

    body = {"lead": {"source": "website"}}
    simulated = expect(company.api.post("/v1/routing/simulate", json_body=body, key=company.admin_key), 200)
    lead = routed(company, 3)

    assert simulated["agent_id"] == lead["agent_id"] == 4
    assert "agent 4: lowest share, 2 credits at weight 2" in simulated["detail"]
    assert simulated["detail"] in details(lead)


def test_an_agent_back_from_away_is_neither_flooded_nor_starved(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agent(1, in_auto_assign_queue=True, weight=2)
    company.agents([2, 3], in_auto_assign_queue=True)
    away = {"away_until": "2999-01-01T00:00:00Z"}
    expect(company.api.patch("/v1/agents/3", json_body=away, key=company.admin_key), 200)

    while_away = [routed(company, n) for n in range(6)]
    expect(company.api.patch("/v1/agents/3", json_body={"away_until": None}, key=company.admin_key), 200)
    back = [routed(company, n) for n in range(6, 14)]

    assert Counter(lead["agent_id"] for lead in while_away) == {1: 4, 2: 2}
    assert any(detail.startswith("Agent 3 skipped: away until 2999-01-01") for detail in details(while_away[0]))
    assert Counter(lead["agent_id"] for lead in back) == {1: 4, 2: 2, 3: 2}  # 8 x weight / 4, as if never away
