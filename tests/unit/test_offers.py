"""The offer state machine: every transition, every illegal one, and the lead-level rules (first claim wins,
acceptance, nobody offered the same lead twice)."""

from datetime import timedelta
from itertools import product

import pytest

from leadrouter.domain.cascade import OfferTo
from leadrouter.domain.errors import Conflict, NotFound
from leadrouter.domain.leads import Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import (
    OfferTerms,
    answer_offer,
    close_open_offer,
    expire_offer,
    new_lead,
    open_claim_offer,
    place,
)
from leadrouter.domain.offers import (
    TRANSITIONS,
    AnsweredAlready,
    Offer,
    OfferAction,
    OfferClosed,
    OfferEvent,
    OfferKind,
    OfferState,
    WrongAction,
    duration_words,
    hash_token,
    looks_like_token,
    new_token,
)
from leadrouter.domain.summaries import contact_visible_to, summary_of
from tests.support.fakes import NOW, ScriptedRandom, company

LATER = NOW + timedelta(minutes=5)


def offer(kind: OfferKind, recipients: list[int] | None = None, state: OfferState = OfferState.OPEN) -> Offer:
    return Offer(
        offer_id="of_1",
        kind=kind,
        origin="click_to_claim" if kind is OfferKind.CLAIM else "acceptance",
        recipients=recipients or [1],
        created_at=NOW,
        expires_at=NOW + timedelta(hours=1),
        state=state,
    )


# The table itself ------------------------------------------------------------------------------------------

LEGAL = {
    (OfferKind.CLAIM, OfferEvent.CLAIM): OfferState.CLAIMED,
    (OfferKind.CLAIM, OfferEvent.PASS): OfferState.PASSED,
    (OfferKind.CLAIM, OfferEvent.EXPIRE): OfferState.EXPIRED,
    (OfferKind.CLAIM, OfferEvent.CLOSE): OfferState.CLOSED,
    (OfferKind.ACCEPTANCE, OfferEvent.ACCEPT): OfferState.ACCEPTED,
    (OfferKind.ACCEPTANCE, OfferEvent.REJECT): OfferState.REJECTED,
    (OfferKind.ACCEPTANCE, OfferEvent.EXPIRE): OfferState.EXPIRED,
    (OfferKind.ACCEPTANCE, OfferEvent.CLOSE): OfferState.CLOSED,
}


def test_the_transition_table_is_exactly_the_documented_one() -> None:
    assert {(kind, event): state for (kind, _, event), state in TRANSITIONS.items()} == LEGAL
    assert {state for (_, state, _) in TRANSITIONS} == {OfferState.OPEN}


@pytest.mark.parametrize(("kind", "event"), list(LEGAL))
def test_every_legal_transition_from_open(kind: OfferKind, event: OfferEvent) -> None:
    assert offer(kind).next_state(event) is LEGAL[(kind, event)]


@pytest.mark.parametrize(("kind", "event"), [(k, e) for k, e in product(OfferKind, OfferEvent) if (k, e) not in LEGAL])
def test_an_action_of_the_other_kind_is_a_wrong_action_on_an_open_offer(kind: OfferKind, event: OfferEvent) -> None:
    with pytest.raises(WrongAction):
        offer(kind).next_state(event)


CLOSED_STATES = [state for state in OfferState if state is not OfferState.OPEN]


@pytest.mark.parametrize(("kind", "state", "event"), list(product(OfferKind, CLOSED_STATES, OfferEvent)))
def test_nothing_moves_a_closed_offer(kind: OfferKind, state: OfferState, event: OfferEvent) -> None:
    closed = offer(kind, state=state)
    with pytest.raises(OfferClosed):
        closed.next_state(event)
    assert closed.state is state


# Answers -----------------------------------------------------------------------------------------------------


def test_claim_closes_a_claim_offer_and_names_the_claimer() -> None:
    claim = offer(OfferKind.CLAIM, [1, 2, 3])
    assert claim.answer(2, OfferAction.CLAIM, LATER) is OfferState.CLAIMED
    assert (claim.answered_by, claim.closed_at) == (2, LATER)
    with pytest.raises(OfferClosed):
        claim.answer(3, OfferAction.CLAIM, LATER)
    with pytest.raises(OfferClosed):
        claim.answer(2, OfferAction.CLAIM, LATER)


