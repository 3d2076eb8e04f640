"""Routes against moto, through the local gateway: CRUD and validation of /v1/routes, the sequential chain of
claim offers (pass, the window running out through the timeout handler, claim, the pool), away members, and
/v1/routing/simulate changing nothing."""

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.aws_state import bus_events, table_items
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.offers import emails_to, link_for, post_action, submit
from tests.support.scenario import Company, expect
from tests.support.timers import fire, live_timers, pending_timers

BIG = {"name": "Everything", "priority": 10, "members": [1, 2, 3], "claim_window_seconds": 60}


def create_route(company: Company, **fields: Any) -> dict[str, Any]:
    body = {**BIG, **fields}
    return expect(company.api.post("/v1/routes", json_body=body, key=company.admin_key), 201)  # type: ignore[no-any-return]


def refused(company: Company, body: dict[str, Any], route_id: str | None = None) -> str:
    if route_id is None:
        answer = company.api.post("/v1/routes", json_body=body, key=company.admin_key)
    else:
        answer = company.api.put(f"/v1/routes/{route_id}", json_body=body, key=company.admin_key)
    assert answer.status == 422, answer.text
    return str(answer.json["error"]["message"])


# Configuration ------------------------------------------------------------------------------------------


def test_route_crud(company: Company, api: ApiClient) -> None:
    company.agents([1, 2, 3])
    weekend = create_route(
        company,
        name="Weekend",
        priority=20,
        members=[3, 1],
        conditions={"days": ["Saturday", "sunday"], "start_time": "18:00", "end_time": "08:00"},
    )
    big = create_route(company, priority=30)

    assert weekend["route_id"].startswith("rt_")
    assert weekend["conditions"]["days"] == ["saturday", "sunday"]
    assert weekend["active"] is True
    listed = expect(api.get("/v1/routes", key=company.admin_key), 200)["routes"]
    assert [route["name"] for route in listed] == ["Weekend", "Everything"]
    path = f"/v1/routes/{weekend['route_id']}"
    assert expect(api.get(path, key=company.admin_key), 200) == weekend

    replaced = expect(api.put(path, json_body={**BIG, "name": "Late", "priority": 5}, key=company.admin_key), 200)
    assert (replaced["name"], replaced["priority"], replaced["conditions"]["days"]) == ("Late", 5, None)
    assert expect(api.delete(path, key=company.admin_key), 204) is None
    assert api.get(path, key=company.admin_key).status == 404
    assert api.put(path, json_body=BIG, key=company.admin_key).status == 404
    assert api.delete(path, key=company.admin_key).status == 404
    assert [route["route_id"] for route in expect(api.get("/v1/routes", key=company.admin_key), 200)["routes"]] == [
        big["route_id"]
    ]


def test_routes_are_for_admins_of_their_own_company(company: Company, other_company: Company, api: ApiClient) -> None:
    company.agents([1, 2, 3])
    route_id = create_route(company)["route_id"]
    agent_key = company.key("agent", agent_id=1)

    assert api.get("/v1/routes", key=agent_key).status == 403
    assert api.post("/v1/routes", json_body=BIG, key=agent_key).status == 403
    assert api.post("/v1/routing/simulate", json_body={"lead": {}}, key=agent_key).status == 403
    assert api.get("/v1/routes").status == 401
    assert api.get(f"/v1/routes/{route_id}", key=other_company.admin_key).status == 404
    assert api.delete(f"/v1/routes/{route_id}", key=other_company.admin_key).status == 404
    assert expect(api.get("/v1/routes", key=other_company.admin_key), 200)["routes"] == []


