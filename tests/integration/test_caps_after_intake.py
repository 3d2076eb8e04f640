"""Caps after intake (issue 11): the acceptance chain's next agent, a route's next member after a pass, the
simulation, and claims of the automatic steps' offers respect caps and count, as intake does."""

from tests.support.scenario import Company, expect, unique_lead


def leads_today(company: Company) -> dict[int, int]:
    queue = expect(company.api.get("/v1/routing/queue", key=company.admin_key), 200)
    return {agent["agent_id"]: agent["leads_today"] for agent in queue["agents"]}


def details(lead: dict[str, object]) -> list[str]:
    history = lead["history"]
    assert isinstance(history, list)
    return [str(entry["detail"]) for entry in history]


def reject_mine(company: Company, agent_id: int) -> None:
    key = company.key("agent", agent_id=agent_id)
    (offer,) = expect(company.api.get("/v1/me/offers", key=key), 200)["offers"]
    expect(company.api.post(f"/v1/me/offers/{offer['offer_id']}/reject", key=key), 200)


def test_the_acceptance_chain_passes_over_an_agent_at_a_cap_and_counts_the_next(company: Company) -> None:
    company.agents([1, 3], in_auto_assign_queue=True, rejected_lead_agent="round_robin")
    company.agent(2, in_auto_assign_queue=True, rejected_lead_agent="round_robin", max_leads_per_day=1)
    company.settings(auto_assign_enabled=True, acceptance_required=True, acceptance_timeout_seconds=120)
    expect(company.submit(unique_lead(1, agent_code="2")), 202)  # named: agent 2 reaches their cap
    lead_id = expect(company.submit(unique_lead(2)), 202)["lead_id"]
    assert company.lead(lead_id)["agent_id"] == 1

    reject_mine(company, 1)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 3)
    assert "Agent 2 skipped: daily cap 1 of 1 reached." in details(lead)
    assert leads_today(company) == {1: 1, 2: 1, 3: 1}  # the offer to agent 3 counted when made


def test_a_rejected_lead_agent_at_a_cap_sends_the_lead_to_the_pool_saying_why(company: Company) -> None:
    company.agent(2, max_leads_per_day=0)
    company.agent(1, rejected_lead_agent=2)
    company.settings(acceptance_required=True)
    lead_id = expect(company.submit(unique_lead(1, agent_code="1")), 202)["lead_id"]

    reject_mine(company, 1)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("unassigned", None)
    assert "Agent 2 skipped: daily cap 0 of 0 reached." in details(lead)
