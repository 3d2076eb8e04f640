"""Returning leads in the domain (ROUTING.md, "Returning leads"): who a lead is, the keyed hashes the index
holds, when an earlier lead makes a new one returning, the cascade step that routes it, what happens after
the owner passes on a first offer, and an erasure."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from leadrouter.domain.agents import Agent
from leadrouter.domain.cascade import AssignTo, OfferTo, OwnerFirst, RoundRobinTurn, ToPool
from leadrouter.domain.company import CompanySettings
from leadrouter.domain.leads import Contact, HistoryEntry, Lead, LeadStatus
from leadrouter.domain.lifecycle import OfferTerms, apply_decision, expire_offer
from leadrouter.domain.offers import OfferKind, OfferOrigin
from leadrouter.domain.owner_first import decide_without_owner
from leadrouter.domain.people import EarlierLead, MatchedBy, earlier_lead, erase, identity_of
from leadrouter.domain.phones import e164
from tests.support.fakes import NOW, NoRandom, agent, company, lead, route

SECRET = b"k" * 32
EARLIER = EarlierLead("ld_01jc7k0000000000000000000a", NOW - timedelta(days=10), "zillow", 7, MatchedBy.EMAIL)


def stored_lead(**fields: object) -> Lead:
    values: dict[str, object] = {
        "lead_id": "ld_01jc7k0000000000000000000a",
        "company_id": "co_1",
        "status": LeadStatus.ASSIGNED,
        "agent_id": 7,
        "source": "zillow",
        "created_at": NOW - timedelta(days=10),
        "updated_at": NOW - timedelta(days=10),
        "contact": Contact(first_name="Jamie", last_name="Rivera", email="jamie@example.com", phone="415 555 0134"),
    }
    return Lead.model_validate(values | fields)


# Identity ------------------------------------------------------------------------------------------------


def test_the_same_email_in_any_case_and_spacing_is_the_same_key() -> None:
    one = identity_of(Contact(email="Jamie@Example.com"), "US").keys(SECRET, "co_1")
    other = identity_of(Contact(email="  JAMIE@example.COM "), "US").keys(SECRET, "co_1")
    assert one == other
    assert one[0].kind is MatchedBy.EMAIL


@pytest.mark.parametrize("written", ["(415) 555-0134", "415.555.0134", "+1 415 555 0134", "1-415-555-0134"])
def test_a_phone_written_any_way_is_read_to_one_number(written: str) -> None:
    assert e164(written, "US") == "+14155550134"


def test_a_number_without_country_code_is_read_in_the_companys_region() -> None:
    assert e164("020 7946 0958", "GB") == "+442079460958"
    assert e164("020 7946 0958", "US") is None


def test_a_phone_that_cannot_be_read_is_left_out_of_matching_and_said_so() -> None:
    identity = identity_of(Contact(email="a@example.com", last_name="Rivera", phone="555-0134"), "US")
    assert identity.phone is None
    assert identity.phone_unread
    assert [key.kind for key in identity.keys(SECRET, "co_1")] == [MatchedBy.EMAIL]


def test_a_phone_matches_only_with_the_same_last_name() -> None:
    def phone_key(last_name: str) -> str:
        (key,) = identity_of(Contact(last_name=last_name, phone="415 555 0134"), "US").keys(SECRET, "co_1")
        return key.digest

    assert phone_key("Rivera") == phone_key(" RIVERA ")
    assert phone_key("Rivera") != phone_key("Stone")
    assert identity_of(Contact(phone="415 555 0134"), "US").keys(SECRET, "co_1") == ()


@settings(max_examples=20)
@given(st.emails())
def test_keys_carry_nothing_of_the_email_and_differ_by_company_and_secret(email: str) -> None:
    contact = Contact(email=email)
    (key,) = identity_of(contact, "US").keys(SECRET, "co_1")
    assert email.lower() not in key.digest
    assert len(key.digest) == 64
    assert identity_of(contact, "US").keys(SECRET, "co_2")[0].digest != key.digest
    assert identity_of(contact, "US").keys(b"another key", "co_1")[0].digest != key.digest


def test_the_phone_region_must_be_one_phonenumbers_knows() -> None:
    assert CompanySettings(phone_region="GB").phone_region == "GB"
    with pytest.raises(ValidationError):
        CompanySettings(phone_region="XX")


# The rule ------------------------------------------------------------------------------------------------


def test_an_assigned_earlier_lead_within_ownership_days_makes_a_returning_lead() -> None:
    found = earlier_lead(stored_lead(), MatchedBy.EMAIL, CompanySettings(), NOW)
    assert found == EARLIER
    assert found is not None
    assert found.words("UTC") == f"same email as {EARLIER.lead_id} of {EARLIER.created_at.date()}"


def test_the_earlier_lead_is_dated_by_the_company_s_calendar() -> None:
    late_evening = EarlierLead("ld_a", datetime(2026, 12, 3, 5, 15, tzinfo=UTC), "website", 2, MatchedBy.EMAIL)
    assert late_evening.words("America/Chicago") == "same email as ld_a of 2026-12-02"
    assert late_evening.words("UTC") == "same email as ld_a of 2026-12-03"


def test_ownership_ages_out_after_ownership_days_unless_there_is_no_limit() -> None:
    old = stored_lead(created_at=NOW - timedelta(days=181))
    assert earlier_lead(old, MatchedBy.EMAIL, CompanySettings(), NOW) is None
    assert earlier_lead(old, MatchedBy.EMAIL, CompanySettings(ownership_days=None), NOW) is not None


def test_an_earlier_lead_nobody_holds_makes_no_returning_lead() -> None:
    pooled = stored_lead(status=LeadStatus.UNASSIGNED, agent_id=None)
    assert earlier_lead(pooled, MatchedBy.EMAIL, CompanySettings(), NOW) is None


# The step ------------------------------------------------------------------------------------------------


def test_owner_mode_assigns_to_the_earlier_leads_agent_and_says_why() -> None:
    decision = route(
        replace(lead(), returning=EARLIER), company(agent(7), agent(8, in_queue=True), auto_assign_enabled=True)
    )
    assert decision.step == "returning_lead"
    assert isinstance(decision.outcome, AssignTo)
    assert decision.outcome.agent_id == 7
    assert f"returning lead: same email as {EARLIER.lead_id} of {EARLIER.created_at.date()}, held by agent 7" in (
        decision.outcome.detail
    )


def test_the_leads_own_choice_of_agent_wins_over_the_owner() -> None:
    decision = route(replace(lead(chosen_agent_id=8), returning=EARLIER), company(agent(7), agent(8)))
    assert decision.step == "chosen_agent"


@pytest.mark.parametrize("owner", [agent(7, active=False), agent(7, away_until=NOW + timedelta(days=1))])
def test_an_owner_who_is_not_available_is_skipped_and_the_cascade_goes_on(owner: Agent) -> None:
    config = company(owner, agent(8, in_queue=True), auto_assign_enabled=True)
    decision = route(replace(lead(), returning=EARLIER), config)
    assert decision.step == "round_robin"
    (note,) = [report for report in decision.notes() if report.step == "returning_lead"]
    assert note.agent_id == 7
    assert "skipped" in note.detail


def test_new_mode_routes_a_returning_lead_as_a_new_one() -> None:
    decision = route(replace(lead(), returning=EARLIER), company(agent(7), returning_leads="new"))
    assert decision.step == "pool"


def test_offer_owner_first_offers_the_owner_a_claim_for_the_owner_window() -> None:
    config = company(agent(7), returning_leads="offer_owner_first", owner_window_seconds=600)
    decision = route(replace(lead(), returning=EARLIER), config)
    assert isinstance(decision.outcome, OwnerFirst)
    assert decision.outcome.agent_id == 7
    stored = stored_lead(status=LeadStatus.UNASSIGNED, agent_id=None, history=[])
    apply_decision(stored, decision, {}, NOW, OfferTerms("of_1", config.settings), config.agents)
    (offer,) = stored.offers
    assert (offer.kind, offer.origin, offer.recipients) == (OfferKind.CLAIM, OfferOrigin.RETURNING_LEAD, [7])
    assert offer.expires_at == NOW + timedelta(seconds=600)


# After the owner passed ----------------------------------------------------------------------------------


def test_an_owner_who_lets_the_window_run_out_is_declined_and_the_lead_moves_on() -> None:
    config = company(agent(7), returning_leads="offer_owner_first", owner_window_seconds=600)
    stored = stored_lead(status=LeadStatus.UNASSIGNED, agent_id=None, history=[])
    apply_decision(
        stored, route(replace(lead(), returning=EARLIER), config), {}, NOW, OfferTerms("of_1", config.settings)
    )
    (offer,) = stored.offers

    assert expire_offer(stored, offer, NOW + timedelta(seconds=600), {7: "Gus"})
    assert stored.declined_agent_ids == [7]
    assert stored.history[-1].event == "lead.expired"
    assert "did not claim it within their window: it goes on as a new lead" in stored.history[-1].detail


def test_after_the_owner_passed_round_robin_never_gives_it_to_them() -> None:
    config = company(agent(7, in_queue=True), agent(8, in_queue=True), auto_assign_enabled=True)
    decision = decide_without_owner(stored_lead(declined_agent_ids=[7]), config, NOW, NoRandom())
    assert decision.outcome == RoundRobinTurn((7, 8), frozenset({7}))
    assert decision.outcome.eligible == (8,)


def test_after_the_owner_passed_claim_emails_leave_them_out() -> None:
    config = company(agent(7, click_to_claim=True), agent(8, click_to_claim=True), click_to_claim_enabled=True)
    decision = decide_without_owner(stored_lead(declined_agent_ids=[7]), config, NOW, NoRandom())
    assert isinstance(decision.outcome, OfferTo)
    assert decision.outcome.recipients == (8,)


def test_after_the_owner_passed_a_step_naming_them_alone_sends_the_lead_to_the_pool() -> None:
    config = company(agent(7), default_agent_id=7)
    decision = decide_without_owner(stored_lead(declined_agent_ids=[7]), config, NOW, NoRandom())
    assert isinstance(decision.outcome, ToPool)
    assert "agent 7 passed on this lead already" in decision.outcome.detail


# Erasure -------------------------------------------------------------------------------------------------


def test_an_erasure_removes_contact_message_and_page_for_good_and_keeps_the_history() -> None:
    page = "https://example.com/listing/jamie-rivera"
    received = HistoryEntry(at=NOW, event="lead.received", detail=f"Lead received from source 'zillow' from {page}.")
    stored = stored_lead(message="Call me at 415 555 0134", page_url=page, history=[received], person_keys=["ab"])

    assert erase(stored, NOW, "key_1")
    assert stored.contact == Contact()
    assert stored.message is None
    assert stored.page_url is None
    assert stored.person_keys == []
    assert stored.erased_at == NOW
    assert [entry.event for entry in stored.history] == ["lead.received", "person.erased"]
    assert page not in stored.model_dump_json()
    assert not erase(stored, NOW + timedelta(hours=1), "key_1")  # done already: nothing changes
    assert stored.erased_at == NOW
