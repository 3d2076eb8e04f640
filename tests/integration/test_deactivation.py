"""A deactivated agent loses every power at once, against moto through the local gateway: their links and
/v1/me answers are refused (409), their open offers close and move on (a route's next member, the
rejected-lead chain, the others of a claim email, the pool), their keys stop working (401) until they are
reactivated, and a request let in just before the deactivation sees no contact details."""

import json
from pathlib import Path
from typing import Any

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.offers import JSON, emails_to, link_for, post_action, submit
from tests.support.scenario import Company, expect
from tests.support.timers import live_timers

ROOT = Path(__file__).resolve().parents[2]
NO_LONGER_ACTIVE = "You are no longer an active agent of this company: your offers cannot be answered."


def history(company: Company, lead_id: str) -> list[tuple[str, int | None, str]]:
    return [(entry["event"], entry.get("agent_id"), entry["detail"]) for entry in company.lead(lead_id)["history"]]


def deactivate(company: Company, agent_id: int, how: str) -> None:
    """The three writes that leave an agent inactive: DELETE, PATCH and PUT."""
    api, key, path = company.api, company.admin_key, f"/v1/agents/{agent_id}"
    if how == "delete":
        expect(api.delete(path, key=key), 200)
    elif how == "patch":
        expect(api.patch(path, json_body={"active": False}, key=key), 200)
    else:
        current = expect(api.get(path, key=key), 200)
        expect(api.put(path, json_body={**current, "active": False}, key=key), 200)


def test_a_claim_email_goes_on_without_the_deactivated_agent_and_their_link_answers_409(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2, 3], click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company)

    deactivate(company, 1, "put")

    refused = post_action(api, link_for(template, 1), "claim", as_json=True)
    assert (refused.status, refused.error_code) == (409, "agent_not_active")
    assert refused.json["error"]["message"] == NO_LONGER_ACTIVE
    page = post_action(api, link_for(template, 1), "claim")
    assert page.status == 409
    assert NO_LONGER_ACTIVE in page.text
    shown = api.get(link_for(template, 1).path, headers=JSON).json
    assert (shown["open_to_you"], shown["actions"]) == (False, [])
    assert NO_LONGER_ACTIVE in api.get(link_for(template, 1).path).text
    assert len(live_timers(aws, runtime)) == 1  # the offer is still open for the others, with its timer

    claimed = post_action(api, link_for(template, 2), "claim", as_json=True)
    assert claimed.status == 200
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
    assert (
        "offer.withdrawn",
        1,
        "Agent 1 (Agent 1) was deactivated: their claim link no longer works; the others' still do.",
    ) in history(company, lead_id)


def test_a_claim_email_whose_last_recipient_is_deactivated_closes_and_the_lead_stays_in_the_pool(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2], click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company)
    assert post_action(api, link_for(template, 2), "pass").status == 200

    deactivate(company, 1, "delete")

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"], lead["office_id"]) == ("unassigned", None, None)
    assert lead["offers"][0]["state"] == "closed"
    assert history(company, lead_id)[-1] == (
        "offer.closed",
        1,
        "The open claim offer to agent 1 (Agent 1) was closed: the agent was deactivated; nobody else is left "
        "to claim it, so the lead stays in the pool.",
    )
    assert live_timers(aws, runtime) == []  # its timer changes nothing any more


def test_a_route_offer_moves_to_the_next_member_when_its_member_is_deactivated(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2, 3])
    body = {"name": "Everything", "priority": 10, "members": [1, 2, 3], "claim_window_seconds": 60}
    expect(api.post("/v1/routes", json_body=body, key=company.admin_key), 201)
    lead_id = submit(company)
    (first_timer,) = live_timers(aws, runtime)

    deactivate(company, 1, "delete")

    lead = company.lead(lead_id)
    assert lead["status"] == "offered"
    assert [(offer["recipients"], offer["state"]) for offer in lead["offers"]] == [([1], "closed"), ([2], "open")]
    assert len(emails_to(template, "agent2@brokerage.test")) == 1
    (timer,) = live_timers(aws, runtime)
    assert timer.offer_id != first_timer.offer_id
    events = history(company, lead_id)
    assert (
        "offer.closed",
        1,
        "The open claim offer to agent 1 (Agent 1) was closed: the agent was deactivated; the lead moves on as "
        "if they had passed.",
    ) in events
    assert events[-1][:2] == ("lead.offered", 2)
    assert post_action(api, link_for(template, 1), "claim", as_json=True).error_code == "agent_not_active"
    assert lead["declined_agent_ids"] == []  # deactivation is not their decline


