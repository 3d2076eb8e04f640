"""Bounces and complaints, in process: offer emails go through the configuration set, SES's mailbox simulator
(devstack/ses_events.py) puts its events on the email-feedback queue, and the email-events function takes
them from there as Lambda's SQS event source would. A hard bounce marks the agent (admins see it), the
lead's history says so, no email goes to that address until an admin changes it."""

from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from devstack.lambdas import LambdaRuntime
from devstack.queues import QueuePoller, sqs_event_sources
from devstack.resources import CreatedResources
from devstack.ses_events import simulated_feedback
from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.offers import emails_to, submit
from tests.support.scenario import Company, expect

BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"


class Feedback:
    """The email-feedback queue, handed to its function on demand."""

    def __init__(self, template: Template, runtime: LambdaRuntime, aws: CreatedResources) -> None:
        (self._source,) = [
            source for source in sqs_event_sources(template) if source.function_id == "EmailEventsFunction"
        ]
        name = self._source.queue_arn.rsplit(":", 1)[-1]
        self.queue_url = aws.queue_urls[name]
        self._poller = QueuePoller(template, runtime, boto3.client("sqs"))

    def deliver(self) -> int:
        """Hands every waiting event to the function; answers how many."""
        handled = 0
        while (batch := self._poller.poll(self._source, self.queue_url)) > 0:
            handled += batch
        return handled


@pytest.fixture
def feedback(template: Template, runtime: LambdaRuntime, aws: CreatedResources) -> Iterator[Feedback]:
    with simulated_feedback(template):
        yield Feedback(template, runtime, aws)


def agents_by_id(company: Company) -> dict[int, dict[str, Any]]:
    listed = expect(company.api.get("/v1/agents", key=company.admin_key), 200)["agents"]
    return {agent["agent_id"]: agent for agent in listed}


def events_of(lead: dict[str, Any], event: str) -> list[dict[str, Any]]:
    return [entry for entry in lead["history"] if entry["event"] == event]


def test_a_hard_bounce_marks_the_agent_until_an_admin_fixes_the_address(
    company: Company, api: ApiClient, template: Template, feedback: Feedback
) -> None:
    company.agent(1, email=BOUNCE, click_to_claim=True)
    company.agent(2, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)

    first = submit(company, 1)
    assert feedback.deliver() == 1

    assert {n: agent["email_bouncing"] for n, agent in agents_by_id(company).items()} == {1: True, 2: False}
    (bounced,) = events_of(company.lead(first), "delivery.bounced")
    assert bounced["agent_id"] == 1
    assert "No more emails go to it until an admin corrects" in bounced["detail"]
    assert BOUNCE not in bounced["detail"]

    second = submit(company, 2)
    assert len(emails_to(template, BOUNCE)) == 1  # none for the second lead
    assert len(emails_to(template, "agent2@brokerage.test")) == 2
    (skipped,) = events_of(company.lead(second), "delivery.failed")
    assert skipped["agent_id"] == 1
    assert "bounced before" in skipped["detail"]
    assert feedback.deliver() == 0

    fixed = expect(api.patch("/v1/agents/1", json_body={"email": "agent1@brokerage.test"}, key=company.admin_key), 200)
    assert fixed["email_bouncing"] is False
    submit(company, 3)
    assert len(emails_to(template, "agent1@brokerage.test")) == 1


def test_the_mark_is_the_service_s_to_set_and_a_repeated_event_changes_nothing(
    company: Company, api: ApiClient, feedback: Feedback
) -> None:
    refused = api.post(
        "/v1/agents",
        json_body={"name": "A", "email": "a@brokerage.test", "email_bouncing": True},
        key=company.admin_key,
    )
    assert refused.status == 422
    company.agent(1, email=BOUNCE, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company, 1)

    sqs = boto3.client("sqs")
    (message,) = sqs.receive_message(QueueUrl=feedback.queue_url, VisibilityTimeout=0)["Messages"]
    sqs.send_message(QueueUrl=feedback.queue_url, MessageBody=message["Body"])  # SQS delivers it twice
    assert feedback.deliver() == 2

    assert len(events_of(company.lead(lead_id), "delivery.bounced")) == 1
    renamed = expect(api.patch("/v1/agents/1", json_body={"name": "Still bouncing"}, key=company.admin_key), 200)
    assert renamed["email_bouncing"] is True  # only a new address clears it
    answer = api.patch("/v1/agents/1", json_body={"email_bouncing": False}, key=company.admin_key)
    assert answer.status == 422
    as_read = expect(api.get("/v1/agents/1", key=company.admin_key), 200)
    sent_back = expect(api.put("/v1/agents/1", json_body=as_read, key=company.admin_key), 200)
    assert sent_back["email_bouncing"] is True  # read-only: sent back as read, it is kept
    fixed = {**as_read, "email": "agent1@brokerage.test"}
    assert expect(api.put("/v1/agents/1", json_body=fixed, key=company.admin_key), 200)["email_bouncing"] is False


def test_a_complaint_is_written_in_the_history_without_marking_the_agent(company: Company, feedback: Feedback) -> None:
    company.agent(1, email=COMPLAINT, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company, 1)
    assert feedback.deliver() == 1

    (complained,) = events_of(company.lead(lead_id), "delivery.complained")
    assert (complained["agent_id"], "spam" in complained["detail"]) == (1, True)
    assert agents_by_id(company)[1]["email_bouncing"] is False
