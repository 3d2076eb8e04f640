"""Escalation and offers by text message, through the API and the timeout function, against moto.

Escalation: a lead still without an agent when its timer arrives is emailed once to the escalation addresses
and its office's managers, with `lead.escalated` on the bus and in its history; a held lead, a late or
repeated timer produce nothing more. Texts: an agent with texts on gets the offer's one-time link by SNS,
claims through it; an opted-out number (moto: one ending in 99) and a failed Publish are recorded on the
lead, and the emails still go."""

from dataclasses import dataclass

import boto3
import pytest
from moto.sns.models import sns_backends

from devstack.lambdas import LambdaRuntime
from devstack.mailbox import Mailbox
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.aws_state import bus_events
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.faults import Faults, client_error
from tests.support.offers import claim_company, emails_to, link_for, offer_links, post_action, submit
from tests.support.scenario import Company, expect
from tests.support.timers import PendingTimer, arrive, pending_timers

BROKER = "broker@brokerage.test"
TEXTS_ON = {"sms_enabled": True, "phone": "(312) 555-0147"}


def escalation_timer(aws: CreatedResources, lead_id: str) -> PendingTimer:
    (timer,) = [t for t in pending_timers(aws) if t.offer_id.startswith("es_") and t.message["lead_id"] == lead_id]
    return timer


def escalation_emails(template: Template) -> list[str]:
    mailbox = Mailbox(template.context.account_id, template.context.region)
    return sorted(mail.to for mail in mailbox.emails() if mail.subject.startswith("No agent yet"))


def events(lead: dict[str, object], name: str) -> list[dict[str, object]]:
    return [entry for entry in lead["history"] if entry["event"] == name]  # type: ignore[attr-defined]


def texts() -> list[tuple[str, str]]:
    backend = sns_backends[boto3.client("sts").get_caller_identity()["Account"]]["us-east-1"]
    return [(sms.phone_number, sms.message) for sms in backend.sms_message_objects.values()]


@pytest.fixture
def escalating(company: Company) -> Company:
    """A pool company (no routing at all) that escalates after a minute; agent 3 manages office north, agent
    4 is in it without lead management, agent 5 manages another office."""
    company.office("north")
    company.office("south")
    company.agent(3, office_id="north", lead_management=True)
    company.agent(4, office_id="north")
    company.agent(5, office_id="south", lead_management=True)
    company.settings(escalate_unclaimed_after_seconds=60, escalation_emails=[BROKER, "Agent3@Brokerage.test"])
    return company


@dataclass(frozen=True)
class Stack:
    api: ApiClient
    aws: CreatedResources
    runtime: LambdaRuntime
    template: Template
    clock: MovableClock


@pytest.fixture
def stack(
    api: ApiClient, aws: CreatedResources, runtime: LambdaRuntime, template: Template, clock: MovableClock
) -> Stack:
    return Stack(api, aws, runtime, template, clock)


def test_a_lead_left_alone_escalates_once(escalating: Company, stack: Stack) -> None:
    api, aws, runtime, template, clock = stack.api, stack.aws, stack.runtime, stack.template, stack.clock
    lead_id = submit(escalating)
    expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"office_id": "north"}, key=escalating.admin_key), 200)
    timer = escalation_timer(aws, lead_id)
    assert (timer.kind, timer.delay_seconds) in (("queue", 59), ("queue", 60))
    bus_events(aws.event_queue_url)

    early = arrive(runtime, timer)  # a minute early: put back, nothing sent
    assert early == {"batchItemFailures": []}
    assert escalation_emails(template) == []
    clock.advance(seconds=61)
    arrive(runtime, timer)
    arrive(runtime, timer)  # delivered twice, and late: nothing more

    lead = escalating.lead(lead_id)
    (entry,) = events(lead, "lead.escalated")
    assert "No agent has taken this lead" in str(entry["detail"])
    # The escalation address, and the office's manager once though listed twice in another case.
    assert escalation_emails(template) == ["Agent3@Brokerage.test", BROKER]
    published = [event for event in bus_events(aws.event_queue_url) if event["detail-type"] == "lead.escalated"]
    assert [event["detail"]["lead_id"] for event in published] == [lead_id]


def test_a_lead_held_before_its_time_is_not_escalated(escalating: Company, stack: Stack) -> None:
    claim_company(escalating, 1)
    lead_id = submit(escalating)
    assert post_action(stack.api, link_for(stack.template, 1), "claim").status == 200
    stack.clock.advance(seconds=61)
    timer = escalation_timer(stack.aws, lead_id)
    arrive(stack.runtime, timer)
    # Sent back to the pool after its time, then the same timer delivered again: still nothing, since an
    # agent held it when it was due.
    admin = escalating.admin_key
    expect(stack.api.post(f"/v1/leads/{lead_id}/release", json_body={}, key=admin), 200)
    arrive(stack.runtime, timer)

    lead = escalating.lead(lead_id)
    assert lead["status"] == "unassigned"
    assert events(lead, "lead.escalated") == []
    assert escalation_emails(stack.template) == []


