"""Tenancy: a company's key used on another company's things answers 404, as if they did not exist."""

from dataclasses import dataclass
from typing import Any

import pytest

from tests.support.aws_state import all_leads
from tests.support.client import Answer
from tests.support.scenario import Company, expect, unique_lead


@dataclass(frozen=True)
class TheirThings:
    """Company B's agent 42 (in office 'lakeview'), a lead of agent 42 and B's key for agent 42."""

    agent_id: int
    office_id: str
    lead_id: str
    key_id: str


@pytest.fixture
def theirs(other_company: Company) -> TheirThings:
    other_company.office("lakeview")
    other_company.agent(42, office_id="lakeview", in_auto_assign_queue=True)
    other_company.settings(auto_assign_enabled=True)
    lead = expect(other_company.submit(unique_lead(1)), 202)
    issued = expect(
        other_company.api.post("/v1/keys", json_body={"role": "agent", "agent_id": 42}, key=other_company.admin_key),
        201,
    )
    return TheirThings(agent_id=42, office_id="lakeview", lead_id=lead["lead_id"], key_id=issued["key_id"])


def assert_not_found(answer: Answer) -> None:
    assert answer.status == 404, answer.text
    assert answer.error_code == "not_found"


def test_their_agent_is_not_found(company: Company, theirs: TheirThings) -> None:
    path = f"/v1/agents/{theirs.agent_id}"
    key = company.admin_key
    assert_not_found(company.api.get(path, key=key))
    assert_not_found(company.api.put(path, json_body={"name": "Mine now", "email": "x@brokerage.test"}, key=key))
    assert_not_found(company.api.patch(path, json_body={"name": "Mine now"}, key=key))
    assert_not_found(company.api.delete(path, key=key))


def test_their_agent_is_untouched_by_our_attempts(
    company: Company, other_company: Company, theirs: TheirThings
) -> None:
    path = f"/v1/agents/{theirs.agent_id}"
    company.api.patch(path, json_body={"name": "Mine now"}, key=company.admin_key)
    company.api.delete(path, key=company.admin_key)
    agent = expect(other_company.api.get(path, key=other_company.admin_key), 200)
    assert agent["name"] == "Agent 42"
    assert agent["active"] is True


def test_their_office_is_not_found(company: Company, theirs: TheirThings) -> None:
    path = f"/v1/offices/{theirs.office_id}"
    key = company.admin_key
    assert_not_found(company.api.get(path, key=key))
    assert_not_found(company.api.put(path, json_body={"name": "Mine now"}, key=key))
    assert_not_found(company.api.delete(path, key=key))


def test_their_office_cannot_be_given_to_our_agent(company: Company, theirs: TheirThings) -> None:
    answer = company.api.post(
        "/v1/agents",
        json_body={"name": "Ours", "email": "ours@brokerage.test", "office_id": theirs.office_id},
        key=company.admin_key,
    )
    assert answer.status == 422
    assert answer.error_code == "invalid_input"


def test_their_lead_is_not_found(company: Company, theirs: TheirThings) -> None:
    assert_not_found(company.api.get(f"/v1/leads/{theirs.lead_id}", key=company.admin_key))


def test_their_lead_cannot_be_assigned(company: Company, other_company: Company, theirs: TheirThings) -> None:
    company.agent(1)
    answer = company.api.post(f"/v1/leads/{theirs.lead_id}/assign", json_body={"agent_id": 1}, key=company.admin_key)
    assert_not_found(answer)
    assert other_company.lead(theirs.lead_id)["agent_id"] == theirs.agent_id


def test_their_key_cannot_be_revoked(company: Company, other_company: Company, theirs: TheirThings) -> None:
    assert_not_found(company.api.delete(f"/v1/keys/{theirs.key_id}", key=company.admin_key))
    listed = expect(other_company.api.get("/v1/keys", key=other_company.admin_key), 200)["keys"]
    assert theirs.key_id in {key["key_id"] for key in listed}


