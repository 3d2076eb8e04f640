"""Every change of a lead's state is published on the EventBridge bus, in order, without contact details.

The `aws` fixture's capture queue receives a copy of every event on the bus (an EventBridge rule with an
SQS target), so these tests read what a subscriber would get."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from devstack.resources import CreatedResources
from tests.support.aws_state import bus_events
from tests.support.scenario import Company, expect, unique_lead

CONTACT = {
    "first_name": "Zebulon",
    "last_name": "Quillfeather",
    "email": "zq7781@example.net",
    "phone": "+1 312 555 0199",
    "message": "Call me after 6pm about the brownstone",
}


def lead_events(aws: CreatedResources, lead_id: str | None = None) -> list[dict[str, Any]]:
    found = bus_events(aws.event_queue_url)
    return [event for event in found if lead_id is None or event["detail"].get("lead_id") == lead_id]


def names(found: list[dict[str, Any]]) -> list[str]:
    return [event["detail-type"] for event in found]


def published_history(lead: dict[str, Any]) -> list[dict[str, Any]]:
    return [entry for entry in lead["history"] if entry["event"].startswith("lead.")]


@pytest.fixture
def drained(aws: CreatedResources, company: Company) -> Company:
    """The company, with the queue emptied of anything its set-up published."""
    bus_events(aws.event_queue_url)
    return company


def test_an_assigned_intake_publishes_received_then_assigned(aws: CreatedResources, drained: Company) -> None:
    company = drained
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]
    found = lead_events(aws)
    assert names(found) == ["lead.received", "lead.assigned"]
    assigned = found[1]
    assert assigned["source"] == "leadrouter"
    assert assigned["detail"]["lead_id"] == lead_id
    assert assigned["detail"]["company_id"] == company.company_id
    assert assigned["detail"]["status"] == "assigned"
    assert assigned["detail"]["agent_id"] == 1
    assert assigned["detail"]["step"] == "round_robin"
    assert assigned["detail"]["source"] == "website"


def test_the_events_tell_what_the_history_tells(aws: CreatedResources, drained: Company) -> None:
    company = drained
    company.agents([1, 2])
    lead_id = expect(company.submit(unique_lead(1, agent_code="2")), 202)["lead_id"]
    found = lead_events(aws, lead_id)
    history = published_history(company.lead(lead_id))
    assert names(found) == [entry["event"] for entry in history]
    for event, entry in zip(found, history, strict=True):
        assert event["detail"]["detail"] == entry["detail"]
        assert datetime.fromisoformat(event["detail"]["at"]) == datetime.fromisoformat(entry["at"])


def test_a_pooled_intake_publishes_only_received(aws: CreatedResources, drained: Company) -> None:
    lead_id = expect(drained.submit(unique_lead(1)), 202)["lead_id"]
    found = lead_events(aws)
    assert names(found) == ["lead.received"]
    assert found[0]["detail"]["status"] == "unassigned"
    assert found[0]["detail"]["lead_id"] == lead_id


def test_manual_assignments_are_published_in_order(aws: CreatedResources, drained: Company) -> None:
    company = drained
    company.office("north")
    company.agents([1, 2])
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]
    for body in ({"agent_id": 1}, {"office_id": "north"}, {"agent_id": 2}):
        expect(company.api.post(f"/v1/leads/{lead_id}/assign", json_body=body, key=company.admin_key), 200)
    found = lead_events(aws, lead_id)
    assert names(found) == ["lead.received", "lead.assigned", "lead.assigned", "lead.assigned"]
    assert [event["detail"]["office_id"] for event in found[1:]] == [None, "north", None]
    assert found[2]["detail"]["status"] == "unassigned"
    assert found[3]["detail"]["agent_id"] == 2
    assert found[3]["detail"]["status"] == "assigned"
    assert names(found) == [entry["event"] for entry in published_history(company.lead(lead_id))]


def test_events_of_many_leads_arrive_in_the_order_they_happened(aws: CreatedResources, drained: Company) -> None:
    company = drained
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    ids = [expect(company.submit(unique_lead(n)), 202)["lead_id"] for n in range(3)]
    found = lead_events(aws)
    assert [(event["detail-type"], event["detail"]["lead_id"]) for event in found] == [
        (name, lead_id) for lead_id in ids for name in ("lead.received", "lead.assigned")
    ]
    assert [event["detail"]["agent_id"] for event in found if event["detail-type"] == "lead.assigned"] == [1, 2, 3]


def test_skips_and_pooling_are_history_only(aws: CreatedResources, drained: Company) -> None:
    lead_id = expect(drained.submit(unique_lead(1, agent_code="not-an-id")), 202)["lead_id"]
    assert [entry["event"] for entry in drained.lead(lead_id)["history"]] == [
        "lead.received",
        "routing.skipped",
        "routing.pooled",
    ]
    assert names(lead_events(aws)) == ["lead.received"]


def test_nothing_is_published_for_a_replayed_intake(aws: CreatedResources, drained: Company) -> None:
    first = expect(drained.submit(unique_lead(1), headers={"Idempotency-Key": "k-1"}), 202)
    assert names(lead_events(aws)) == ["lead.received"]
    assert expect(drained.submit(unique_lead(1), headers={"Idempotency-Key": "k-1"}), 202) == first
    assert lead_events(aws) == []
    second = expect(drained.submit(unique_lead(2)), 202)
    assert names(lead_events(aws)) == ["lead.received"]
    assert expect(drained.submit(unique_lead(2)), 202) == second
    assert lead_events(aws) == []


def test_nothing_is_published_for_the_honeypot_or_invalid_input(aws: CreatedResources, drained: Company) -> None:
    expect(drained.submit(unique_lead(1, website="http://spam.example")), 202)
    assert drained.submit({"first_name": "Nobody"}).status == 422
    assert lead_events(aws) == []


def test_configuration_changes_publish_no_lead_events(aws: CreatedResources, drained: Company) -> None:
    drained.agent(1)
    drained.settings(default_agent_id=1)
    assert lead_events(aws) == []


def test_no_event_carries_contact_details(aws: CreatedResources, drained: Company) -> None:
    company = drained
    company.office("north")
    company.agents([1, 2], in_auto_assign_queue=True, office_id="north")
    company.settings(auto_assign_enabled=True)
    lead_id = expect(
        company.submit({**CONTACT, "source": "zillow", "page_url": "https://lakeside.test/listings/a1001"}), 202
    )["lead_id"]
    expect(company.api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 2}, key=company.admin_key), 200)
    expect(
        company.api.post(f"/v1/leads/{lead_id}/assign", json_body={"office_id": "north"}, key=company.admin_key), 200
    )
    found = lead_events(aws, lead_id)
    assert len(found) == 4
    text = json.dumps(found)
    for value in CONTACT.values():
        assert value not in text
    for part in ("Zebulon", "Quillfeather", "zq7781", "555 0199", "5550199", "brownstone"):
        assert part not in text


class PartlyRefusing:
    """An EventBridge client that refuses the entries named by `refusals`, one list per call."""

    def __init__(self, refusals: list[set[int]]) -> None:
        self.refusals = refusals
        self.calls: list[list[str]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:  # boto3's name
        refused = self.refusals[len(self.calls)] if len(self.calls) < len(self.refusals) else set()
        self.calls.append([entry["DetailType"] for entry in Entries])
        results = [
            {"ErrorCode": "ThrottlingException", "ErrorMessage": "injected"} if n in refused else {"EventId": str(n)}
            for n in range(len(Entries))
        ]
        return {"FailedEntryCount": len(refused & set(range(len(Entries)))), "Entries": results}


def _lead_with_entries() -> tuple[Any, list[Any]]:
    from leadrouter.domain.leads import HistoryEntry, LeadSubmission
    from leadrouter.domain.lifecycle import new_lead

    at = datetime(2026, 1, 1, tzinfo=UTC)
    lead = new_lead("ld_1", "co_1", LeadSubmission.model_validate({"email": "a@b.co"}), at)
    entries = [
        HistoryEntry(at=at, event=name, detail="x") for name in ("lead.received", "lead.offered", "lead.assigned")
    ]
    return lead, entries


def test_events_that_put_events_refused_are_sent_again_alone() -> None:
    from leadrouter.adapters.eventbridge import EventBridgePublisher

    client = PartlyRefusing([{1}])
    slept: list[float] = []
    lead, entries = _lead_with_entries()
    EventBridgePublisher(client, "bus", sleep=slept.append).publish(lead, entries)  # type: ignore[arg-type]

    assert client.calls == [["lead.received", "lead.offered", "lead.assigned"], ["lead.offered"]]
    assert slept == [0.1]


def test_events_refused_three_times_fail_with_the_reason() -> None:
    from leadrouter.adapters.eventbridge import EventBridgePublisher, FailedToPublish

    client = PartlyRefusing([{0}, {0}, {0}])
    lead, entries = _lead_with_entries()
    with pytest.raises(FailedToPublish, match=r"1 event\(s\) were not accepted after 3 attempts"):
        EventBridgePublisher(client, "bus", sleep=lambda _: None).publish(lead, entries)  # type: ignore[arg-type]
    assert len(client.calls) == 3
