"""Bounces and complaints, in process: offer emails go through the configuration set, SES's mailbox simulator
(devstack/ses_events.py) puts its events on the email-feedback queue, and the email-events function takes
them from there as Lambda's SQS event source would. A hard bounce marks the agent (admins see it), the
lead's history says so, no email goes to that address until an admin changes it."""

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.email_feedback import BOUNCE, COMPLAINT, Feedback, feedback_queue
from tests.support.offers import emails_to, submit
from tests.support.scenario import Company, expect


@pytest.fixture
def feedback(template: Template, runtime: LambdaRuntime, aws: CreatedResources) -> Iterator[Feedback]:
    with feedback_queue(template, runtime, aws) as queue:
        yield queue


def agents_by_id(company: Company) -> dict[int, dict[str, Any]]:
    listed = expect(company.api.get("/v1/agents", key=company.admin_key), 200)["agents"]
    return {agent["agent_id"]: agent for agent in listed}


def metric_names(stdout: str) -> list[str]:
    """The names of the metrics in the EMF documents among the functions' output lines."""
    documents = [json.loads(line) for line in stdout.splitlines() if line.startswith('{"_aws"')]
    return [metric["Name"] for doc in documents for metric in doc["_aws"]["CloudWatchMetrics"][0]["Metrics"]]


def events_of(lead: dict[str, Any], event: str) -> list[dict[str, Any]]:
    return [entry for entry in lead["history"] if entry["event"] == event]


def test_a_hard_bounce_marks_the_agent_until_an_admin_fixes_the_address(
    company: Company,
    api: ApiClient,
    template: Template,
    feedback: Feedback,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # the local stack's default is off
    company.agent(1, email=BOUNCE, click_to_claim=True)
    company.agent(2, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)

    first = submit(company, 1)
    capsys.readouterr()
    assert feedback.deliver() == 1
    assert metric_names(capsys.readouterr().out) == ["EmailBounces"]

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


def test_a_complaint_is_written_in_the_history_without_marking_the_agent(
    company: Company, feedback: Feedback, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")  # the local stack's default is off
    company.agent(1, email=COMPLAINT, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company, 1)
    capsys.readouterr()
    assert feedback.deliver() == 1
    assert metric_names(capsys.readouterr().out) == ["EmailComplaints"]

    (complained,) = events_of(company.lead(lead_id), "delivery.complained")
    assert (complained["agent_id"], "spam" in complained["detail"]) == (1, True)
    assert agents_by_id(company)[1]["email_bouncing"] is False