def test_our_agent_id_does_not_reach_their_agent_with_the_same_id(
    company: Company, other_company: Company, theirs: TheirThings
) -> None:
    company.agent(theirs.agent_id, name="Our 42")
    expect(
        company.api.patch(f"/v1/agents/{theirs.agent_id}", json_body={"phone": "312-555-0100"}, key=company.admin_key),
        200,
    )
    their_agent = expect(other_company.api.get(f"/v1/agents/{theirs.agent_id}", key=other_company.admin_key), 200)
    assert their_agent["name"] == "Agent 42"
    assert their_agent["phone"] is None


def test_lists_show_only_our_things(company: Company, theirs: TheirThings) -> None:
    company.office("downtown")
    company.agent(1, office_id="downtown", in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    ours = expect(company.submit(unique_lead(2)), 202)["lead_id"]
    key = company.admin_key

    agents = expect(company.api.get("/v1/agents", key=key), 200)["agents"]
    assert [agent["agent_id"] for agent in agents] == [1]
    offices = expect(company.api.get("/v1/offices", key=key), 200)["offices"]
    assert [office["office_id"] for office in offices] == ["downtown"]
    assert [lead["lead_id"] for lead in all_leads(company)] == [ours]
    keys = expect(company.api.get("/v1/keys", key=key), 200)["keys"]
    assert theirs.key_id not in {listed["key_id"] for listed in keys}
    assert len(keys) == 1


def test_lead_filters_do_not_cross_companies(company: Company, theirs: TheirThings) -> None:
    filters: list[dict[str, Any]] = [
        {"agent_id": theirs.agent_id},
        {"office_id": theirs.office_id},
        {"status": "assigned"},
        {"source": "website"},
    ]
    for params in filters:
        assert all_leads(company, **params) == [], params


def test_their_directory_is_theirs(company: Company, other_company: Company, theirs: TheirThings) -> None:
    company.agent(1, name="Only Ours")
    ours = expect(company.api.get(f"/v1/companies/{company.company_id}/agents/directory"), 200)
    assert ours["agents"] == [{"agent_id": 1, "display_name": "Only Ours"}]


def test_a_lead_posted_to_their_company_is_not_ours(
    company: Company, other_company: Company, theirs: TheirThings
) -> None:
    expect(other_company.submit(unique_lead(3)), 202)
    assert all_leads(company) == []


def test_their_agent_id_as_an_agent_code_is_no_agent_of_ours(company: Company, theirs: TheirThings) -> None:
    lead_id = expect(company.submit(unique_lead(4, agent_code=str(theirs.agent_id))), 202)["lead_id"]
    lead = company.lead(lead_id)
    assert lead["status"] == "unassigned"
    assert "Agent code 42 skipped: no such agent." in [entry["detail"] for entry in lead["history"]]


def test_each_company_has_its_own_round_robin_turn(company: Company, other_company: Company) -> None:
    for brokerage in (company, other_company):
        brokerage.agents([1, 2, 3], in_auto_assign_queue=True)
        brokerage.settings(auto_assign_enabled=True)
    ours, theirs = [], []
    for n in range(3):
        ours.append(company.lead(expect(company.submit(unique_lead(n)), 202)["lead_id"])["agent_id"])
        theirs.append(other_company.lead(expect(other_company.submit(unique_lead(n)), 202)["lead_id"])["agent_id"])
    assert ours == [1, 2, 3]
    assert theirs == [1, 2, 3]


def test_their_cursor_never_shows_us_their_leads(company: Company, other_company: Company, theirs: TheirThings) -> None:
    ours = {expect(company.submit(unique_lead(n)), 202)["lead_id"] for n in range(2)}
    for n in range(2, 4):
        expect(other_company.submit(unique_lead(n)), 202)
    page = expect(other_company.api.get("/v1/leads", key=other_company.admin_key, params={"limit": 1}), 200)
    assert page["next_cursor"]
    answer = company.api.get("/v1/leads", key=company.admin_key, params={"cursor": page["next_cursor"]})
    assert answer.status in (200, 400)
    if answer.status == 200:
        assert {lead["lead_id"] for lead in answer.json["leads"]} <= ours
