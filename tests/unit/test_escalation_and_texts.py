"""Escalation and texts, the pure parts and the text sender with a scripted SNS: who an escalation tells,
that it marks a lead once and never one an agent holds; phones read as E.164; the text an offer becomes
(no contact details); and what a text that cannot go answers for the lead's history."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.domain.agents import Agent
from leadrouter.domain.escalation import (
    escalate,
    escalation_due_at,
    escalation_recipients,
    escalation_timer_id,
    held_since,
    is_escalation_timer,
)
from leadrouter.domain.leads import Interest, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import assign, new_lead, to_pool
from leadrouter.domain.offers import Offer, OfferKind
from leadrouter.domain.phones import e164
from leadrouter.domain.summaries import summary_of
from leadrouter.domain.texts import offer_text
from leadrouter.service.offer_texts import OfferTexts
from leadrouter.service.ports import SendFailed
from tests.support.fakes import COMPANY_ID, NOW, FixedClock, ScriptedSns, agent, company


def a_lead(status: LeadStatus = LeadStatus.UNASSIGNED, office_id: str | None = "north") -> Lead:
    submission = LeadSubmission(
        first_name="Robin", email="robin@example.net", phone="312-555-0111", interest=Interest(city="Evanston")
    )
    lead = new_lead("ld_01jq0000000000000000000000", COMPANY_ID, submission, NOW)
    lead.status, lead.office_id = status, office_id
    return lead


def manager(agent_id: int, office_id: str, **fields: object) -> Agent:
    return agent(agent_id, office_id=office_id, lead_management=True).model_copy(update=fields)


# Escalation ------------------------------------------------------------------------------------------


def test_the_escalation_addresses_and_the_offices_managers_are_told_each_once() -> None:
    config = company(
        manager(1, "north"),
        manager(2, "north", email="AGENT1@brokerage.example"),  # the same address in another case
        agent(3, office_id="north"),  # no lead management
        manager(4, "south"),
        manager(5, "north", active=False),
        manager(6, "north", email_bouncing=True),
        escalation_emails=["broker@brokerage.example", "Agent1@Brokerage.example"],
    )
    assert escalation_recipients(a_lead(), config) == ["broker@brokerage.example", "Agent1@Brokerage.example"]
    assert escalation_recipients(a_lead(office_id="south"), config) == [
        "broker@brokerage.example",
        "Agent1@Brokerage.example",
        "agent4@brokerage.example",
    ]
    assert escalation_recipients(a_lead(office_id=None), company(manager(1, "north"))) == []


@pytest.mark.parametrize("status", [LeadStatus.UNASSIGNED, LeadStatus.OFFERED, LeadStatus.PENDING_ACCEPTANCE])
def test_a_lead_without_an_agent_is_escalated_once(status: LeadStatus) -> None:
    lead = a_lead(status)
    at = NOW + timedelta(minutes=15)
    assert escalate(lead, at)
    assert not escalate(lead, at + timedelta(minutes=1))
    (entry,) = [entry for entry in lead.history if entry.event == "lead.escalated"]
    assert lead.escalated_at == at
    assert entry.detail.startswith("No agent has taken this lead 15 minutes after it came in")
    assert "robin" not in entry.detail.lower()


def test_a_held_lead_is_never_escalated() -> None:
    lead = a_lead(LeadStatus.ASSIGNED)
    assert not escalate(lead, NOW + timedelta(hours=1))
    assert lead.escalated_at is None
    assert [entry.event for entry in lead.history] == ["lead.received"]


def test_a_lead_is_judged_from_its_due_time_on() -> None:
    due = NOW + timedelta(minutes=15)
    lead = a_lead()
    assign(lead, 1, "north", "Assigned to agent 1.", NOW + timedelta(minutes=5), "manual", "admin")
    to_pool(lead, "Sent back.", NOW + timedelta(minutes=10), "manual", "admin", agent_id=1)
    assert not held_since(lead, due)  # sent back before its time: escalated when due

    assign(lead, 2, "north", "Assigned to agent 2.", due + timedelta(minutes=1), "manual", "admin")
    assert held_since(lead, due)  # taken after its time (a late timer)
    to_pool(lead, "Sent back.", due + timedelta(minutes=2), "manual", "admin", agent_id=2)
    assert held_since(lead, due)  # and let go again: a repeated timer still sends nothing

    held_at_due = a_lead()
    assign(held_at_due, 1, "north", "Assigned to agent 1.", NOW + timedelta(minutes=5), "manual", "admin")
    assert held_since(held_at_due, due)


def test_escalation_timers_are_named_by_the_lead_and_due_after_the_setting() -> None:
    timer_id = escalation_timer_id("ld_01jq0000000000000000000000")
    assert timer_id == "es_01jq0000000000000000000000"
    assert is_escalation_timer(timer_id)
    assert not is_escalation_timer("of_01jq0000000000000000000000")
    settings_ = company(escalate_unclaimed_after_seconds=900).settings
    assert escalation_due_at(NOW, settings_) == NOW + timedelta(minutes=15)
    assert escalation_due_at(NOW, company().settings) is None


# Phones and texts --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("(312) 555-0147", "+13125550147"),
        ("+1 312 555 0147", "+13125550147"),
        ("+44 20 7946 0958", "+442079460958"),
        ("555-0147", None),
        ("not a phone", None),
    ],
)
def test_phones_are_read_as_e164(typed: str, number: str | None) -> None:
    assert e164(typed) == number


@settings(max_examples=40, deadline=None)
@given(st.from_regex(r"\+?[0-9 ()\-.]{3,20}", fullmatch=True))
def test_a_number_in_e164_reads_as_itself(typed: str) -> None:
    number = e164(typed)
    assert number is None or e164(number) == number


def test_texts_on_need_a_valid_phone_kept_in_e164() -> None:
    with pytest.raises(ValueError, match="sms_enabled needs a phone"):
        Agent(agent_id=1, name="Ann", email="ann@brokerage.example", sms_enabled=True)
    texted = Agent(agent_id=1, name="Ann", email="ann@brokerage.example", phone="312.555.0147", sms_enabled=True)
    assert texted.phone == "+13125550147"
    assert Agent(agent_id=1, name="Ann", email="ann@brokerage.example", phone="312.555.0147").phone == "312.555.0147"


def test_an_offer_text_is_short_names_no_contact_and_carries_the_link() -> None:
    link = "https://leads.example/v1/offers/" + "A" * 43
    text = offer_text("Lakeside Realty", OfferKind.CLAIM, summary_of(a_lead()), "30 minutes", link)
    assert text == f"Lakeside Realty: new lead (R., Evanston, website) to claim, 30 minutes left: {link}"
    long = a_lead()
    long.interest = Interest(city="X" * 100, zip="60201")
    words = offer_text("Y" * 200, OfferKind.ACCEPTANCE, summary_of(long), "59 minutes 59 seconds", link)
    assert len(words.removesuffix(link)) <= 130
    assert "to accept" in words


def send_text(sns: ScriptedSns, phone: str | None = "+13125550147") -> str | None:
    texted = Agent(agent_id=1, name="Ann", email="ann@brokerage.example", phone=phone)
    offer = Offer(
        offer_id="of_1",
        kind=OfferKind.CLAIM,
        origin="click_to_claim",
        recipients=[1],
        created_at=NOW,
        expires_at=NOW + timedelta(minutes=30),
    )
    return OfferTexts(sns, FixedClock(), sleep=lambda _: None).send(
        a_lead(), offer, company(texted), texted, "https://x"
    )


def test_a_text_goes_to_the_number_with_retries_of_what_may_pass() -> None:
    sns = ScriptedSns(SendFailed("Throttling", True))
    assert send_text(sns) is None
    (sent,) = sns.sent
    assert sent.to == "+13125550147"
    assert sent.text.endswith("30 minutes left: https://x")


def test_a_text_that_cannot_go_says_why_without_the_number() -> None:
    assert send_text(ScriptedSns(opted_out=frozenset({"+13125550147"}))) == (
        "their number opted out of text messages, so none is sent to it"
    )
    assert send_text(ScriptedSns(SendFailed("InvalidParameter", False))) == "InvalidParameter, not retried"
    assert send_text(ScriptedSns(), phone="555-01") == "the agent has no phone a text can reach"
