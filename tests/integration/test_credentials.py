"""Credentials: who may create companies, how keys are issued, listed, revoked and stored."""

from typing import Any

import pytest

from tests.support.aws_state import table_text
from tests.support.client import Answer, ApiClient
from tests.support.scenario import Company, expect


def assert_contract_error(answer: Answer, status: int, code: str) -> None:
    assert answer.status == status, answer.text
    body = answer.json
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]


def issue(company: Company, **body: Any) -> Answer:
    return company.api.post("/v1/keys", json_body=body, key=company.admin_key)


# Companies -------------------------------------------------------------------------------------------


def test_the_operator_creates_a_company_with_its_first_admin_key(api: ApiClient, operator_key: str) -> None:
    answer = api.post(
        "/v1/companies", json_body={"name": "North Shore Homes", "time_zone": "America/Chicago"}, key=operator_key
    )
    created = expect(answer, 201)
    assert set(created) == {"company_id", "admin_key"}
    assert created["company_id"].startswith("co_")
    settings = expect(api.get("/v1/settings", key=created["admin_key"]), 200)
    assert settings["time_zone"] == "America/Chicago"


def test_a_company_with_an_unknown_time_zone_is_refused(api: ApiClient, operator_key: str) -> None:
    answer = api.post("/v1/companies", json_body={"name": "Nowhere", "time_zone": "Mars/Olympus"}, key=operator_key)
    assert_contract_error(answer, 422, "invalid_input")


def test_an_admin_key_cannot_create_companies(api: ApiClient, company: Company) -> None:
    answer = api.post("/v1/companies", json_body={"name": "Sneaky", "time_zone": "UTC"}, key=company.admin_key)
    assert_contract_error(answer, 403, "forbidden")


def test_an_agent_key_cannot_create_companies(api: ApiClient, company: Company) -> None:
    company.agent(1)
    agent_key = company.key("agent", agent_id=1)
    answer = api.post("/v1/companies", json_body={"name": "Sneaky", "time_zone": "UTC"}, key=agent_key)
    assert_contract_error(answer, 403, "forbidden")


def test_an_operator_key_cannot_read_company_data(api: ApiClient, operator_key: str) -> None:
    assert_contract_error(api.get("/v1/settings", key=operator_key), 403, "forbidden")
    assert_contract_error(api.get("/v1/agents", key=operator_key), 403, "forbidden")


# Missing and bad credentials -------------------------------------------------------------------------


def test_no_key_is_401_in_the_contract_shape(api: ApiClient, company: Company) -> None:
    assert_contract_error(api.get("/v1/settings"), 401, "unauthorized")


def test_an_unknown_key_is_401(api: ApiClient, company: Company) -> None:
    forged = "lrk_" + "A" * 43
    assert_contract_error(api.get("/v1/settings", key=forged), 401, "unauthorized")


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-key", "lrk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "Bearer  "],
)
def test_a_malformed_authorization_header_is_401(api: ApiClient, company: Company, header: str) -> None:
    answer = api.get("/v1/settings", headers={"Authorization": header})
    assert_contract_error(answer, 401, "unauthorized")


def test_the_admin_key_under_another_scheme_is_401(api: ApiClient, company: Company) -> None:
    answer = api.get("/v1/settings", headers={"Authorization": f"Token {company.admin_key}"})
    assert_contract_error(answer, 401, "unauthorized")


def test_no_key_on_company_creation_is_401(api: ApiClient, operator_key: str) -> None:
    answer = api.post("/v1/companies", json_body={"name": "Anon", "time_zone": "UTC"})
    assert_contract_error(answer, 401, "unauthorized")


# Issuing keys ----------------------------------------------------------------------------------------


def test_an_admin_issues_an_agent_key_that_is_shown_once(company: Company) -> None:
    company.agent(7)
    issued = expect(issue(company, role="agent", agent_id=7, label="Dana's phone"), 201)
    assert issued["role"] == "agent"
    assert issued["agent_id"] == 7
    assert issued["office_ids"] == []
    assert issued["label"] == "Dana's phone"
    assert issued["key_id"].startswith("key_")
    assert issued["key"].startswith("lrk_")
    assert issued["key"] != company.admin_key


def test_an_agent_key_for_no_agent_is_refused(company: Company) -> None:
    company.agent(1)
    assert_contract_error(issue(company, role="agent", agent_id=99), 422, "invalid_input")
    assert_contract_error(issue(company, role="agent"), 422, "invalid_input")


def test_an_admin_issues_an_office_manager_key(company: Company) -> None:
    company.office("north")
    company.office("south")
    issued = expect(issue(company, role="office_manager", office_ids=["north", "south"]), 201)
    assert issued["role"] == "office_manager"
    assert issued["office_ids"] == ["north", "south"]
    assert issued["agent_id"] is None


def test_an_office_manager_key_for_unknown_offices_is_refused(company: Company) -> None:
    company.office("north")
    answer = issue(company, role="office_manager", office_ids=["north", "atlantis"])
    assert_contract_error(answer, 422, "invalid_input")
    assert "atlantis" in answer.json["error"]["message"]


def test_an_office_manager_key_without_offices_is_refused(company: Company) -> None:
    assert_contract_error(issue(company, role="office_manager"), 422, "invalid_input")


def test_a_company_cannot_issue_operator_keys(company: Company) -> None:
    assert_contract_error(issue(company, role="operator"), 422, "invalid_input")


def test_an_unknown_role_is_refused(company: Company) -> None:
    assert_contract_error(issue(company, role="superuser"), 422, "invalid_input")


def test_an_issued_key_works_at_once(company: Company) -> None:
    company.office("north")
    manager_key = company.key("office_manager", office_ids=["north"])
    offices = expect(company.api.get("/v1/offices", key=manager_key), 200)
    assert [office["office_id"] for office in offices["offices"]] == ["north"]


