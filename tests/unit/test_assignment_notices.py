"""The notice an agent gets when a lead is assigned to them: once per assignment they did not take
themselves, naming an initial, the area and the source (never contact details), the page of their leads,
and for a returning lead's owner when and where the person first inquired; what cannot be sent is handed
back for the lead's history."""

from datetime import timedelta

from leadrouter.adapters.templates import JinjaRenderer
from leadrouter.domain.leads import EarlierInquiry, HistoryEntry, Interest, Lead, LeadSubmission
from leadrouter.domain.lifecycle import OfferTerms, assign, new_lead, place
from leadrouter.service.assignment_notices import AssignmentNotices
from leadrouter.service.offer_texts import OfferTexts
from leadrouter.service.ports import SendFailed
from tests.support.fakes import COMPANY_ID, NOW, FixedClock, ScriptedMailer, ScriptedSns, agent, company

BASE = "https://leads.example"


def a_lead() -> Lead:
    submission = LeadSubmission(
        first_name="Robin",
        last_name="Hale",
        email="robin.hale@example.net",
        phone="312-555-0111",
        message="Call me about Elm Street",
        interest=Interest(city="Evanston"),
    )
    lead = new_lead("ld_01jq0000000000000000000000", COMPANY_ID, submission, NOW)
    lead.link_base_url = BASE
    return lead


def notices(mailer: ScriptedMailer, sns: ScriptedSns | None = None) -> AssignmentNotices:
    clock = FixedClock(NOW)
    texts = OfferTexts(sns, clock, sleep=lambda _s: None) if sns is not None else None
    return AssignmentNotices(
        mailer, JinjaRenderer(), clock, "robot@leads.example", BASE, sleep=lambda _s: None, texts=texts
    )


def assigned(lead: Lead, agent_id: int = 2, step: str = "round_robin") -> list[HistoryEntry]:
    before = len(lead.history)
    assign(lead, agent_id, None, f"Assigned to agent {agent_id}.", NOW + timedelta(seconds=1), step, "routing")
    return lead.history[before:]


def test_an_assigned_agent_is_emailed_once_without_contact_details() -> None:
    mailer = ScriptedMailer()
    lead = a_lead()
    config = company(agent(1), agent(2))
    assert notices(mailer).notify(lead, assigned(lead), config) == []
    (email,) = mailer.sent
    assert email.to == "agent2@brokerage.example"
    assert email.subject == "A lead is yours: R. in Evanston (website)"
    assert f"{BASE}/app/my-leads" in email.text
    assert f'href="{BASE}/app/my-leads"' in email.html
    for body in (email.subject, email.text, email.html):
        assert not any(detail in body.lower() for detail in ("robin", "hale", "555-0111", "elm street"))
    assert email.tags == {"company_id": COMPANY_ID, "lead_id": lead.lead_id, "agent_id": "2"}


def test_a_returning_leads_owner_is_told_when_and_where_the_person_first_inquired() -> None:
    mailer = ScriptedMailer()
    lead = a_lead()
    lead.returning_of = EarlierInquiry(lead_id="ld_earlier", created_at=NOW - timedelta(days=30), source="zillow")
    notices(mailer).notify(lead, assigned(lead, step="returning_lead"), company(agent(2)))
    (email,) = mailer.sent
    earlier = (NOW - timedelta(days=30)).date().isoformat()
    assert f"first inquired on {earlier} (source: zillow)" in email.text
    assert email.subject.endswith(", returning")


def test_nothing_is_sent_for_what_the_agent_did_or_has_still_to_accept() -> None:
    mailer = ScriptedMailer()
    lead = a_lead()
    config = company(agent(2), acceptance_required=True)
    before = len(lead.history)
    place(lead, 2, None, "Assigned to agent 2.", NOW, "round_robin", "routing", OfferTerms("of_1", config.settings))
    claimed = HistoryEntry(at=NOW, event="lead.claimed", agent_id=2, detail="Claimed by agent 2.")
    for added in (lead.history[before:], [claimed]):
        assert notices(mailer).notify(lead, added, config) == []
    office_only = a_lead()
    office_only.record(HistoryEntry(at=NOW, event="lead.assigned", detail="Assigned to office north."))
    assert notices(mailer).notify(office_only, office_only.history[-1:], config) == []
    assert mailer.sent == []


def test_an_inactive_agent_or_a_bouncing_address_gets_no_email() -> None:
    mailer = ScriptedMailer()
    for who in (agent(2, active=False), agent(2).model_copy(update={"email_bouncing": True})):
        lead = a_lead()
        assert notices(mailer).notify(lead, assigned(lead), company(who)) == []
    assert mailer.sent == []


def test_texts_on_send_a_text_too_and_what_fails_is_handed_back() -> None:
    texter = agent(2).model_copy(update={"sms_enabled": True, "phone": "+13125550147"})
    mailer, sns = ScriptedMailer(SendFailed("MessageRejected", False)), ScriptedSns()
    lead = a_lead()
    (failed,) = notices(mailer, sns).notify(lead, assigned(lead), company(texter))
    assert failed.event == "delivery.failed"
    assert failed.agent_id == 2
    assert "The assignment email to agent 2" in failed.detail
    assert "MessageRejected" in failed.detail
    (text,) = sns.sent
    assert text.to == "+13125550147"
    assert text.text == f"Test Realty: a new lead is yours (R., Evanston, website): {BASE}/app/my-leads"
