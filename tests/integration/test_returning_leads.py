"""Returning leads and erasure against moto, through the local gateway (ROUTING.md, "Returning leads"; API.md's
`person_id`, `GET /v1/leads?person_id=`, `DELETE /v1/people/{person_id}`): the same person's next lead goes to
their agent and says why, at most two more AWS requests per intake, nothing of a person in any key, and an
erasure that leaves none of their contact details anywhere in the table. Two sign-ups of one new person at
the same moment: tests/e2e/test_returning_leads.py, with threads against the local stack."""

import json
import re
from typing import Any

import boto3

from devstack.template import Template
from tests.support.aws_calls import AwsCalls
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.intake_windows import mid_window
from tests.support.offers import claim_company, emails_to, link_for, post_action
from tests.support.scenario import Company, expect

JAMIE = {
    "first_name": "Jamie",
    "last_name": "Rivera",
    "email": "jamie.rivera@example.org",
    "phone": "(415) 555-0134",
    "message": "Looking for a 3-bed near Dolores Park",
    "page_url": "https://brokerage.example/listings/dolores-3bed",
    "source": "zillow",
}
# The same person, as they typed it the second time.
JAMIE_AGAIN = {
    "first_name": "Jamie",
    "last_name": "RIVERA",
    "email": " JAMIE.Rivera@Example.org ",
    "phone": "+1 415.555.0134",
}
CONTACT_TRACES = ("jamie.rivera", "jamie", "rivera", "4155550134", "555-0134", "415) 555", "dolores")


def submit(company: Company, body: dict[str, Any]) -> str:
    return str(expect(company.submit(body), 202)["lead_id"])


def first_lead_claimed_by_agent_2(company: Company, api: ApiClient, template: Template) -> str:
    claim_company(company, 3)
    lead_id = submit(company, JAMIE)
    expect(post_action(api, link_for(template, 2), "claim", as_json=True), 200)
    return lead_id


def leads_of(company: Company, person_id: str) -> list[dict[str, Any]]:
    page = expect(company.api.get(f"/v1/leads?person_id={person_id}", key=company.admin_key), 200)
    return list(page["leads"])


def test_the_same_person_again_goes_to_their_agent_and_the_history_says_why(
    company: Company, api: ApiClient, template: Template
) -> None:
    first_id = first_lead_claimed_by_agent_2(company, api, template)
    first = company.lead(first_id)

    again = company.lead(submit(company, JAMIE_AGAIN))

    assert (again["status"], again["agent_id"]) == ("assigned", 2)
    assert again["person_id"] == first["person_id"]
    assert again["person_id"].startswith("per_")
    day = company.local_day(first["created_at"])  # the company's calendar (America/Chicago)
    (assigned,) = [entry for entry in again["history"] if entry["event"] == "lead.assigned"]
    assert assigned["step"] == "returning_lead"
    assert f"returning lead: same email as {first_id} of {day}, held by agent 2 (Agent 2)" in assigned["detail"]
    assert {lead["lead_id"] for lead in leads_of(company, first["person_id"])} == {first_id, again["lead_id"]}
    # The simulator explains the same lead the same way (and stores nothing): the newest lead agent 2 holds.
    answer = expect(
        company.api.post("/v1/routing/simulate", json_body={"lead": JAMIE_AGAIN}, key=company.admin_key), 200
    )
    assert (answer["step"], answer["outcome"], answer["agent_id"]) == ("returning_lead", "assign", 2)
    assert f"same email as {again['lead_id']}" in answer["detail"]


def test_the_same_phone_and_last_name_is_the_same_person(company: Company, api: ApiClient, template: Template) -> None:
    first_id = first_lead_claimed_by_agent_2(company, api, template)

    again = company.lead(submit(company, {"last_name": "rivera", "phone": "415 555 0134", "email": "jr@work.example"}))

    assert again["agent_id"] == 2
    assert "same phone and last name as " + first_id in json.dumps(again["history"])
    other = company.lead(submit(company, {"last_name": "Stone", "phone": "415 555 0134"}))
    assert other["person_id"] != again["person_id"]
    assert other["agent_id"] is None
    # A phone `phonenumbers` cannot read is kept as typed, left out of matching, and said so.
    unread = company.lead(submit(company, {"email": "kim@example.org", "last_name": "Rivera", "phone": "555-0134"}))
    assert unread["contact"]["phone"] == "555-0134"
    assert "Phone could not be read as a phone number; left out of matching returning leads." in [
        entry["detail"] for entry in unread["history"]
    ]


