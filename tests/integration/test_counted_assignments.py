"""Leads given to an agent after intake count against their caps in the write that gives them the lead: an
admin's assignment and a claim by email link, never refused by a cap (ROUTING.md "Fair share and caps")."""

from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.offers import link_for, post_action
from tests.support.scenario import Company, expect, leads_today, unique_lead


def test_an_admin_s_assignment_counts_for_the_agent_even_at_a_cap_and_a_reassignment_for_the_next(
    company: Company,
) -> None:
    company.agents([1, 2], in_auto_assign_queue=True, max_leads_per_day=0)
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]  # auto assignment off: the pool

    path = f"/v1/leads/{lead_id}/assign"
    assert expect(company.api.post(path, json_body={"agent_id": 1}, key=company.admin_key), 200)["agent_id"] == 1
    assert leads_today(company) == {1: 1, 2: 0}
    expect(company.api.post(path, json_body={"agent_id": 2}, key=company.admin_key), 200)
    assert leads_today(company) == {1: 1, 2: 1}  # a lead taken away is not given back


def test_a_claim_by_email_link_counts_for_the_agent_who_won_it(
    company: Company, api: ApiClient, template: Template
) -> None:
    company.agents([1, 2], click_to_claim=True, in_auto_assign_queue=True)
    company.settings(click_to_claim_enabled=True)
    expect(company.submit(unique_lead(1)), 202)
    assert leads_today(company) == {1: 0, 2: 0}  # an offer is not an assignment

    expect(post_action(api, link_for(template, 2), "claim", as_json=True), 200)
    assert leads_today(company) == {1: 0, 2: 1}


def test_claim_emails_skip_a_recipient_at_a_cap_and_say_so(company: Company) -> None:
    company.agents([1, 3], click_to_claim=True)
    company.agent(2, click_to_claim=True, max_leads_per_day=1)
    company.settings(click_to_claim_enabled=True)
    expect(company.submit(unique_lead(1, agent_code="2")), 202)  # named: agent 2 is at their cap

    lead = company.lead(expect(company.submit(unique_lead(2)), 202)["lead_id"])

    assert lead["offers"][0]["recipients"] == [1, 3]
    assert "Agent 2 skipped: daily cap 1 of 1 reached." in [entry["detail"] for entry in lead["history"]]


def test_a_route_skips_a_member_at_a_cap_like_an_unavailable_one(company: Company) -> None:
    company.agent(1, max_leads_per_day=1)
    company.agent(2)
    route = {"name": "All", "priority": 1, "members": [1, 2], "claim_window_seconds": 60}
    expect(company.api.post("/v1/routes", json_body=route, key=company.admin_key), 201)
    expect(company.submit(unique_lead(1, agent_code="1")), 202)  # named: agent 1 is at their cap

    lead = company.lead(expect(company.submit(unique_lead(2)), 202)["lead_id"])

    assert lead["offers"][0]["recipients"] == [2]
    skip = "Agent 1 (Agent 1), member 1 of 2 of route 'All', skipped: daily cap 1 of 1 reached."
    assert skip in [entry["detail"] for entry in lead["history"]]