def test_a_priority_is_freed_when_its_route_moves_pauses_or_goes_and_named_as_its_route_is_now(
    company: Company, table_name: str
) -> None:
    """The priorities of the active routes live in one item every route write rewrites (docs/DECISIONS.md,
    "Route writes read one item of priorities"); a company whose item is missing has its routes read."""
    company.agents([1, 2, 3])
    path = "/v1/routes/{}"
    weekend = create_route(company, name="Weekend", priority=10)
    evenings = create_route(company, name="Evenings", priority=20)
    expect(
        company.api.put(
            path.format(weekend["route_id"]),
            json_body={**BIG, "name": "Sat-Sun", "priority": 10},
            key=company.admin_key,
        ),
        200,
    )
    assert "the active route 'Sat-Sun'" in refused(company, {**BIG, "priority": 10})

    expect(
        company.api.put(path.format(weekend["route_id"]), json_body={**BIG, "priority": 15}, key=company.admin_key), 200
    )
    create_route(company, name="Takes 10", priority=10)  # freed by the move
    paused = {**BIG, "priority": 20, "active": False}
    expect(company.api.put(path.format(evenings["route_id"]), json_body=paused, key=company.admin_key), 200)
    third = create_route(company, name="Takes 20", priority=20)  # freed by the pause
    assert company.api.delete(path.format(third["route_id"]), key=company.admin_key).status == 204
    create_route(company, name="Takes 20 again", priority=20)  # freed by the delete

    # As a company whose routes were last written by an earlier release: no item; the routes are read.
    boto3.client("dynamodb").delete_item(
        TableName=table_name, Key={"PK": {"S": f"C#{company.company_id}"}, "SK": {"S": "ROUTE_PRIORITIES"}}
    )
    assert "already has priority 15" in refused(company, {**BIG, "priority": 15})
    create_route(company, name="Takes 30", priority=30)
    assert "already has priority 30" in refused(company, {**BIG, "priority": 30})


def test_validation_answers_422_with_a_clear_reason(company: Company) -> None:
    company.agents([1, 2, 3])
    first = create_route(company, priority=10)

    assert "already has priority 10" in refused(company, {**BIG, "name": "Second"})
    assert "no agent 7, 9 in this company" in refused(company, {**BIG, "priority": 11, "members": [1, 7, 9]})
    assert "members" in refused(company, {**BIG, "priority": 11, "members": []})
    assert "repeated: 2" in refused(company, {**BIG, "priority": 11, "members": [2, 2]})
    zero = {"start_time": "09:00", "end_time": "09:00"}
    assert "has no length" in refused(company, {**BIG, "priority": 11, "conditions": zero})
    assert "go together" in refused(company, {**BIG, "priority": 11, "conditions": {"start_time": "09:00"}})
    backwards = {"date_ranges": [{"start": "2025-12-31", "end": "2025-12-24"}]}
    assert "after it ends" in refused(company, {**BIG, "priority": 11, "conditions": backwards})
    assert "date" in refused(company, {**BIG, "priority": 11, "conditions": {"dates": ["2025-13-01"]}})
    assert "days" in refused(company, {**BIG, "priority": 11, "conditions": {"days": ["funday"]}})
    assert "claim_window_seconds" in refused(company, {**BIG, "priority": 11, "claim_window_seconds": 0})
    assert "priority" in refused(company, {**BIG, "priority": -1})
    assert "colour" in refused(company, {**BIG, "priority": 11, "colour": "red"})
    bad_zone = company.api.put("/v1/settings", json_body={"time_zone": "Mars/Olympus"}, key=company.admin_key)
    assert (bad_zone.status, "unknown IANA time zone" in bad_zone.text) == (422, True)

    # An inactive route may share a priority; activating it while the other is active may not.
    paused = create_route(company, name="Paused", active=False)
    assert "already has priority 10" in refused(company, {**BIG, "name": "Paused"}, paused["route_id"])
    # A route keeps its own priority when replaced.
    expect(company.api.put(f"/v1/routes/{first['route_id']}", json_body=BIG, key=company.admin_key), 200)


# The chain -------------------------------------------------------------------------------------------------


def history(company: Company, lead_id: str) -> list[tuple[str, int | None, str]]:
    return [(entry["event"], entry["agent_id"], entry["detail"]) for entry in company.lead(lead_id)["history"]]


