"""Offers against moto, through the local gateway: click-to-claim emails and links, timers and the timeout
handler, acceptance chains, delivery failures, and the agent's /v1/me endpoints."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.offers import JSON, claim_company, emails_to, link_for, offer_links, post_action, submit
from tests.support.scenario import Company, expect
from tests.support.timers import fire, live_timers

HOSTILE = "<img src=x onerror=alert(1)>"


# Click to claim: emails, links, first claim wins ------------------------------------------------------------


def test_click_to_claim_emails_every_recipient_with_escaped_lead_text(company: Company, template: Template) -> None:
    claim_company(company, 3)
    lead_id = submit(company, first_name="<b>Jo</b>", interest={"city": HOSTILE, "zip": "60614"})

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("unassigned", None)
    assert [entry["event"] for entry in lead["history"]] == ["lead.received", "lead.offered"]
    for agent_id in (1, 2, 3):
        (email,) = emails_to(template, f"agent{agent_id}@brokerage.test")
        assert email.sender == "leads@example.com"
        assert "New lead to claim" in email.subject
        assert HOSTILE not in email.html
        assert "&lt;img src=x onerror=alert(1)&gt;" in email.html
        assert "lead1@example.net" not in email.html  # no contact details before the claim
        assert len(offer_links(email.links)) == 1
        assert "left" in email.text
    tokens = {link_for(template, n).token for n in (1, 2, 3)}
    assert len(tokens) == 3
    assert all(len(token) == 43 for token in tokens)


def test_a_link_get_changes_nothing_and_the_first_claim_wins(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    claim_company(company, 2)
    lead_id = submit(company, first_name=HOSTILE)
    (schedule,) = live_timers(aws, runtime)
    before = company.lead(lead_id)

    page = api.get(link_for(template, 1).path)
    as_json = api.get(link_for(template, 1).path, headers=JSON)

    assert page.status == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'name="action" value="claim"' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert as_json.json["open_to_you"] is True
    assert as_json.json["actions"] == ["claim", "pass"]
    assert company.lead(lead_id) == before

    won = post_action(api, link_for(template, 2), "claim")
    assert won.status == 200
    assert "it is yours" in won.text
    assert HOSTILE not in won.text  # the contact details are shown now, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in won.text

    lost = post_action(api, link_for(template, 1), "claim", as_json=True)
    again = post_action(api, link_for(template, 2), "claim")
    assert (lost.status, lost.error_code) == (409, "offer_closed")
    assert again.status == 409
    assert again.headers["Content-Type"].startswith("text/html")
    assert "You answered this offer already" in again.text  # the winner clicking twice is not told it lost
    assert "You claimed this offer already." in again.text

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
    assert [entry["event"] for entry in lead["history"]].count("lead.claimed") == 1
    assert live_timers(aws, runtime) == []  # answered first: its timer, when it comes, changes nothing
    # A day-long window: a schedule ten minutes before the deadline sends the timer message to the queue.
    assert schedule.kind == "schedule"
    assert schedule.message == {
        "company_id": company.company_id,
        "lead_id": lead_id,
        "offer_id": lead["offers"][0]["offer_id"],
        "due_at": lead["offers"][0]["expires_at"].replace("Z", "+00:00"),
    }
    assert schedule.schedule is not None
    deadline = datetime.fromisoformat(schedule.message["due_at"])
    fire_at = datetime.fromisoformat(schedule.schedule["ScheduleExpression"][3:-1]).replace(tzinfo=UTC)
    assert timedelta(minutes=9) < deadline - fire_at <= timedelta(minutes=10)
    assert schedule.schedule["ActionAfterCompletion"] == "DELETE"
    assert schedule.schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule.schedule["Target"]["Arn"].endswith(":lead-router-local-offer-timers")
    assert schedule.schedule["Target"]["DeadLetterConfig"]["Arn"].endswith(":lead-router-local-offer-timers-dlq")


def test_unknown_tokens_and_wrong_actions(company: Company, api: ApiClient, template: Template) -> None:
    claim_company(company, 1)
    submit(company)
    unknown = "A" * 43

    assert api.get(f"/v1/offers/{unknown}").status == 404
    assert api.get("/v1/offers/short").status == 404
    assert api.post(f"/v1/offers/{unknown}", json_body={"action": "claim"}, headers=JSON).error_code == "not_found"
    wrong = api.post(link_for(template, 1).path, json_body={"action": "accept"}, headers=JSON)
    assert (wrong.status, wrong.error_code) == (422, "wrong_action")
    assert api.post(link_for(template, 1).path, json_body={"action": "steal"}, headers=JSON).status == 422


def test_passes_then_expiry_leave_the_lead_in_the_pool(
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
) -> None:
    claim_company(company, 2, claim_link_ttl_seconds=60)
    lead_id = submit(company)
    (schedule,) = live_timers(aws, runtime)

    assert post_action(api, link_for(template, 1), "pass").status == 200
    assert post_action(api, link_for(template, 1), "claim").status == 409
    assert fire(runtime, schedule) == "not_due"
    clock.advance(seconds=61)
    assert post_action(api, link_for(template, 2), "claim").status == 409  # expired, timer or not
    assert fire(runtime, schedule) == "expired"
    version = company.lead(lead_id)
    assert fire(runtime, schedule) == "already_closed"  # fired twice
    assert company.lead(lead_id) == version

    lead = company.lead(lead_id)
    assert lead["status"] == "unassigned"
    assert [entry["event"] for entry in lead["history"]][-2:] == ["lead.passed", "lead.expired"]


def test_a_timer_firing_after_a_claim_changes_nothing(
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
) -> None:
    claim_company(company, 2, claim_link_ttl_seconds=30)
    lead_id = submit(company)
    (schedule,) = live_timers(aws, runtime)
    assert post_action(api, link_for(template, 1), "claim").status == 200
    claimed = company.lead(lead_id)

    clock.advance(seconds=3600)  # fired late, after the offer was answered
    assert fire(runtime, schedule) == "already_closed"
    assert company.lead(lead_id) == claimed


def test_an_admin_assignment_closes_the_claim_offer(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    claim_company(company, 2)
    lead_id = submit(company)

    expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 2}, key=company.admin_key), 200)

    assert post_action(api, link_for(template, 1), "claim").status == 409
    assert live_timers(aws, runtime) == []
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
    assert lead["offers"][0]["state"] == "closed"


# Acceptance -----------------------------------------------------------------------------------------------


def acceptance_company(company: Company, **settings: Any) -> None:
    company.agents(range(1, 4), in_auto_assign_queue=True, rejected_lead_agent="round_robin")
    company.settings(auto_assign_enabled=True, acceptance_required=True, acceptance_timeout_seconds=120, **settings)


def test_acceptance_chain_reject_timeout_accept_never_offers_anyone_twice(
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
) -> None:
    acceptance_company(company)
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2, 3)}
    lead_id = submit(company)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 1)
    mine = expect(api.get("/v1/me/leads", key=keys[1]), 200)["leads"]
    assert [item["lead_id"] for item in mine] == [lead_id]
    assert mine[0]["contact"] is None
    assert mine[0]["summary"]["name_initial"] == "L."
    (email,) = emails_to(template, "agent1@brokerage.test")
    assert "accept" in email.subject
    assert "lead1@example.net" not in email.html

    offers = expect(api.get("/v1/me/offers", key=keys[1]), 200)["offers"]
    assert [offer["kind"] for offer in offers] == ["acceptance"]
    assert 0 < offers[0]["seconds_left"] <= 120
    rejected = api.post(f"/v1/me/offers/{offers[0]['offer_id']}/reject", key=keys[1])
    assert rejected.status == 200
    assert api.post(f"/v1/me/offers/{offers[0]['offer_id']}/accept", key=keys[1]).status == 409

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 2)  # next of the round-robin queue
    (schedule,) = live_timers(aws, runtime)  # the first offer's timer was deleted; the second's is running
    clock.advance(seconds=121)
    assert fire(runtime, schedule) == "expired"

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 3)
    accepted = post_action(api, link_for(template, 3), "accept", as_json=True)
    assert accepted.status == 200
    assert accepted.json["lead"]["contact"]["email"] == "lead1@example.net"
    mine = expect(api.get("/v1/me/leads", key=keys[3]), 200)["leads"]
    assert mine[0]["contact"]["email"] == "lead1@example.net"
    assert expect(api.get("/v1/me/leads", key=keys[1]), 200)["leads"] == []

    lead = company.lead(lead_id)
    assert lead["status"] == "assigned"
    assert lead["declined_agent_ids"] == [1, 2]
    events = [entry["event"] for entry in lead["history"]]
    assert events == [
        "lead.received",
        "lead.offered",
        "lead.rejected",
        "lead.offered",
        "lead.expired",
        "lead.offered",
        "lead.accepted",
    ]
    assert [offer["recipients"] for offer in lead["offers"]] == [[1], [2], [3]]


def test_when_everyone_declined_the_lead_goes_to_the_pool(company: Company, api: ApiClient) -> None:
    acceptance_company(company)
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2, 3)}
    lead_id = submit(company)
    for n in (1, 2, 3):
        (offer,) = expect(api.get("/v1/me/offers", key=keys[n]), 200)["offers"]
        expect(api.post(f"/v1/me/offers/{offer['offer_id']}/reject", key=keys[n]), 200)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("unassigned", None)
    assert lead["history"][-1]["event"] == "lead.returned_to_pool"
    assert sorted(lead["declined_agent_ids"]) == [1, 2, 3]
    assert expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 1}, key=company.admin_key), 422)


def test_an_admin_assignment_needs_acceptance_too(company: Company, api: ApiClient, template: Template) -> None:
    company.agents([7, 8])
    company.agent(9, rejected_lead_agent=8)
    company.settings(acceptance_required=True)
    lead_id = submit(company)
    assert company.lead(lead_id)["status"] == "unassigned"

    lead = expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 9}, key=company.admin_key), 200)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 9)
    assert post_action(api, link_for(template, 9), "reject").status == 200
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 8)  # agent 9's rejected-lead agent


# The agent's API ------------------------------------------------------------------------------------------


def test_me_endpoints_are_for_agent_keys_and_their_own_offers(
    company: Company, api: ApiClient, template: Template
) -> None:
    claim_company(company, 2)
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2)}
    lead_id = submit(company)
    (mine,) = expect(api.get("/v1/me/offers", key=keys[1]), 200)["offers"]
    assert mine["kind"] == "claim"
    assert mine["lead"] == {"lead_id": lead_id, "name_initial": "L.", "area": None, "source": "website"}

    assert api.get("/v1/me/offers", key=company.admin_key).status == 403
    assert api.get("/v1/me/offers").status == 401
    assert api.post(f"/v1/me/offers/of_{'0' * 26}/claim", key=keys[1]).status == 404
    assert api.post(f"/v1/me/offers/{mine['offer_id']}/dance", key=keys[1]).status == 422

    claimed = api.post(f"/v1/me/offers/{mine['offer_id']}/claim", key=keys[2])
    assert claimed.status == 200
    assert claimed.json["lead"]["contact"]["email"] == "lead1@example.net"
    assert api.post(f"/v1/me/offers/{mine['offer_id']}/claim", key=keys[1]).status == 409
    assert expect(api.get("/v1/me/offers", key=keys[1]), 200)["offers"] == []


# Failures never lose a lead -------------------------------------------------------------------------------


def test_a_failed_email_is_recorded_and_the_lead_stays_reachable(
    company: Company, api: ApiClient, template: Template
) -> None:
    claim_company(company, 2, sender_email="unverified@brokerage.test")  # SES (moto) rejects this sender
    key = company.key("agent", agent_id=1)
    lead_id = submit(company)

    lead = company.lead(lead_id)
    assert lead["status"] == "unassigned"
    failures = [entry for entry in lead["history"] if entry["event"] == "delivery.failed"]
    assert sorted(entry["agent_id"] for entry in failures) == [1, 2]
    assert "MessageRejected" in failures[0]["detail"]
    assert emails_to(template, "agent1@brokerage.test") == []
    (offer,) = expect(api.get("/v1/me/offers", key=key), 200)["offers"]
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/claim", key=key), 200)
    assert company.lead(lead_id)["agent_id"] == 1


@pytest.mark.parametrize("status", ["unassigned"])
def test_no_click_to_claim_agent_leaves_the_lead_in_the_pool(company: Company, status: str) -> None:
    company.agents([1])
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company)
    assert company.lead(lead_id)["status"] == status


def test_my_offers_lists_an_open_offer_older_than_a_page_of_newer_ones(
    company: Company, api: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An agent on click to claim gets a ticket for every lead; the ones other agents claimed stay until their
    # links expire. Pages of three here stand for DynamoDB's pages.
    monkeypatch.setattr("leadrouter.adapters.dynamo_offers._INBOX_PAGE", 3)
    claim_company(company, 2)
    keys = {agent_id: company.key("agent", agent_id=agent_id) for agent_id in (1, 2)}
    oldest = submit(company, 1)
    for n in range(2, 7):
        submit(company, n)
        (newest, *_) = expect(api.get("/v1/me/offers", key=keys[2]), 200)["offers"]
        expect(api.post(f"/v1/me/offers/{newest['offer_id']}/claim", key=keys[2]), 200)

    mine = expect(api.get("/v1/me/offers", key=keys[1]), 200)["offers"]
    assert [offer["lead"]["lead_id"] for offer in mine] == [oldest]
