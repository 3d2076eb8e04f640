"""A company can never lock itself out: its last admin key cannot be revoked, and an operator can always
issue it a new one (over the API or with the command line tool), recorded with who, when and why. And a
configuration write that landed answers that it landed, even when the SDK's retry of it failed its
condition (faults injected at the adapter boundary, as for lead writes)."""

from typing import Any

import boto3
import pytest

from leadrouter_cli.__main__ import main
from tests.support.client import ApiClient
from tests.support.faults import Faults, lands_then_fails
from tests.support.scenario import Company, create_company, expect


def only_key_id(company: Company) -> str:
    (key,) = expect(company.api.get("/v1/keys", key=company.admin_key), 200)["keys"]
    return str(key["key_id"])


def recover(api: ApiClient, operator_key: str, company_id: str, reason: str = "locked out") -> Any:
    return api.post(f"/v1/companies/{company_id}/admin-keys", json_body={"reason": reason}, key=operator_key)


# The last admin key -------------------------------------------------------------------------------------------


def test_the_last_admin_key_cannot_be_revoked_and_keeps_working(company: Company, api: ApiClient) -> None:
    answer = api.delete(f"/v1/keys/{only_key_id(company)}", key=company.admin_key)

    assert answer.status == 409
    assert answer.json["error"]["code"] == "conflict"
    assert "last admin key" in answer.json["error"]["message"]
    expect(api.get("/v1/settings", key=company.admin_key), 200)


def test_an_admin_key_can_be_revoked_while_another_remains_but_not_the_last_one(
    company: Company, api: ApiClient
) -> None:
    first = only_key_id(company)
    second = company.key("admin")

    assert api.delete(f"/v1/keys/{first}", key=second).status == 204
    assert api.get("/v1/settings", key=company.admin_key).status == 401
    (remaining,) = expect(api.get("/v1/keys", key=second), 200)["keys"]
    assert api.delete(f"/v1/keys/{remaining['key_id']}", key=second).status == 409
    expect(api.get("/v1/settings", key=second), 200)


def test_agent_and_office_manager_keys_are_revoked_as_before(company: Company, api: ApiClient) -> None:
    company.agent(1)
    agent_key = company.key("agent", agent_id=1)
    keys = expect(api.get("/v1/keys", key=company.admin_key), 200)["keys"]
    agent_key_id = next(key["key_id"] for key in keys if key["role"] == "agent")

    assert api.delete(f"/v1/keys/{agent_key_id}", key=company.admin_key).status == 204
    assert api.get("/v1/me/offers", key=agent_key).status == 401
    assert api.delete(f"/v1/keys/{agent_key_id}", key=company.admin_key).status == 404


# Recovery by an operator ---------------------------------------------------------------------------------------


def test_an_operator_issues_a_working_admin_key_recorded_with_who_when_and_why(
    company: Company, api: ApiClient, operator_key: str
) -> None:
    issued = expect(recover(api, operator_key, company.company_id, "broker lost the key (ticket 12)"), 201)

    assert issued["role"] == "admin"
    assert issued["key"].startswith("lrk_")
    expect(api.get("/v1/settings", key=issued["key"]), 200)
    listed = {key["key_id"]: key for key in expect(api.get("/v1/keys", key=issued["key"]), 200)["keys"]}
    recorded = listed[issued["key_id"]]
    assert recorded["label"] == "recovery: broker lost the key (ticket 12)"
    operator_key_id = next(key for key in listed.values() if key["key_id"] != issued["key_id"])["issued_by"]
    assert recorded["issued_by"] == operator_key_id  # the operator key that created the company, and this one
    assert recorded["created_at"]
    # With the recovered key, the lost one can go: it is no longer the last.
    lost = next(key_id for key_id in listed if key_id != issued["key_id"])
    assert api.delete(f"/v1/keys/{lost}", key=issued["key"]).status == 204


def test_recovery_is_for_operators_and_existing_companies_only(
    company: Company, other_company: Company, api: ApiClient, operator_key: str
) -> None:
    assert recover(api, company.admin_key, company.company_id).status == 403
    assert recover(api, other_company.admin_key, company.company_id).status == 403
    assert recover(api, operator_key, "co_doesnotexist").status == 404
    missing_reason = api.post(f"/v1/companies/{company.company_id}/admin-keys", json_body={}, key=operator_key)
    assert missing_reason.status == 422
    assert len(expect(api.get("/v1/keys", key=company.admin_key), 200)["keys"]) == 1