def test_pass_then_the_window_running_out_then_a_claim(
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
) -> None:
    company.agents([1, 2, 3])
    company.settings(click_to_claim_enabled=True, auto_assign_enabled=True, acceptance_required=True)
    create_route(company, name="Weekend")
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2)}
    bus_events(aws.event_queue_url)

    lead_id = submit(company)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("offered", None)
    assert [item["lead_id"] for item in company_leads(company, status="offered")] == [lead_id]
    (email,) = emails_to(template, "agent1@brokerage.test")
    assert "through the route Weekend" in email.text  # moto keeps the HTML body; the mailbox reads its text
    assert "lead1@example.net" not in email.html
    assert emails_to(template, "agent2@brokerage.test") == []
    (first_timer,) = live_timers(aws, runtime)
    (mine,) = expect(api.get("/v1/me/offers", key=keys[1]), 200)["offers"]
    assert (mine["kind"], mine["origin"]) == ("claim", "route")
    assert 0 < mine["seconds_left"] <= 60

    expect(api.post(f"/v1/me/offers/{mine['offer_id']}/pass", key=keys[1]), 200)

    lead = company.lead(lead_id)
    assert lead["status"] == "offered"
    assert [offer["recipients"] for offer in lead["offers"]] == [[1], [2]]
    assert expect(api.get("/v1/me/offers", key=keys[1]), 200)["offers"] == []
    assert len(expect(api.get("/v1/me/offers", key=keys[2]), 200)["offers"]) == 1
    (second_timer,) = live_timers(aws, runtime)  # the first offer's timer is gone
    assert second_timer.offer_id != first_timer.offer_id
    assert fire(runtime, first_timer) == "already_closed"
    assert fire(runtime, second_timer) == "not_due"

    clock.advance(seconds=61)
    assert fire(runtime, second_timer) == "expired"
    assert fire(runtime, second_timer) == "already_closed"  # fired twice: harmless

    assert company.lead(lead_id)["offers"][-1]["recipients"] == [3]
    assert post_action(api, link_for(template, 2), "claim").status == 409  # too late for agent 2
    claimed = post_action(api, link_for(template, 3), "claim", as_json=True)
    assert claimed.status == 200
    assert claimed.json["lead"]["contact"]["email"] == "lead1@example.net"  # a claim needs no acceptance

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 3)
    assert live_timers(aws, runtime) == []
    assert lead["declined_agent_ids"] == [1]
    steps = history(company, lead_id)
    assert [event for event, _, _ in steps] == [
        "lead.received",
        "route.matched",
        "lead.offered",
        "lead.passed",
        "lead.offered",
        "lead.expired",
        "lead.offered",
        "lead.claimed",
    ]
    assert steps[1][2].startswith("Route 'Weekend' matched: ")
    assert steps[1][2].endswith(" America/Chicago.")
    assert [agent for event, agent, _ in steps if event != "lead.received" and agent] == [1, 1, 2, 2, 3, 3]
    assert "member 2 of 3 of route 'Weekend', did not claim or pass within the 60-second" in steps[5][2]
    published = [event["detail-type"] for event in bus_events(aws.event_queue_url)]
    assert published == [
        "lead.received",
        "lead.offered",
        "lead.passed",
        "lead.offered",
        "lead.expired",
        "lead.offered",
        "lead.claimed",
    ]


def company_leads(company: Company, **params: Any) -> list[dict[str, Any]]:
    return expect(company.api.get("/v1/leads", key=company.admin_key, params=params), 200)["leads"]  # type: ignore[no-any-return]


def test_away_and_inactive_members_are_skipped_and_the_last_one_out_sends_the_lead_to_the_pool(
    company: Company, api: ApiClient, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    company.agents([1, 2, 3, 4])
    away_until = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0).isoformat()
    expect(api.patch("/v1/agents/1", json_body={"away_until": away_until}, key=company.admin_key), 200)
    expect(api.delete("/v1/agents/3", key=company.admin_key), 200)
    create_route(company, members=[1, 2, 3, 4])
    lead_id = submit(company)

    assert company.lead(lead_id)["offers"][0]["recipients"] == [2]
    clock.advance(seconds=61)
    (timer,) = pending_timers(aws)
    assert fire(runtime, timer) == "expired"
    timer = pending_timers(aws)[-1]  # the newest: the next member's offer
    assert timer.offer_id == company.lead(lead_id)["offers"][-1]["offer_id"]
    assert company.lead(lead_id)["offers"][-1]["recipients"] == [4]
    clock.advance(seconds=61)
    assert fire(runtime, timer) == "expired"

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("unassigned", None)
    skipped = [(agent, detail) for event, agent, detail in history(company, lead_id) if event == "routing.skipped"]
    assert skipped == [
        (1, f"Agent 1 (Agent 1), member 1 of 4 of route 'Everything', skipped: away until {away_until}."),
        (3, "Agent 3 (Agent 3), member 3 of 4 of route 'Everything', skipped: inactive."),
    ]
    assert lead["history"][-1]["event"] == "lead.returned_to_pool"
    assert lead["declined_agent_ids"] == []  # silence is not a decline: an admin may still assign them
    expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 2}, key=company.admin_key), 200)


def test_an_admin_assignment_closes_the_route_offer(
    company: Company, api: ApiClient, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2, 3])
    create_route(company)
    lead_id = submit(company)

    lead = expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 3}, key=company.admin_key), 200)

    assert (lead["status"], lead["agent_id"]) == ("assigned", 3)
    assert company.lead(lead_id)["offers"][0]["state"] == "closed"
    assert live_timers(aws, runtime) == []


