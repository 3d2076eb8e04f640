"""Admin access over HTTP against the local stack: the last admin key stays, two admins revoking the last
two keys at once leave one, an operator recovers a company, and a write whose answer AWS lost (the local
stack's injected fault: it lands, then answers 500, and the SDK sends it again) answers that it landed."""

from concurrent.futures import ThreadPoolExecutor

from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import Company, create_company, expect


def key_ids(company: Company, key: str) -> list[str]:
    return [k["key_id"] for k in expect(company.api.get("/v1/keys", key=key), 200)["keys"] if k["role"] == "admin"]


def test_the_last_admin_key_answers_409_and_an_operator_recovers_the_company(
    company: Company, api: ApiClient, local_stack: LocalStack
) -> None:
    (only,) = key_ids(company, company.admin_key)
    refused = api.delete(f"/v1/keys/{only}", key=company.admin_key)
    assert refused.status == 409
    assert "last admin key" in refused.json["error"]["message"]

    issued = expect(
        api.post(
            f"/v1/companies/{company.company_id}/admin-keys",
            json_body={"reason": "broker locked out"},
            key=local_stack.operator_key,
        ),
        201,
    )
    expect(api.get("/v1/settings", key=issued["key"]), 200)
    assert api.delete(f"/v1/keys/{only}", key=issued["key"]).status == 204


def test_two_admins_revoking_each_others_key_at_once_leave_exactly_one(company: Company, api: ApiClient) -> None:
    (mine,) = key_ids(company, company.admin_key)
    keys = {mine: company.admin_key}
    for _ in range(5):
        issued = expect(api.post("/v1/keys", json_body={"role": "admin"}, key=keys[mine]), 201)
        keys = {mine: keys[mine], issued["key_id"]: issued["key"]}
        (first, first_key), (second, second_key) = keys.items()
        with ThreadPoolExecutor(2) as pool:  # each admin revokes the other's key at the same moment
            revokes = [pool.submit(api.delete, f"/v1/keys/{second}", key=first_key)]
            revokes.append(pool.submit(api.delete, f"/v1/keys/{first}", key=second_key))
            answers = [revoke.result() for revoke in revokes]

        # One wins; the other is told it holds the last key (409), or finds its own key gone (401).
        assert sorted(answer.status for answer in answers) in ([204, 401], [204, 409])
        working = [key_id for key_id, key in keys.items() if api.get("/v1/settings", key=key).status == 200]
        assert len(working) == 1
        mine = working[0]
        assert key_ids(company, keys[mine]) == [mine]
        keys = {mine: keys[mine]}


def test_a_create_whose_answer_was_lost_answers_201_and_creates_once(
    company: Company, api: ApiClient, local_stack: LocalStack
) -> None:
    armed = expect(api.post("/_local/faults", json_body={"operation": "TransactWriteItems"}), 201)
    assert armed["count"] == 1
    created = expect(
        api.post(
            "/v1/agents", json_body={"agent_id": 5, "name": "Agent 5", "email": "a5@x.test"}, key=company.admin_key
        ),
        201,
    )
    assert created["agent_id"] == 5
    assert expect(api.get("/_local/faults"), 200) == []  # the fault was used by that write
    assert [agent["agent_id"] for agent in expect(api.get("/v1/agents", key=company.admin_key), 200)["agents"]] == [5]

    expect(api.post("/_local/faults", json_body={"operation": "PutItem"}), 201)
    recovered = create_company(api, local_stack.operator_key, name="Lost Answer Realty")
    expect(api.get("/v1/settings", key=recovered.admin_key), 200)
    assert api.post("/_local/faults", json_body={"operation": "Scan"}).status == 422
