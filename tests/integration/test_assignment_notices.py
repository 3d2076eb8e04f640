"""Agents are told of the leads assigned to them (service/assignment_notices.py) through the real handlers:
a lead an admin assigns from the pool and a round-robin lead each bring the agent one email naming the
page of their leads; the agent's own claim brings none."""

from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.offers import emails_to, link_for, post_action, submit
from tests.support.scenario import Company, expect

NOTICE = "A lead is yours"


def notices_to(template: Template, agent_id: int) -> list[str]:
    return [
        email.subject for email in emails_to(template, f"agent{agent_id}@brokerage.test") if NOTICE in email.subject
    ]


def test_a_lead_an_admin_assigns_from_the_pool_is_told_to_its_agent(
    company: Company, api: ApiClient, template: Template
) -> None:
    company.agents(range(1, 3))
    lead_id = submit(company)  # nobody to route to: the pool
    assert notices_to(template, 2) == []
    expect(api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 2}, key=company.admin_key), 200)

    (email,) = [email for email in emails_to(template, "agent2@brokerage.test") if NOTICE in email.subject]
    assert "assigned you a lead" in email.text
    assert any(link.endswith("/app/my-leads") for link in email.links)
    assert notices_to(template, 1) == []


def test_a_round_robin_lead_is_told_and_a_claim_is_not(company: Company, api: ApiClient, template: Template) -> None:
    company.agents(range(1, 3), in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    held = company.lead(submit(company))
    assert len(notices_to(template, held["agent_id"])) == 1

    company.agent(3, click_to_claim=True)
    company.settings(auto_assign_enabled=False, click_to_claim_enabled=True)
    lead_id = submit(company, 2)
    assert post_action(api, link_for(template, 3), "claim").status == 200
    assert company.lead(lead_id)["agent_id"] == 3
    assert notices_to(template, 3) == []