def test_a_route_matches_by_source_and_otherwise_the_cascade_goes_on(company: Company) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    create_route(company, name="Zillow", members=[2], conditions={"sources": ["Zillow"]})

    from_zillow = company.lead(submit(company, 1, source="zillow"))
    from_site = company.lead(submit(company, 2))

    assert (from_zillow["status"], from_zillow["offers"][0]["recipients"]) == ("offered", [2])
    assert (from_site["status"], from_site["agent_id"]) == ("assigned", 1)
    notes = [entry["detail"] for entry in from_site["history"] if entry["event"] == "routing.skipped"]
    assert len(notes) == 1
    assert "Route 'Zillow' did not match" in notes[0]
    assert "the lead's source 'website' is not one of zillow" in notes[0]


# Simulation -----------------------------------------------------------------------------------------------


def test_simulate_explains_every_step_and_changes_nothing(
    company: Company, api: ApiClient, table_name: str, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    expect(api.patch("/v1/agents/2", json_body={"active": False}, key=company.admin_key), 200)
    company.settings(auto_assign_enabled=True)
    create_route(company, name="Weekend", priority=1, members=[2, 3], conditions={"days": ["saturday", "sunday"]})
    create_route(company, name="Zillow", priority=2, members=[1], conditions={"sources": ["zillow"]})
    submit(company, 99)  # takes round robin's first turn (agent 1)
    bus_events(aws.event_queue_url)
    before = table_items(table_name)
    mail_before = len(emails_to(template, "agent3@brokerage.test"))

    saturday = "2025-03-15T10:12:00-05:00"
    body = {"lead": {"source": "zillow"}, "at": saturday}
    answer = expect(api.post("/v1/routing/simulate", json_body=body, key=company.admin_key), 200)

    assert answer["at"].startswith("2025-03-15T15:12:00")
    assert answer["local_time"] == "Saturday 2025-03-15 10:12 America/Chicago"
    assert (answer["step"], answer["outcome"], answer["agent_id"]) == ("routes", "route_offer", 3)
    assert answer["eligible_agent_ids"] == [3]
    assert answer["detail"].startswith("Route 'Weekend' matched: Saturday 10:12 America/Chicago.")
    assert [(r["name"], r["tried"], r["matched"]) for r in answer["routes"]] == [
        ("Weekend", True, True),
        ("Zillow", False, True),
    ]
    assert [(m["agent_id"], m["available"]) for m in answer["route_members"]] == [(2, False), (3, True)]
    assert answer["skipped_agents"] == [
        {
            "step": "routes",
            "agent_id": 2,
            "detail": "Agent 2 (Agent 2), member 1 of 2 of route 'Weekend', skipped: inactive.",
        }
    ]
    steps = {step["step"]: step for step in answer["steps"]}
    assert list(steps)[:6] == [
        "agent_code",
        "chosen_agent",
        "returning_lead",
        "exclusive_listing",
        "default_agent",
        "routes",
    ]
    assert steps["agent_code"]["details"] == ["no agent code"]
    assert steps["routes"]["applied"] is True
    assert (steps["round_robin"]["reached"], steps["pool"]["reached"]) == (False, False)

    # A Tuesday: the weekend route does not match, the Zillow route does.
    tuesday = {"lead": {"source": "Zillow", "email": "x@example.net"}, "at": "2025-03-18T10:00:00-05:00"}
    answer = expect(api.post("/v1/routing/simulate", json_body=tuesday, key=company.admin_key), 200)
    assert (answer["step"], answer["agent_id"]) == ("routes", 1)
    assert answer["routes"][0]["detail"] == (
        "Route 'Weekend' did not match at Tuesday 10:00 America/Chicago: "
        "Tuesday, not one of its days (Saturday, Sunday)."
    )
    assert answer["routes"][0]["tried"] is True

    # Nothing matches: round robin, and the next turn is told without being taken, however often asked.
    for _ in range(2):
        answer = expect(
            api.post("/v1/routing/simulate", json_body={"lead": {}, "at": tuesday["at"]}, key=company.admin_key), 200
        )
        assert (answer["step"], answer["outcome"], answer["agent_id"]) == ("round_robin", "round_robin", 3)
        assert answer["eligible_agent_ids"] == [1, 3]
        assert answer["detail"].startswith("Assigned to agent 3 (Agent 3): next in the round-robin queue")

    assert table_items(table_name) == before  # no lead, no offer, no ticket, no round-robin turn
    assert live_timers(aws, runtime) == []
    assert len(emails_to(template, "agent3@brokerage.test")) == mail_before
    assert bus_events(aws.event_queue_url) == []


def test_simulate_defaults_to_now_and_checks_its_body(company: Company, api: ApiClient) -> None:
    company.agents([1])
    create_route(company, members=[1])

    answer = expect(api.post("/v1/routing/simulate", json_body={"lead": {}}, key=company.admin_key), 200)
    assert answer["step"] == "routes"
    assert abs(datetime.fromisoformat(answer["at"]) - datetime.now(UTC)) < timedelta(minutes=1)
    for body in (
        {"lead": {}, "at": "2025-03-15T10:12:00"},  # no offset
        {"lead": {}, "at": -2.8e-117},  # a number is not a moment (pydantic would read it as 1970)
        {"lead": {"chosen_agent_id": "x"}},
        {"at": "2025-03-15T10:12:00Z"},
        {"lead": {}, "extra": 1},
    ):
        assert api.post("/v1/routing/simulate", json_body=body, key=company.admin_key).status == 422, body


@pytest.mark.parametrize("acceptance", [False, True])
def test_simulate_says_when_an_assignment_would_need_acceptance(
    company: Company, api: ApiClient, acceptance: bool
) -> None:
    company.agents([1])
    company.settings(default_agent_id=1, acceptance_required=acceptance)
    answer = expect(api.post("/v1/routing/simulate", json_body={"lead": {}}, key=company.admin_key), 200)
    assert (answer["step"], answer["outcome"], answer["agent_id"]) == ("default_agent", "assign", 1)
    assert answer["acceptance_required"] is acceptance
    assert ("asked to accept" in answer["detail"]) is acceptance


@pytest.mark.parametrize(
    ("settings", "agent_flags", "expected_note"),
    [
        ({"click_to_claim_enabled": True}, {"click_to_claim": True}, "agent 1 (Agent 1) skipped: away until"),
        ({"advanced_distribution_enabled": True}, {}, "agent 1 (Agent 1) matches but is skipped: away until"),
        ({"auto_assign_enabled": True}, {"in_auto_assign_queue": True}, "agent 1 skipped: away until"),
    ],
    ids=["click_to_claim", "advanced_distribution", "round_robin"],
)
def test_an_agent_marked_away_is_skipped_by_every_automatic_step_and_the_history_says_so(
    company: Company, api: ApiClient, settings: dict[str, Any], agent_flags: dict[str, Any], expected_note: str
) -> None:
    company.agents([1, 2], **agent_flags)
    away_until = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    expect(api.patch("/v1/agents/1", json_body={"away_until": away_until.isoformat()}, key=company.admin_key), 200)
    company.settings(**settings)

    lead = company.lead(submit(company))

    assert lead["agent_id"] != 1
    assert all(1 not in offer["recipients"] for offer in lead["offers"])
    notes = [entry["detail"] for entry in lead["history"] if entry["event"] == "routing.skipped"]
    assert [note for note in notes if note.startswith(expected_note[:1].upper() + expected_note[1:])], notes


def test_a_lead_inside_a_route_is_not_in_the_pool_until_an_admin_sends_it_back(
    company: Company, api: ApiClient, aws: CreatedResources, template: Template, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2, 3], lead_management=True)
    company.settings(agents_can_claim_unassigned=True)
    create_route(company)
    lead_id = submit(company)
    agent_key = company.key("agent", agent_id=3)
    assert company.lead(lead_id)["status"] == "offered"

    assert [lead["lead_id"] for lead in expect(api.get("/v1/pool", key=agent_key), 200)["leads"]] == []
    assert api.post(f"/v1/leads/{lead_id}/claim", key=agent_key).status == 409

    sent_back = expect(api.post(f"/v1/leads/{lead_id}/release", key=company.admin_key), 200)
    assert (sent_back["status"], sent_back["agent_id"]) == ("unassigned", None)
    assert company.lead(lead_id)["offers"][0]["state"] == "closed"
    assert live_timers(aws, runtime) == []
    # Back in the pool, an agent may take it; the route's member whose offer closed gets a 409 on the link.
    assert expect(api.post(f"/v1/leads/{lead_id}/claim", key=agent_key), 200)["agent_id"] == 3
    assert post_action(api, link_for(template, 1), "claim").status == 409