def test_a_pass_leaves_the_offer_open_for_the_others_until_the_last_passes() -> None:
    claim = offer(OfferKind.CLAIM, [1, 2])
    assert claim.answer(1, OfferAction.PASS, LATER) is OfferState.OPEN
    assert not claim.open_to(1)
    assert claim.open_to(2)
    with pytest.raises(OfferClosed):
        claim.answer(1, OfferAction.CLAIM, LATER)
    assert claim.answer(2, OfferAction.PASS, LATER) is OfferState.PASSED


def test_only_recipients_answer_and_only_with_their_kind_of_action() -> None:
    acceptance = offer(OfferKind.ACCEPTANCE, [4])
    with pytest.raises(NotFound):
        acceptance.answer(5, OfferAction.ACCEPT, LATER)
    with pytest.raises(WrongAction):
        acceptance.answer(4, OfferAction.CLAIM, LATER)
    assert acceptance.is_open


def test_an_answer_after_expires_at_is_refused_even_before_the_timer_fired() -> None:
    acceptance = offer(OfferKind.ACCEPTANCE, [4])
    with pytest.raises(OfferClosed):
        acceptance.answer(4, OfferAction.ACCEPT, acceptance.expires_at)
    assert acceptance.is_open


def test_expire_and_close() -> None:
    expired, closed = offer(OfferKind.CLAIM), offer(OfferKind.ACCEPTANCE)
    expired.expire(LATER)
    closed.close(LATER)
    assert (expired.state, closed.state) == (OfferState.EXPIRED, OfferState.CLOSED)
    with pytest.raises(OfferClosed):
        expired.expire(LATER)


def test_a_timer_counts_from_one_second_before_expiry() -> None:
    timed = offer(OfferKind.CLAIM)
    assert not timed.is_due(timed.expires_at - timedelta(seconds=2))
    assert timed.is_due(timed.expires_at - timedelta(seconds=1))
    assert timed.seconds_left(timed.expires_at - timedelta(seconds=1.5)) == 2
    assert timed.seconds_left(timed.expires_at + timedelta(seconds=1)) == 0


# On the lead ---------------------------------------------------------------------------------------------


def received() -> Lead:
    submission = LeadSubmission.model_validate(
        {"first_name": "jamie", "email": "j@example.net", "interest": {"city": "Chicago", "zip": "60614"}}
    )
    return new_lead("ld_1", "co_test", submission, NOW)


def terms(offer_id: str = "of_1", **settings: object) -> OfferTerms:
    return OfferTerms(offer_id, company(**settings).settings)


def test_claim_offer_keeps_the_lead_in_the_pool_until_the_first_claim() -> None:
    lead = received()
    made = open_claim_offer(
        lead,
        OfferTo((1, 2), "Claim email sent."),
        terms(claim_link_ttl_seconds=600),
        NOW,
        "click_to_claim",
        "click_to_claim",
    )
    assert (lead.status, lead.agent_id) == (LeadStatus.UNASSIGNED, None)
    assert made.expires_at == NOW + timedelta(seconds=600)
    assert lead.history[-1].event == "lead.offered"

    answer_offer(lead, "of_1", 2, OfferAction.CLAIM, LATER, "Bea", "link", office_id="south")

    assert (lead.status, lead.agent_id, lead.office_id) == (LeadStatus.ASSIGNED, 2, "south")
    assert lead.history[-1].event == "lead.claimed"
    with pytest.raises(Conflict, match="no longer open"):
        answer_offer(lead, "of_1", 1, OfferAction.CLAIM, LATER, "Ada", "link")
    # The winner clicking again is told what happened, not that the lead was taken.
    with pytest.raises(AnsweredAlready, match="You claimed this offer already"):
        answer_offer(lead, "of_1", 2, OfferAction.CLAIM, LATER, "Bea", "link")
    assert [entry.event for entry in lead.history].count("lead.claimed") == 1