def test_matching_off_ownership_aged_out_or_an_owner_away_route_the_lead_as_new(
    company: Company, api: ApiClient, template: Template, clock: MovableClock
) -> None:
    first_lead_claimed_by_agent_2(company, api, template)
    company.settings(returning_leads="new")
    assert company.lead(submit(company, {**JAMIE_AGAIN, "first_name": "J1"}))["agent_id"] is None

    company.settings(returning_leads="owner")
    expect(company.api.patch("/v1/agents/2", json_body={"active": False}, key=company.admin_key), 200)
    skipped = company.lead(submit(company, {**JAMIE_AGAIN, "first_name": "J2"}))
    assert skipped["agent_id"] is None
    assert any("held by agent 2 (Agent 2), skipped: inactive" in entry["detail"] for entry in skipped["history"])

    expect(company.api.patch("/v1/agents/2", json_body={"active": True}, key=company.admin_key), 200)
    company.settings(ownership_days=1)
    clock.advance(days=2)
    assert company.lead(submit(company, {**JAMIE_AGAIN, "first_name": "J3"}))["agent_id"] is None


def test_with_acceptance_the_owner_is_asked_to_accept_and_the_email_says_returning_lead(
    company: Company, api: ApiClient, template: Template
) -> None:
    first_lead_claimed_by_agent_2(company, api, template)
    company.settings(acceptance_required=True)

    again = company.lead(submit(company, JAMIE_AGAIN))

    assert (again["status"], again["agent_id"]) == ("pending_acceptance", 2)
    (email,) = [email for email in emails_to(template, "agent2@brokerage.test") if "accept" in email.subject.lower()]
    # The earlier inquiry's date, in the company's time zone.
    assert re.search(r"A returning lead: this person first inquired on \d{4}-\d\d-\d\d \(source: zillow\)", email.text)
    assert "returning lead" in email.html
    assert "jamie.rivera" not in email.text.lower()


def test_offer_owner_first_then_the_cascade_without_the_owner(
    company: Company, api: ApiClient, template: Template
) -> None:
    first_lead_claimed_by_agent_2(company, api, template)
    company.settings(returning_leads="offer_owner_first", owner_window_seconds=600)
    again_id = submit(company, JAMIE_AGAIN)
    offered = company.lead(again_id)
    assert offered["offers"][-1]["recipients"] == [2]
    assert offered["offers"][-1]["origin"] == "returning_lead"

    expect(post_action(api, link_for(template, 2), "pass", as_json=True), 200)

    after = company.lead(again_id)
    assert after["offers"][-1]["recipients"] == [1, 3]  # click to claim, without the owner
    assert 2 in after["declined_agent_ids"]


def test_a_returning_lead_costs_two_more_requests_however_many_leads_the_person_has(
    company: Company, api: ApiClient, template: Template, aws_calls: AwsCalls, clock: MovableClock
) -> None:
    mid_window(clock)
    first_lead_claimed_by_agent_2(company, api, template)
    measured = []
    for n in range(4):
        aws_calls.reset()
        submit(company, {**JAMIE_AGAIN, "first_name": f"Jamie {n}"})
        measured.append(aws_calls.routing())
        assert aws_calls.telling() == ["sesv2.SendEmail"]  # the owner is told, after the write
    # The configuration version; the person index (both keys in one read); the person's latest few leads (one
    # read); the lead with its index items (one transaction). A new person's intake: the same but the leads.
    expected = ["dynamodb.GetItem", "dynamodb.BatchGetItem", "dynamodb.BatchGetItem", "dynamodb.TransactWriteItems"]
    assert measured == [expected] * 4


def test_an_erasure_leaves_no_trace_of_the_person_in_the_table_and_is_idempotent(
    company: Company, api: ApiClient, template: Template, table_name: str
) -> None:
    first_id = first_lead_claimed_by_agent_2(company, api, template)
    company.settings(acceptance_required=True)  # an offer and its email items for the second lead
    again_id = submit(company, JAMIE_AGAIN)
    person_id = company.lead(first_id)["person_id"]
    for item in boto3.client("dynamodb").scan(TableName=table_name)["Items"]:  # no contact detail in a key
        keys = json.dumps({name: value for name, value in item.items() if name.endswith(("PK", "SK"))}).lower()
        assert not any(trace in keys for trace in CONTACT_TRACES)

    erased = api.delete(f"/v1/people/{person_id}", key=company.admin_key)
    assert erased.status == 204

    table = json.dumps(boto3.client("dynamodb").scan(TableName=table_name)["Items"]).lower()
    for trace in CONTACT_TRACES:
        assert trace.lower() not in table, trace
    for lead_id in (first_id, again_id):
        lead = company.lead(lead_id)
        assert lead["contact"] == {"first_name": None, "last_name": None, "email": None, "phone": None}
        assert (lead["message"], lead["page_url"]) == (None, None)
        assert lead["erased_at"] is not None
        assert lead["history"][-1]["event"] == "person.erased"
        assert lead["history"][0]["event"] == "lead.received"  # the routing history stays
    before = [company.lead(lead_id)["version"] for lead_id in (first_id, again_id)]
    assert api.delete(f"/v1/people/{person_id}", key=company.admin_key).status == 204
    assert [company.lead(lead_id)["version"] for lead_id in (first_id, again_id)] == before

    later = company.lead(submit(company, {**JAMIE, "first_name": "Jamie, later"}))
    assert later["person_id"] != person_id
    assert later["agent_id"] is None  # a new person: click to claim, not agent 2
