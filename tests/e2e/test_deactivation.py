"""A deactivated agent's email link over HTTP against the local stack: refused (409) with the reason, while
the same claim email still works for the others."""

from tests.support.client import ApiClient
from tests.support.mailbox import offer_link, path_of, wait_for_emails
from tests.support.scenario import Company, expect

JSON = {"Accept": "application/json"}


def test_a_deactivated_agents_email_link_answers_409_and_the_others_still_claim(
    company: Company, api: ApiClient
) -> None:
    addresses = {n: f"agent{n}@{company.company_id}.test" for n in (1, 2)}
    for agent_id, address in addresses.items():
        company.agent(agent_id, email=address, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = expect(company.submit(), 202)["lead_id"]
    paths = {n: path_of(offer_link(wait_for_emails(api, address)[0])) for n, address in addresses.items()}

    expect(api.delete("/v1/agents/1", key=company.admin_key), 200)

    refused = api.post(paths[1], form={"action": "claim"}, headers=JSON)
    assert (refused.status, refused.error_code) == (409, "agent_not_active")
    assert "no longer an active agent" in refused.json["error"]["message"]
    assert api.post(paths[2], form={"action": "claim"}, headers=JSON).status == 200
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