def test_acceptance_offer_then_accept() -> None:
    lead = received()
    made = place(
        lead, 3, "north", "Assigned to agent 3.", NOW, "agent_code", "routing", terms(acceptance_required=True)
    )
    assert made is not None
    assert (lead.status, lead.agent_id, lead.office_id) == (LeadStatus.PENDING_ACCEPTANCE, 3, "north")
    assert not contact_visible_to(lead, 3)

    answer_offer(lead, made.offer_id, 3, OfferAction.ACCEPT, LATER, "Cy", "link")

    assert lead.status is LeadStatus.ASSIGNED
    assert contact_visible_to(lead, 3)
    assert [entry.event for entry in lead.history][-2:] == ["lead.offered", "lead.accepted"]


def test_without_acceptance_an_assignment_is_immediate() -> None:
    lead = received()
    assert place(lead, 3, None, "Assigned.", NOW, "agent_code", "routing", terms()) is None
    assert lead.status is LeadStatus.ASSIGNED
    assert lead.offers == []


def test_reject_and_expiry_decline_the_agent() -> None:
    lead = received()
    place(lead, 3, None, "Assigned.", NOW, "round_robin", "routing", terms(acceptance_required=True))
    answered = answer_offer(lead, "of_1", 3, OfferAction.REJECT, LATER, "Cy", "link")
    assert answered.declined
    assert lead.declined_agent_ids == [3]

    place(lead, 4, None, "Assigned.", LATER, "acceptance", "routing", terms("of_2", acceptance_required=True))
    second = lead.open_offer()
    assert second is not None
    assert expire_offer(lead, second, second.expires_at, {4: "Dee"})
    assert lead.declined_agent_ids == [3, 4]
    assert lead.history[-1].event == "lead.expired"


def test_an_expired_claim_offer_leaves_the_lead_in_the_pool_and_declines_nobody() -> None:
    lead = received()
    made = open_claim_offer(lead, OfferTo((1, 2), "Claim."), terms(), NOW, "click_to_claim", "click_to_claim")
    assert not expire_offer(lead, made, made.expires_at, {})
    assert (lead.status, lead.declined_agent_ids) == (LeadStatus.UNASSIGNED, [])
    assert lead.history[-1].event == "lead.expired"


def test_a_pass_declines_and_the_last_pass_closes_the_offer() -> None:
    lead = received()
    open_claim_offer(lead, OfferTo((1, 2), "Claim."), terms(), NOW, "click_to_claim", "click_to_claim")
    answer_offer(lead, "of_1", 1, OfferAction.PASS, LATER, "Ada", "link")
    assert lead.open_offer() is not None
    answer_offer(lead, "of_1", 2, OfferAction.PASS, LATER, "Bea", "link")
    assert lead.open_offer() is None
    assert lead.declined_agent_ids == [1, 2]
    assert [entry.event for entry in lead.history][-3:] == ["lead.passed", "lead.passed", "offer.closed"]


def test_an_admin_closes_the_open_offer() -> None:
    lead = received()
    open_claim_offer(lead, OfferTo((1, 2), "Claim."), terms(), NOW, "click_to_claim", "click_to_claim")
    closed = close_open_offer(lead, LATER, "an admin assigned the lead.", "key_1")
    assert closed is not None
    assert closed.state is OfferState.CLOSED
    assert close_open_offer(lead, LATER, "again", "key_1") is None


def test_an_unknown_offer_id_is_not_found() -> None:
    with pytest.raises(NotFound):
        answer_offer(received(), "of_nope", 1, OfferAction.CLAIM, LATER, "Ada", "link")


# Summaries and tokens --------------------------------------------------------------------------------------


def test_the_summary_shows_initial_area_and_source_only() -> None:
    summary = summary_of(received())
    assert (summary.name_initial, summary.area, summary.source) == ("J.", "Chicago 60614", "website")


def test_tokens_carry_256_bits_and_are_stored_as_hashes() -> None:
    token = new_token(ScriptedRandom(tokens=[bytes(range(32))]))
    assert looks_like_token(token)
    assert len(token) == 43
    assert hash_token(token) != token
    assert len(hash_token(token)) == 64
    assert not looks_like_token("short")


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0, "no time"), (1, "1 second"), (90, "1 minute 30 seconds"), (3600, "1 hour"), (90061, "1 day 1 hour")],
)
def test_duration_words(seconds: int, words: str) -> None:
    assert duration_words(seconds) == words
