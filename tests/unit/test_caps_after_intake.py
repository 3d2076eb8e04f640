"""Caps after intake, on the domain: the acceptance chain passes over an agent at a cap like an unavailable
one, a change that gives a lead for acceptance counts it when the offer is made, a simulation's turn past
capped agents is the intake's, and only a transaction cancelled for a conflict alone is sent again."""

from typing import Any

from botocore.exceptions import ClientError

from leadrouter.adapters.dynamo_transactions import conflicted
from leadrouter.domain.acceptance import after_decline
from leadrouter.domain.caps import CapReached, tally_of_change
from leadrouter.domain.cascade import AssignTo, RoundRobinTurn, ToPool
from leadrouter.domain.leads import HistoryEntry, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import new_lead
from leadrouter.service.round_robin_turns import RoundRobinTurns
from tests.support.fakes import COMPANY_ID, NOW, MemoryCounter, ScriptedRandom, agent, company

CAP = CapReached(2, "day", 3, 3)


def test_a_rejected_lead_agent_at_a_cap_is_the_pool_with_the_cap_in_the_words() -> None:
    config = company(agent(1, rejected_lead_agent=2), agent(2))

    outcome = after_decline(config, 1, [1], NOW, {2: CAP})

    assert isinstance(outcome, ToPool)
    assert "daily cap 3 of 3 reached" in outcome.detail
    assert isinstance(after_decline(config, 1, [1], NOW, {}), AssignTo)


def pending(agent_id: int | None, status: LeadStatus) -> Lead:
    lead = new_lead("ld_1", COMPANY_ID, LeadSubmission.model_validate({"email": "j@example.net"}), NOW)
    lead.status, lead.agent_id = status, agent_id
    lead.record(HistoryEntry(at=NOW, event="lead.offered", detail="Offered."))
    return lead


def test_an_acceptance_offer_to_a_new_agent_counts_under_the_caps_it_is_given() -> None:
    tally = tally_of_change(1, pending(2, LeadStatus.PENDING_ACCEPTANCE), "UTC", {"day": 3})

    assert tally is not None
    assert (tally.agent_id, dict(tally.caps)) == (2, {"day": 3})
    assert [period.kind for period in tally.periods] == ["day", "week", "month"]


def test_an_acceptance_that_confirms_the_offered_agent_counts_nothing_more() -> None:
    assert tally_of_change(2, pending(2, LeadStatus.ASSIGNED), "UTC") is None
    assert tally_of_change(2, pending(None, LeadStatus.UNASSIGNED), "UTC") is None


def test_the_previewed_turn_past_capped_agents_is_the_one_an_intake_takes() -> None:
    turns = RoundRobinTurns(MemoryCounter(), ScriptedRandom(), sleep=lambda _: None)
    queue = RoundRobinTurn((1, 2, 3), weights={1: 2.0})
    for _ in range(4):
        turns.take_turn(COMPANY_ID, queue)

    expected, words, passed = turns.next_pick_past(COMPANY_ID, queue, {1})
    taken = turns.take_turn(COMPANY_ID, queue, lambda agent_id: "capped" if agent_id == 1 else None)

    assert (taken.agent_id, taken.words) == (expected, words)
    assert passed == tuple(agent_id for agent_id, _ in taken.refused)
    assert turns.next_pick_past(COMPANY_ID, queue, {1, 2, 3}) == (None, None, (1, 2, 3))


def cancelled(*codes: str) -> ClientError:
    reasons = [{"Code": code} for code in codes]
    response: Any = {"Error": {"Code": "TransactionCanceledException"}, "CancellationReasons": reasons}
    return ClientError(response, "TransactWriteItems")


def test_only_a_transaction_cancelled_for_a_conflict_alone_is_sent_again() -> None:
    assert conflicted(cancelled("None", "TransactionConflict"))
    assert not conflicted(cancelled("ConditionalCheckFailed", "TransactionConflict"))  # a condition: answered
    assert not conflicted(cancelled("None", "ConditionalCheckFailed"))
