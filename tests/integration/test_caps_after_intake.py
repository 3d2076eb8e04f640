"""Caps after intake (issue 11): the acceptance chain's next agent, a route's next member after a pass, the
simulation, and claims of the automatic steps' offers respect caps and count, as intake does."""

from typing import Any

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from leadrouter.adapters.dynamo_transactions import ATTEMPTS
from tests.support.clocks import MovableClock
from tests.support.faults import Faults, always, client_error, first
from tests.support.scenario import Company, expect, leads_today, unique_lead
from tests.support.timers import fire, live_timers


def details(lead: dict[str, object]) -> list[str]:
    history = lead["history"]
    assert isinstance(history, list)
    return [str(entry["detail"]) for entry in history]


def answer_mine(company: Company, agent_id: int, action: str = "reject", status: int = 200) -> dict[str, object]:
    key = company.key("agent", agent_id=agent_id)
    (offer,) = expect(company.api.get("/v1/me/offers", key=key), 200)["offers"]
    return expect(company.api.post(f"/v1/me/offers/{offer['offer_id']}/{action}", key=key), status)  # type: ignore[no-any-return]


def reject_mine(company: Company, agent_id: int) -> None:
    answer_mine(company, agent_id)


def route_of(company: Company, members: list[int]) -> None:
    route = {"name": "All", "priority": 1, "members": members, "claim_window_seconds": 60}
    expect(company.api.post("/v1/routes", json_body=route, key=company.admin_key), 201)


def simulate(company: Company) -> dict[str, Any]:
    body = {"lead": {"source": "website"}}
    return expect(company.api.post("/v1/routing/simulate", json_body=body, key=company.admin_key), 200)  # type: ignore[no-any-return]


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


def test_an_acceptance_that_runs_out_passes_over_an_agent_at_a_cap_too(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    company.agents([1, 3], in_auto_assign_queue=True, rejected_lead_agent="round_robin")
    company.agent(2, in_auto_assign_queue=True, rejected_lead_agent="round_robin", max_leads_per_month=1)
    company.settings(auto_assign_enabled=True, acceptance_required=True, acceptance_timeout_seconds=60)
    expect(company.submit(unique_lead(1, agent_code="2")), 202)  # named: agent 2 reaches their cap
    lead_id = expect(company.submit(unique_lead(2)), 202)["lead_id"]
    schedule = next(timer for timer in live_timers(aws, runtime) if timer.message.get("lead_id") == lead_id)

    clock.advance(seconds=61)
    assert fire(runtime, schedule) == "expired"

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 3)
    assert "Agent 2 skipped: monthly cap 1 of 1 reached." in details(lead)


def test_a_rejected_lead_agent_at_a_cap_sends_the_lead_to_the_pool_saying_why(company: Company) -> None:
    company.agent(2, max_leads_per_day=0)
    company.agent(1, rejected_lead_agent=2)
    company.settings(acceptance_required=True)
    lead_id = expect(company.submit(unique_lead(1, agent_code="1")), 202)["lead_id"]

    reject_mine(company, 1)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("unassigned", None)
    assert "Agent 2 skipped: daily cap 0 of 0 reached." in details(lead)


def test_a_route_s_chain_after_a_pass_skips_a_member_at_a_cap_and_says_so(company: Company) -> None:
    company.agents([1, 3])
    company.agent(2, max_leads_per_day=1)
    route_of(company, [1, 2, 3])
    expect(company.submit(unique_lead(1, agent_code="2")), 202)  # named: agent 2 reaches their cap
    lead_id = expect(company.submit(unique_lead(2)), 202)["lead_id"]

    answer_mine(company, 1, "pass")

    lead = company.lead(lead_id)
    assert [offer["recipients"] for offer in lead["offers"]] == [[1], [3]]
    skip = "Agent 2 (Agent 2), member 2 of 3 of route 'All', skipped: daily cap 1 of 1 reached."
    assert skip in details(lead)


def test_a_simulation_skips_the_agents_at_a_cap_as_the_next_lead_does(company: Company) -> None:
    company.settings(auto_assign_enabled=True)
    company.agent(1, in_auto_assign_queue=True, max_leads_per_day=1)
    company.agent(2, in_auto_assign_queue=True)
    expect(company.submit(unique_lead(1, agent_code="1")), 202)  # named: agent 1 reaches their cap

    simulated = simulate(company)
    lead = company.lead(expect(company.submit(unique_lead(2)), 202)["lead_id"])

    assert simulated["agent_id"] == lead["agent_id"] == 2
    words = "agent 1 skipped: daily cap 1 of 1 reached"
    assert [skip["detail"] for skip in simulated["skipped_agents"]] == [words]
    assert f"{words[:1].upper()}{words[1:]}." in details(lead)


def test_a_simulation_names_a_route_member_at_a_cap(company: Company) -> None:
    company.agent(1, max_leads_per_day=0)
    company.agent(2)
    company.agent(3, max_leads_per_week=0)
    route_of(company, [1, 2, 3])

    simulated = simulate(company)

    assert (simulated["outcome"], simulated["agent_id"]) == ("route_offer", 2)
    members = simulated["route_members"]
    assert isinstance(members, list)
    assert [member["detail"] for member in members] == [
        "Agent 1 (Agent 1), member 1 of 3 of route 'All', skipped: daily cap 0 of 0 reached.",
        "offered first",
        "would be skipped if the lead reached this member: weekly cap 0 of 0 reached",
    ]
    assert [member["available"] for member in members] == [False, True, False]


def conflict() -> Exception:
    reasons = [{"Code": "None"}, {"Code": "TransactionConflict"}]
    return client_error("TransactionCanceledException", "TransactWriteItems", CancellationReasons=reasons)


def test_a_lead_write_cancelled_by_a_transaction_conflict_is_sent_again_and_lands_once(
    company: Company, faults: Faults
) -> None:
    company.agent(1, in_auto_assign_queue=True)
    faults.on("dynamodb.TransactWriteItems", first(2, conflict))
    before = faults.seen.get("dynamodb.TransactWriteItems", 0)

    lead_id = expect(company.submit(unique_lead(1, agent_code="1")), 202)["lead_id"]

    assert company.lead(lead_id)["agent_id"] == 1
    assert faults.seen["dynamodb.TransactWriteItems"] - before == 3
    assert leads_today(company) == {1: 1}


def test_a_conflict_that_persists_is_tried_a_few_times_then_answered_503(company: Company, faults: Faults) -> None:
    company.agent(1, in_auto_assign_queue=True)
    faults.on("dynamodb.TransactWriteItems", always(conflict))
    before = faults.seen.get("dynamodb.TransactWriteItems", 0)

    answer = company.submit(unique_lead(1, agent_code="1"))

    assert answer.status == 503
    assert faults.seen["dynamodb.TransactWriteItems"] - before == ATTEMPTS