# Listing and revoking --------------------------------------------------------------------------------


def test_the_key_list_never_shows_a_secret(company: Company) -> None:
    company.agent(1)
    issued = expect(issue(company, role="agent", agent_id=1), 201)
    answer = company.api.get("/v1/keys", key=company.admin_key)
    listed = expect(answer, 200)["keys"]
    assert {key["key_id"] for key in listed} >= {issued["key_id"]}
    assert len(listed) == 2  # the first admin key and the agent's
    for key in listed:
        assert "key" not in key
        assert "key_hash" not in key
    assert issued["key"] not in answer.text
    assert company.admin_key not in answer.text


def test_a_revoked_key_is_refused(company: Company) -> None:
    issued = expect(issue(company, role="admin", label="temporary"), 201)
    expect(company.api.get("/v1/settings", key=issued["key"]), 200)
    answer = company.api.delete(f"/v1/keys/{issued['key_id']}", key=company.admin_key)
    assert answer.status == 204
    assert_contract_error(company.api.get("/v1/settings", key=issued["key"]), 401, "unauthorized")
    listed = expect(company.api.get("/v1/keys", key=company.admin_key), 200)["keys"]
    assert issued["key_id"] not in {key["key_id"] for key in listed}


def test_revoking_an_unknown_key_is_404(company: Company) -> None:
    answer = company.api.delete("/v1/keys/key_0123456789abcdef", key=company.admin_key)
    assert_contract_error(answer, 404, "not_found")


def test_revoking_a_key_twice_is_404_the_second_time(company: Company) -> None:
    issued = expect(issue(company, role="admin"), 201)
    assert company.api.delete(f"/v1/keys/{issued['key_id']}", key=company.admin_key).status == 204
    assert_contract_error(company.api.delete(f"/v1/keys/{issued['key_id']}", key=company.admin_key), 404, "not_found")


# Roles on admin-only endpoints -----------------------------------------------------------------------

ADMIN_ONLY: list[tuple[str, str, Any]] = [
    ("GET", "/v1/settings", None),
    ("PUT", "/v1/settings", {"auto_assign_enabled": True}),
    ("POST", "/v1/agents", {"name": "New", "email": "new@brokerage.test"}),
    ("PUT", "/v1/agents/1", {"name": "Changed", "email": "changed@brokerage.test", "office_id": "north"}),
    ("PATCH", "/v1/agents/1", {"name": "Changed"}),
    ("DELETE", "/v1/agents/1", None),
    ("POST", "/v1/offices", {"office_id": "west", "name": "West"}),
    ("PUT", "/v1/offices/north", {"name": "Renamed"}),
    ("DELETE", "/v1/offices/north", None),
    ("GET", "/v1/keys", None),
    ("POST", "/v1/keys", {"role": "admin"}),
]


@pytest.fixture
def scoped_keys(company: Company) -> dict[str, str]:
    company.office("north")
    company.agent(1, office_id="north", lead_management=True)
    return {
        "agent": company.key("agent", agent_id=1),
        "office_manager": company.key("office_manager", office_ids=["north"]),
    }


@pytest.mark.parametrize("role", ["agent", "office_manager"])
@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ONLY)
def test_agent_and_office_manager_keys_are_403_on_admin_only_endpoints(
    company: Company, scoped_keys: dict[str, str], role: str, method: str, path: str, body: Any
) -> None:
    answer = company.api.call(method, path, json_body=body, key=scoped_keys[role])
    assert_contract_error(answer, 403, "forbidden")
    # Nothing changed: the agent and the office are still as the admin made them.
    agent = company.api.get("/v1/agents/1", key=company.admin_key).json
    assert agent["name"] == "Agent 1"
    assert agent["active"] is True
    assert expect(company.api.get("/v1/offices/north", key=company.admin_key), 200)["name"] == "North"


def test_revoking_a_key_is_admin_only(company: Company, scoped_keys: dict[str, str]) -> None:
    listed = expect(company.api.get("/v1/keys", key=company.admin_key), 200)["keys"]
    admin_key_id = next(key["key_id"] for key in listed if key["role"] == "admin")
    answer = company.api.delete(f"/v1/keys/{admin_key_id}", key=scoped_keys["office_manager"])
    assert_contract_error(answer, 403, "forbidden")
    expect(company.api.get("/v1/settings", key=company.admin_key), 200)


@pytest.mark.parametrize("path", ["/v1/leads", "/v1/agents", "/v1/agents/1", "/v1/offices", "/v1/offices/north"])
def test_an_agent_key_cannot_read_what_admins_and_office_managers_read(
    company: Company, scoped_keys: dict[str, str], path: str
) -> None:
    assert_contract_error(company.api.get(path, key=scoped_keys["agent"]), 403, "forbidden")


def test_an_agent_key_cannot_assign_leads(company: Company, scoped_keys: dict[str, str]) -> None:
    lead_id = expect(company.submit(), 202)["lead_id"]
    answer = company.api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 1}, key=scoped_keys["agent"])
    assert_contract_error(answer, 403, "forbidden")
    assert company.lead(lead_id)["status"] == "unassigned"


# Storage ---------------------------------------------------------------------------------------------


def test_keys_are_stored_only_as_hashes(api: ApiClient, operator_key: str, company: Company, table_name: str) -> None:
    company.agent(1)
    company.office("north")
    secrets = [
        operator_key,
        company.admin_key,
        company.key("agent", agent_id=1),
        company.key("office_manager", office_ids=["north"]),
        company.key("admin"),
    ]
    stored = table_text(table_name)
    for secret in secrets:
        assert secret not in stored
        # Nor the random part without its prefix.
        assert secret.removeprefix("lrk_") not in stored
