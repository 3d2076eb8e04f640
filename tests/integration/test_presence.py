"""Presence through the API, in process against moto: an agent sets themselves away (PUT /v1/me/status) and
round robin skips them with the reason in the lead's history; an admin sets out-of-office periods with a
backup and a lead naming the agent goes to the backup; every presence change is published as
`agent.status_changed`, with its reason, from the stored agent change."""

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.aws_state import bus_events
from tests.support.clocks import MovableClock
from tests.support.offers import emails_to, link_for, post_action
from tests.support.scenario import Company, expect, unique_lead
from tests.support.timers import fire, live_timers


def presence_events(aws: CreatedResources) -> list[dict[str, Any]]:
    return [
        event["detail"] for event in bus_events(aws.event_queue_url) if event["detail-type"] == "agent.status_changed"
    ]


def set_status(company: Company, key: str, body: dict[str, Any]) -> Any:
    return company.api.put("/v1/me/status", json_body=body, key=key)


def history_details(company: Company, lead_id: str) -> list[str]:
    return [entry["detail"] for entry in company.lead(lead_id)["history"]]


def test_an_agent_who_sets_themselves_away_is_skipped_with_the_reason_and_the_change_is_published(
    aws: CreatedResources, company: Company
) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    key = company.key("agent", agent_id=1)
    bus_events(aws.event_queue_url)

    answer = expect(set_status(company, key, {"status": "away", "reason": "at a showing"}), 200)
    assert answer["status"] == "away"
    assert answer["status_reason"] == "at a showing"
    assert answer["available_now"] is False
    assert answer["unavailable_reason"] == "away (at a showing)"

    leads = [expect(company.submit(unique_lead(n)), 202)["lead_id"] for n in range(2)]
    assert [company.lead(lead_id)["agent_id"] for lead_id in leads] == [2, 2]
    assert "Agent 1 skipped: away (at a showing)." in history_details(company, leads[0])

    back = expect(set_status(company, key, {"status": "available"}), 200)
    assert (back["status"], back["status_reason"], back["available_now"]) == ("available", None, True)
    assert expect(company.api.get("/v1/me/status", key=key), 200) == back

    published = presence_events(aws)
    assert [
        (event["agent_id"], event["status"], event["status_reason"], event["previous_status"]) for event in published
    ] == [
        (1, "away", "at a showing", "available"),
        (1, "available", None, "away"),
    ]
    assert published[0]["changed"] == ["status", "status_reason"]
    assert "email" not in published[0]


def test_bad_presence_is_refused_and_changes_nothing(company: Company) -> None:
    company.agents([1])
    key = company.key("agent", agent_id=1)
    for body in ({"status": "busy"}, {"status": "away", "reason": ""}, {"status": "away", "extra": 1}, {}):
        assert set_status(company, key, body).status == 422, body
    assert set_status(company, company.admin_key, {"status": "away"}).status == 403
    for fields in (
        {"working_hours": {"days": {"monday": [{"start": "09:00", "end": "09:00"}]}}},
        {"working_hours": {"time_zone": "Mars/Olympus", "days": {}}},
        {"out_of_office": [{"start": "2026-12-24", "end": "2026-12-20"}]},
        {"out_of_office": [{"start": "2026-12-20", "end": "2026-12-24", "backup_agent_id": 1}]},
        {"out_of_office": [{"start": "2026-12-20", "end": "2026-12-24", "backup_agent_id": 77}]},
        {"status": "asleep"},
    ):
        answer = company.api.patch("/v1/agents/1", json_body=fields, key=company.admin_key)
        assert answer.status == 422, fields
    assert expect(company.api.get("/v1/me/status", key=key), 200)["status"] == "available"
    for misses in (0, True, 1.5, 1001):
        answer = company.api.put("/v1/settings", json_body={"auto_away_after_misses": misses}, key=company.admin_key)
        assert answer.status == 422, misses
    assert company.settings(auto_away_after_misses=3)["auto_away_after_misses"] == 3
    assert company.settings(auto_away_after_misses=None)["auto_away_after_misses"] is None


