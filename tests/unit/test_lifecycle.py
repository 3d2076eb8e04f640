"""How a lead's state and history change: intake, a cascade decision applied, and what gets published."""

from datetime import timedelta

import pytest

from leadrouter.domain.cascade import AssignTo, Decision, RoundRobinTurn, StepReport, ToPool, round_robin_assignment
from leadrouter.domain.lead_events import PUBLISHED_EVENTS, published
from leadrouter.domain.leads import HistoryEntry, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import apply_decision, new_lead, to_office, to_pool
from leadrouter.domain.round_robin import next_in_queue
from tests.support.fakes import NOW, ScriptedRandom, agent, company, lead, route

LEAD_ID = "ld_01jpbx0000000000000000000"


def submission(**fields: object) -> LeadSubmission:
    return LeadSubmission.model_validate(
        {"first_name": "Pat", "last_name": "Lee", "email": "pat@example.com", "source": "Zillow", **fields}
    )


def received(sub: LeadSubmission | None = None) -> Lead:
    return new_lead(LEAD_ID, "co_test", sub or submission(), NOW)


def events(lead_: Lead) -> list[str]:
    return [entry.event for entry in lead_.history]


# Intake -------------------------------------------------------------------------------------------------


def test_new_lead_is_unassigned_and_records_lead_received() -> None:
    sub = submission(
        phone="+1 312 555 0100",
        message="Is it still available?",
        agent_code="12",
        chosen_agent_id="4",
        page_url="https://brokerage.example/listing/4711",
        listing={"mls_number": "MLS-4711", "listing_agent_mls_id": "AB-1", "exclusive": True},
        interest={"type": "buy", "zip": "60601", "city": "Chicago", "price": 450000},
    )

    lead_ = new_lead(LEAD_ID, "co_test", sub, NOW)

    assert lead_.lead_id == LEAD_ID
    assert lead_.company_id == "co_test"
    assert lead_.status is LeadStatus.UNASSIGNED
    assert lead_.agent_id is None
    assert lead_.office_id is None
    assert lead_.created_at == lead_.updated_at == NOW
    assert lead_.source == "zillow"
    assert (lead_.contact.first_name, lead_.contact.last_name) == ("Pat", "Lee")
    assert (lead_.contact.email, lead_.contact.phone) == ("pat@example.com", "+1 312 555 0100")
    assert lead_.message == "Is it still available?"
    assert (lead_.agent_code, lead_.chosen_agent_id) == ("12", 4)
    assert lead_.listing is not None
    assert lead_.listing.listing_agent_mls_id == "AB-1"
    assert lead_.interest is not None
    assert lead_.interest.price == 450000
    assert lead_.page_url == "https://brokerage.example/listing/4711"
    assert lead_.history == [
        HistoryEntry(
            at=NOW,
            event="lead.received",
            detail="Lead received from source 'zillow' from https://brokerage.example/listing/4711.",
        )
    ]


def test_new_lead_without_a_page_says_only_the_source() -> None:
    lead_ = received()

    assert lead_.history[0].detail == "Lead received from source 'zillow'."


# Applying a decision ------------------------------------------------------------------------------------


def test_assignment_sets_status_agent_and_office_and_records_lead_assigned() -> None:
    config = company(agent(3, office_id="north"))
    decision = route(lead(agent_code="3"), config)
    lead_ = received()
    later = NOW + timedelta(seconds=1)

    apply_decision(lead_, decision, {3: "north"}, later)

    assert lead_.status is LeadStatus.ASSIGNED
    assert lead_.agent_id == 3
    assert lead_.office_id == "north"
    assert lead_.updated_at == later
    assert lead_.history[1:] == [
        HistoryEntry(
            at=later,
            event="lead.assigned",
            agent_id=3,
            detail="Assigned to agent 3 (Cy): the lead came with agent code 3.",
            step="agent_code",
            by="routing",
        )
    ]


def test_assignment_to_an_agent_without_an_office_leaves_the_office_empty() -> None:
    lead_ = received()

    apply_decision(lead_, route(lead(agent_code="3"), company(agent(3))), {3: None}, NOW)

    assert (lead_.agent_id, lead_.office_id) == (3, None)


def test_noteworthy_skips_are_recorded_before_the_assignment() -> None:
    config = company(agent(2, active=False), agent(5), default_agent_id=5)
    decision = route(lead(agent_code="abc", chosen_agent_id=2), config)
    lead_ = received()

    apply_decision(lead_, decision, {}, NOW)

    assert events(lead_) == ["lead.received", "routing.skipped", "routing.skipped", "lead.assigned"]
    assert [(entry.step, entry.detail) for entry in lead_.history[1:3]] == [
        ("agent_code", "Agent code 'abc' skipped: not an agent id."),
        ("chosen_agent", "Chosen agent 2 skipped: agent 2 (Bea) is inactive."),
    ]
    assert lead_.history[3].step == "default_agent"
    assert lead_.history[3].agent_id == 5


def test_quiet_skips_are_not_recorded_in_the_history() -> None:
    lead_ = received()

    apply_decision(lead_, route(lead(), company(agent(5), default_agent_id=5)), {}, NOW)

    assert events(lead_) == ["lead.received", "lead.assigned"]