def test_an_acceptance_goes_to_the_rejected_lead_agent_and_the_agent_sees_no_contact_details(
    company: Company, api: ApiClient, template: Template, runtime: LambdaRuntime
) -> None:
    company.agent(2)
    company.agent(1, in_auto_assign_queue=True, rejected_lead_agent=2)
    company.settings(auto_assign_enabled=True, acceptance_required=True, acceptance_timeout_seconds=120)
    key = company.key("agent", agent_id=1)
    held_id = submit(company, 1)
    expect(api.post(f"/v1/me/offers/{company.lead(held_id)['offers'][0]['offer_id']}/accept", key=key), 200)
    waiting_id = submit(company, 2)
    assert company.lead(waiting_id)["status"] == "pending_acceptance"
    let_in = authorized(runtime, template, key)  # a request the authorizer let in a moment before

    deactivate(company, 1, "patch")

    lead = company.lead(waiting_id)
    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 2)
    assert [(offer["recipients"], offer["state"]) for offer in lead["offers"]] == [([1], "closed"), ([2], "open")]
    assert (
        "offer.closed",
        1,
        "The open acceptance offer to agent 1 (Agent 1) was closed: the agent was deactivated; the lead moves on "
        "as after a reject.",
    ) in history(company, waiting_id)
    refused = post_action(api, link_for(template, 1, index=1), "accept", as_json=True)
    assert (refused.status, refused.error_code) == (409, "agent_not_active")

    leads = my_leads(runtime, template, company, let_in)
    assert [(item["lead_id"], item["contact"]) for item in leads] == [(held_id, None)]  # held still, but hidden
    assert company.lead(held_id)["agent_id"] == 1  # their held leads stay theirs: an admin decides


def test_their_keys_stop_working_everywhere_and_work_again_once_reactivated(company: Company, api: ApiClient) -> None:
    company.agent(1, lead_management=True, in_auto_assign_queue=True)
    company.settings(agents_can_claim_unassigned=True, auto_assign_enabled=True)
    key = company.key("agent", agent_id=1)
    held_id = submit(company, 1)
    company.settings(auto_assign_enabled=False)
    pool_id = submit(company, 2)
    assert company.lead(held_id)["agent_id"] == 1

    deactivate(company, 1, "delete")

    calls = [
        ("GET", "/v1/me/offers"),
        ("GET", "/v1/me/leads"),
        ("GET", "/v1/pool"),
        ("POST", f"/v1/leads/{pool_id}/claim"),
        ("POST", f"/v1/leads/{held_id}/release"),
    ]
    assert [(path, api.call(method, path, key=key).status) for method, path in calls] == [
        (path, 401) for _, path in calls
    ]
    assert company.lead(held_id)["agent_id"] == 1
    assert company.lead(pool_id)["status"] == "unassigned"
    assert expect(api.get("/v1/agents", key=company.admin_key), 200)  # other roles are untouched

    expect(api.patch("/v1/agents/1", json_body={"active": True}, key=company.admin_key), 200)

    mine = expect(api.get("/v1/me/leads", key=key), 200)["leads"]
    assert [(item["lead_id"], item["contact"]["email"]) for item in mine] == [(held_id, "lead1@example.net")]
    expect(api.post(f"/v1/leads/{pool_id}/claim", key=key), 200)


# A request through the agent function with the authorizer's context, as API Gateway hands it over -----------


def authorized(runtime: LambdaRuntime, template: Template, key: str) -> dict[str, Any]:
    request = json.loads((ROOT / "events/authorizer/request.json").read_text())
    request["headers"]["Authorization"] = f"Bearer {key}"
    answer = runtime.invoke(_function(template, "authorizer"), request)
    return {"principalId": answer["principalId"], **answer["context"]}


def my_leads(runtime: LambdaRuntime, template: Template, company: Company, context: dict[str, Any]) -> Any:
    event = json.loads((ROOT / "events/agent_api/my_leads.json").read_text())
    event["requestContext"]["authorizer"] = {**context, "company_id": company.company_id}
    answer = runtime.invoke(_function(template, "agent_api"), event)
    assert answer["statusCode"] == 200, answer.get("body")
    return json.loads(answer["body"])["leads"]


def _function(template: Template, folder: str) -> str:
    (logical_id,) = [name for name, function in template.functions.items() if function.code_dir.name == folder]
    return logical_id