def test_an_agent_with_texts_on_gets_the_offer_link_by_text_and_claims_through_it(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources
) -> None:
    claim_company(company, 2)
    expect(api.patch("/v1/agents/1", json_body=TEXTS_ON, key=company.admin_key), 200)
    lead_id = submit(company)

    ((to, text),) = texts()
    assert to == "+13125550147"
    # The time left is a day, or a second under it when a second has passed since the offer.
    assert text.startswith("Lakeside Realty: new lead (L., website) to claim, ")
    assert " left: http://localhost/v1/offers/" in text
    (link,) = offer_links([word for word in text.split() if word.startswith("http")])
    assert link.token == link_for(template, 1).token  # the email's link: one per recipient
    assert "lead1@example.net" not in text
    assert api.get(link.path).status == 200  # the page shows the offer and changes nothing
    assert company.lead(lead_id)["status"] == "unassigned"
    assert post_action(api, link, "claim", as_json=True).status == 200
    assert company.lead(lead_id)["agent_id"] == 1
    # Escalation is off unless set: the lead never had a timer of its own.
    assert not [timer for timer in pending_timers(aws) if timer.offer_id.startswith("es_")]


def test_an_opted_out_number_and_a_failed_text_are_recorded_and_the_emails_still_go(
    company: Company, api: ApiClient, template: Template, faults: Faults
) -> None:
    claim_company(company, 2)
    expect(api.patch("/v1/agents/1", json_body={**TEXTS_ON, "phone": "+1 312 555 0199"}, key=company.admin_key), 200)
    expect(api.patch("/v1/agents/2", json_body=TEXTS_ON, key=company.admin_key), 200)
    faults.on("sns.Publish", lambda *_: client_error("InvalidParameter", "Publish"))
    lead_id = submit(company)

    failed = sorted(str(entry["detail"]) for entry in events(company.lead(lead_id), "delivery.failed"))
    assert len(failed) == 2
    assert failed[0].startswith("The claim text to agent 1 (Agent 1) could not be sent (their number opted out")
    assert failed[1].startswith("The claim text to agent 2 (Agent 2) could not be sent (InvalidParameter, not retried)")
    assert "0199" not in failed[0]  # the number is not written in the history
    assert texts() == []
    assert len(emails_to(template, "agent1@brokerage.test")) == len(emails_to(template, "agent2@brokerage.test")) == 1


def test_texts_need_a_valid_phone_and_phones_are_kept_in_e164(company: Company, api: ApiClient) -> None:
    company.agent(1)
    for body in ({"sms_enabled": True}, {"sms_enabled": True, "phone": "555-01"}):
        refused = api.patch("/v1/agents/1", json_body=body, key=company.admin_key)
        assert refused.status == 422, body
    agent = expect(api.get("/v1/agents/1", key=company.admin_key), 200)
    assert agent["sms_enabled"] is False
    changed = expect(api.patch("/v1/agents/1", json_body=TEXTS_ON, key=company.admin_key), 200)
    assert (changed["phone"], changed["sms_enabled"]) == ("+13125550147", True)
    refused = api.put("/v1/settings", json_body={"escalation_emails": ["not an address"]}, key=company.admin_key)
    assert refused.status == 422


def test_a_texting_phone_without_its_country_code_is_read_in_the_companys_region(
    company: Company, api: ApiClient
) -> None:
    company.settings(phone_region="GB")
    company.agent(1)
    body = {"sms_enabled": True, "phone": "020 7946 0958"}
    changed = expect(api.patch("/v1/agents/1", json_body=body, key=company.admin_key), 200)
    assert changed["phone"] == "+442079460958"
    created = {"agent_id": 2, "name": "Sam", "email": "sam@brokerage.test", **body, "phone": "(312) 555-0147"}
    assert api.post("/v1/agents", json_body=created, key=company.admin_key).status == 422  # not a UK number


def test_a_timer_or_an_email_that_fails_is_written_on_the_lead(
    escalating: Company, stack: Stack, faults: Faults
) -> None:
    faults.on("sqs.SendMessage", lambda *_: client_error("InternalError", "SendMessage", status=500))
    unarmed = submit(escalating, 1)
    (failed,) = events(escalating.lead(unarmed), "timer.failed")
    assert "escalation timer of this lead could not be created" in str(failed["detail"])
    faults.clear()

    lead_id = submit(escalating, 2)
    expect(
        stack.api.post(f"/v1/leads/{lead_id}/assign", json_body={"office_id": "north"}, key=escalating.admin_key), 200
    )
    faults.on("sesv2.SendEmail", lambda *_: client_error("MessageRejected", "SendEmail"))
    stack.clock.advance(seconds=61)
    arrive(stack.runtime, escalation_timer(stack.aws, lead_id))

    lead = escalating.lead(lead_id)
    assert len(events(lead, "lead.escalated")) == 1
    assert [str(entry["detail"]) for entry in events(lead, "delivery.failed")] == [
        "The escalation email to recipient 1 of 2 could not be sent (MessageRejected, not retried).",
        "The escalation email to recipient 2 of 2 could not be sent (MessageRejected, not retried).",
    ]