def test_pool_decision_keeps_the_lead_unassigned_and_says_why() -> None:
    config = company(agent(1, active=False, in_queue=True), auto_assign_enabled=True)
    decision = route(lead(), config)
    lead_ = received()

    apply_decision(lead_, decision, {}, NOW)

    assert lead_.status is LeadStatus.UNASSIGNED
    assert lead_.agent_id is None
    assert events(lead_) == ["lead.received", "routing.skipped", "routing.pooled"]
    assert lead_.history[1].detail == "Round robin skipped: no active agent is in the auto-assignment queue."
    assert lead_.history[2] == HistoryEntry(
        at=NOW,
        event="routing.pooled",
        detail="No routing step applied: the lead waits in the pool for an admin or an agent to take it.",
        step="pool",
    )


def test_round_robin_turn_must_be_taken_before_the_decision_is_applied() -> None:
    config = company(agent(1, in_queue=True), auto_assign_enabled=True)
    decision = route(lead(), config)
    assert isinstance(decision.outcome, RoundRobinTurn)

    with pytest.raises(TypeError, match="take the round-robin turn"):
        apply_decision(received(), decision, {}, NOW)


def test_round_robin_assignment_applied_like_the_intake_does() -> None:
    config = company(agent(1, in_queue=True), agent(4, in_queue=True), auto_assign_enabled=True)
    decision = route(lead(), config)
    assert isinstance(decision.outcome, RoundRobinTurn)
    chosen = next_in_queue(decision.outcome.queue, 1)
    taken = Decision(decision.step, round_robin_assignment(config, decision.outcome, chosen), decision.reports)
    lead_ = received()

    apply_decision(lead_, taken, {4: "south"}, NOW)

    assert (lead_.status, lead_.agent_id, lead_.office_id) == (LeadStatus.ASSIGNED, 4, "south")
    assert lead_.history[-1].detail == "Assigned to agent 4 (Dee): next in the round-robin queue (ascending ids 1, 4)."
    assert lead_.history[-1].step == "round_robin"


def test_advanced_distribution_with_a_seeded_source_is_reproducible() -> None:
    config = company(agent(1), agent(2), agent(3), agent(4), advanced_distribution_enabled=True)

    first = [route(lead(), config, ScriptedRandom(seed=seed)).outcome for seed in range(10)]
    again = [route(lead(), config, ScriptedRandom(seed=seed)).outcome for seed in range(10)]

    assert first == again


def test_decision_notes_are_the_noteworthy_unapplied_reports() -> None:
    reports = (
        StepReport("agent_code", False, "no agent code"),
        StepReport("chosen_agent", False, "chosen agent 9 skipped: no such agent", True),
        StepReport("default_agent", True, "Assigned", True),
    )

    assert Decision("default_agent", AssignTo(1, "Assigned"), reports).notes() == [reports[1]]


# Manual changes -----------------------------------------------------------------------------------------


def test_to_pool_unassigns_and_records_lead_returned_to_pool() -> None:
    lead_ = received()
    apply_decision(lead_, route(lead(agent_code="3"), company(agent(3))), {3: "north"}, NOW)
    later = NOW + timedelta(hours=1)

    to_pool(lead_, "Returned to the pool by agent 3.", later, "manual", "agent:3")

    assert (lead_.status, lead_.agent_id) == (LeadStatus.UNASSIGNED, None)
    assert lead_.history[-1] == HistoryEntry(
        at=later, event="lead.returned_to_pool", detail="Returned to the pool by agent 3.", step="manual", by="agent:3"
    )


def test_to_office_leaves_the_lead_unassigned_in_that_office() -> None:
    lead_ = received()

    to_office(lead_, "north", "Assigned to office north.", NOW, "admin")

    assert (lead_.status, lead_.agent_id, lead_.office_id) == (LeadStatus.UNASSIGNED, None, "north")
    assert lead_.history[-1].event == "lead.assigned"
    assert lead_.history[-1].agent_id is None


# Publishing ---------------------------------------------------------------------------------------------


def test_published_keeps_only_the_contracts_lead_events_in_order() -> None:
    config = company(agent(5), default_agent_id=5)
    lead_ = received()
    apply_decision(lead_, route(lead(agent_code="9"), config), {}, NOW)
    lead_.record(HistoryEntry(at=NOW, event="routing.pooled", detail="x"))
    lead_.record(HistoryEntry(at=NOW, event="lead.returned_to_pool", detail="y"))
    lead_.record(HistoryEntry(at=NOW, event="lead.something_else", detail="z"))

    assert events(lead_) == [
        "lead.received",
        "routing.skipped",
        "lead.assigned",
        "routing.pooled",
        "lead.returned_to_pool",
        "lead.something_else",
    ]
    assert [entry.event for entry in published(lead_.history)] == [
        "lead.received",
        "lead.assigned",
        "lead.returned_to_pool",
    ]


def test_the_published_events_are_the_contracts() -> None:
    assert {
        "lead.received",
        "lead.offered",
        "lead.claimed",
        "lead.passed",
        "lead.accepted",
        "lead.rejected",
        "lead.expired",
        "lead.assigned",
        "lead.returned_to_pool",
        "lead.escalated",  # added after the first release (API.md)
        "person.erased",
    } == PUBLISHED_EVENTS


def test_routing_pool_decision_publishes_only_lead_received() -> None:
    lead_ = received()

    apply_decision(lead_, route(lead(), company()), {}, NOW)

    assert [entry.event for entry in published(lead_.history)] == ["lead.received"]
    assert isinstance(route(lead(), company()).outcome, ToPool)