def test_the_cli_recovers_an_admin_key_without_any_key(
    company: Company, api: ApiClient, table_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["recover-admin-key", "--table-name", table_name, "--region", "us-east-1"]
    assert main([*argv, "--company-id", company.company_id, "--reason", "support call"]) == 0
    key = capsys.readouterr().out.strip()

    expect(api.get("/v1/settings", key=key), 200)
    recovered = next(k for k in expect(api.get("/v1/keys", key=key), 200)["keys"] if k["label"].startswith("recovery"))
    assert recovered["issued_by"].startswith("command line tool (")
    with pytest.raises(SystemExit, match="no company co_nope"):
        main([*argv, "--company-id", "co_nope", "--reason", "typo"])


# Writes the SDK retried after they had landed -----------------------------------------------------------------


def sk_is(prefix: str) -> Any:
    def matches(params: dict[str, Any]) -> bool:
        items = params.get("TransactItems") or [{"Put": params}]
        return any(item.get("Put", {}).get("Item", {}).get("SK", {}).get("S", "").startswith(prefix) for item in items)

    return matches


def config_items(table: str, company_id: str, prefix: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    return [i for i in items if i["PK"]["S"] == f"C#{company_id}" and i["SK"]["S"].startswith(prefix)]


@pytest.mark.parametrize(
    ("path", "body", "prefix"),
    [
        ("/v1/agents", {"agent_id": 7, "name": "Agent 7", "email": "agent7@brokerage.test"}, "AGENT#"),
        ("/v1/offices", {"office_id": "north", "name": "North"}, "OFFICE#"),
        ("/v1/routes", {"name": "Weekend", "priority": 1, "members": [7]}, "ROUTE#"),
    ],
)
def test_a_create_that_landed_though_its_retry_failed_answers_201_once(
    company: Company, api: ApiClient, faults: Faults, table_name: str, path: str, body: dict[str, Any], prefix: str
) -> None:
    if prefix == "ROUTE#":
        company.agent(7)
    faults.on("dynamodb.TransactWriteItems", lands_then_fails("TransactWriteItems", sk_is(prefix)))

    created = expect(api.post(path, json_body=body, key=company.admin_key), 201)

    assert len(config_items(table_name, company.company_id, prefix)) == 1
    assert faults.seen["dynamodb.TransactWriteItems"] >= 1
    listed = expect(api.get(path, key=company.admin_key), 200)
    assert len(next(iter(v for v in listed.values() if isinstance(v, list)))) == 1
    assert created


def test_an_update_that_landed_though_its_retry_failed_answers_200(
    company: Company, api: ApiClient, faults: Faults
) -> None:
    company.agent(3)
    faults.on("dynamodb.TransactWriteItems", lands_then_fails("TransactWriteItems", sk_is("AGENT#")))
    changed = expect(api.patch("/v1/agents/3", json_body={"phone": "+13125550100"}, key=company.admin_key), 200)
    assert changed["phone"] == "+13125550100"

    # A settings write is a transaction too (the company item and the version's log entry).
    settings_writes: list[dict[str, Any]] = []

    def stores_settings(params: dict[str, Any]) -> bool:
        updates = [item.get("Update", {}).get("UpdateExpression", "") for item in params["TransactItems"]]
        if any("settings = :settings" in update for update in updates):
            settings_writes.append(params)
        return bool(settings_writes)

    faults.on("dynamodb.TransactWriteItems", lands_then_fails("TransactWriteItems", stores_settings))
    settings = expect(api.put("/v1/settings", json_body={"auto_assign_enabled": True}, key=company.admin_key), 200)
    assert len(settings_writes) == 1  # it landed, and its caller saw the retry's failed condition
    assert settings["auto_assign_enabled"] is True
    assert expect(api.get("/v1/settings", key=company.admin_key), 200)["auto_assign_enabled"] is True


def test_a_delete_that_landed_though_its_retry_failed_answers_204(
    company: Company, api: ApiClient, faults: Faults
) -> None:
    company.office("west")
    faults.on("dynamodb.TransactWriteItems", lands_then_fails("TransactWriteItems"))
    assert api.delete("/v1/offices/west", key=company.admin_key).status == 204
    assert api.get("/v1/offices/west", key=company.admin_key).status == 404


def test_companies_and_keys_whose_write_landed_though_the_retry_failed_are_created_once(
    api: ApiClient, operator_key: str, faults: Faults, table_name: str
) -> None:
    faults.on("dynamodb.PutItem", lands_then_fails("PutItem", lambda params: params["Item"]["SK"]["S"] == "META"))
    company = create_company(api, operator_key, name="Retry Realty")
    assert expect(api.get("/v1/settings", key=company.admin_key), 200)

    faults.on("dynamodb.PutItem", lands_then_fails("PutItem", lambda params: params["Item"]["SK"]["S"] == "KEY"))
    issued = expect(api.post("/v1/keys", json_body={"role": "admin"}, key=company.admin_key), 201)
    expect(api.get("/v1/settings", key=issued["key"]), 200)
    assert len(expect(api.get("/v1/keys", key=company.admin_key), 200)["keys"]) == 2

    faults.on("dynamodb.TransactWriteItems", lands_then_fails("TransactWriteItems"))
    assert api.delete(f"/v1/keys/{issued['key_id']}", key=company.admin_key).status == 204
    assert len(expect(api.get("/v1/keys", key=company.admin_key), 200)["keys"]) == 1