def test_a_lead_naming_an_agent_out_of_office_goes_to_their_backup(aws: CreatedResources, company: Company) -> None:
    company.agents([4, 9])
    today = datetime.now(UTC).date()
    period = {"start": (today - timedelta(days=1)).isoformat(), "end": (today + timedelta(days=1)).isoformat()}
    bus_events(aws.event_queue_url)
    changed = company.api.patch(
        "/v1/agents/4", json_body={"out_of_office": [{**period, "backup_agent_id": 9}]}, key=company.admin_key
    )
    assert expect(changed, 200)["out_of_office"] == [{**period, "backup_agent_id": 9}]

    lead_id = expect(company.submit(unique_lead(1, agent_code="4")), 202)["lead_id"]
    lead = company.lead(lead_id)
    assert lead["agent_id"] == 9
    assert any("backup of agent 4 (Agent 4)" in detail for detail in history_details(company, lead_id))

    # The backup goes offline (an admin's change): the lead goes to the named agent, as before, and says why.
    expect(company.api.patch("/v1/agents/9", json_body={"status": "offline"}, key=company.admin_key), 200)
    second = expect(company.submit(unique_lead(2, agent_code="4")), 202)["lead_id"]
    assert company.lead(second)["agent_id"] == 4
    assert any("their backup agent 9 (Agent 9) is offline" in detail for detail in history_details(company, second))

    published = presence_events(aws)
    assert [(event["agent_id"], event["changed"]) for event in published] == [(4, ["out_of_office"]), (9, ["status"])]


def _offer_runs_out(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock, n: int
) -> str:
    """A lead offered to agent 1 alone (the route's only member), whose claim window runs out."""
    lead_id = expect(company.submit(unique_lead(n)), 202)["lead_id"]
    (timer,) = live_timers(aws, runtime)
    clock.advance(seconds=61)
    assert fire(runtime, timer) == "expired"
    return str(lead_id)


def test_an_agent_who_lets_offers_run_out_in_a_row_is_set_away_and_an_answer_ends_the_run(
    aws: CreatedResources, runtime: LambdaRuntime, template: Template, company: Company, clock: MovableClock
) -> None:
    company.agents([1, 2])
    company.settings(auto_away_after_misses=2)
    body = {"name": "Agent 1 only", "priority": 1, "members": [1], "claim_window_seconds": 60}
    expect(company.api.post("/v1/routes", json_body=body, key=company.admin_key), 201)
    bus_events(aws.event_queue_url)

    _offer_runs_out(company, aws, runtime, clock, 1)
    expect(company.submit(unique_lead(2)), 202)  # answered: the run of one miss ends
    assert post_action(company.api, link_for(template, 1), "pass").status == 200
    _offer_runs_out(company, aws, runtime, clock, 3)
    assert expect(company.api.get("/v1/agents/1", key=company.admin_key), 200)["status"] == "available"

    second = _offer_runs_out(company, aws, runtime, clock, 4)  # two in a row
    agent = expect(company.api.get("/v1/agents/1", key=company.admin_key), 200)
    assert (agent["status"], agent["status_reason"]) == ("away", "missed 2 offers in a row")
    assert 'Agent 1 (Agent 1) set away: missed 2 offers in a row; emailed an "I\'m back" link.' in history_details(
        company, second
    )
    assert [(e["agent_id"], e["status"], e["status_reason"]) for e in presence_events(aws)] == [
        (1, "away", "missed 2 offers in a row")
    ]

    skipped = expect(company.submit(unique_lead(5)), 202)["lead_id"]
    assert any("skipped: away (missed 2 offers in a row)" in detail for detail in history_details(company, skipped))

    # The email's one-time link: its page changes nothing, its button sets the agent available, once.
    email = emails_to(template, "agent1@brokerage.test")[0]
    assert email.subject == "You are set away: missed 2 offers in a row"
    (link,) = [url for url in email.links if "/v1/presence/back/" in url]
    path = urlsplit(link).path
    page = company.api.get(path)
    assert page.status == 200
    assert "I&#39;m back" in page.text or "I'm back" in page.text
    assert expect(company.api.get("/v1/agents/1", key=company.admin_key), 200)["status"] == "away"
    back = expect(company.api.post(path, form={"action": "back"}, headers={"Accept": "application/json"}), 200)
    assert back == {"agent_id": 1, "status": "available", "usable": False}
    assert company.api.post(path, form={"action": "back"}).status == 409
    assert company.api.get("/v1/presence/back/" + "A" * 43).status == 404
    assert [(e["agent_id"], e["status"]) for e in presence_events(aws)] == [(1, "available")]
