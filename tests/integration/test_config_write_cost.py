"""What a configuration write costs in AWS requests at 5,000 agents: the key check, the version, the few
items the write depends on and one transaction, never a read of every agent; and the warm read after
writes catches up from the change log with one query, not the company's partition."""

from typing import Any

import boto3

from leadrouter.adapters.dynamo_config import DynamoConfigRepository
from tests.support.aws_calls import AwsCalls
from tests.support.client import Answer
from tests.support.scenario import Company, expect
from tests.support.seeding import seed_agents

AGENTS = 5000
KEY_AND_VERSION = ["dynamodb.GetItem", "dynamodb.GetItem"]  # the authorizer's key, the company's META
GET = "dynamodb.GetItem"  # one item the write depends on (the agent, the office)
MEMBERS = "dynamodb.BatchGetItem"  # whether the agents a write names exist
QUERY = "dynamodb.Query"
COMMIT = "dynamodb.TransactWriteItems"  # the item, the version bump and the version's log entry


class Measured:
    def __init__(self, company: Company, aws_calls: AwsCalls) -> None:
        self.company = company
        self.aws_calls = aws_calls

    def __call__(self, method: str, path: str, status: int, body: dict[str, Any] | None = None) -> list[str]:
        self.aws_calls.reset()
        answer: Answer = getattr(self.company.api, method)(path, json_body=body, key=self.company.admin_key)
        expect(answer, status)
        return self.aws_calls.names()


def test_every_kind_of_configuration_write_costs_a_handful_of_requests_at_5000_agents(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    seed_agents(table_name, company.company_id, range(1, AGENTS + 1))
    write = Measured(company, aws_calls)

    assert write("put", "/v1/settings", 200, {"default_agent_id": 4321}) == [*KEY_AND_VERSION, MEMBERS, COMMIT]
    office = {"office_id": "north", "name": "North"}
    assert write("post", "/v1/offices", 201, office) == [*KEY_AND_VERSION, GET, COMMIT]
    assert write("put", "/v1/offices/north", 200, {"name": "Nord"}) == [*KEY_AND_VERSION, GET, COMMIT]
    # A new agent without an id: the highest id in use (one item of a query in key order), whether that id
    # is taken, and the office it joins.
    new_agent = {"name": "New Agent", "email": "new@brokerage.test", "office_id": "north"}
    assert write("post", "/v1/agents", 201, new_agent) == [*KEY_AND_VERSION, QUERY, GET, GET, COMMIT]
    stored = DynamoConfigRepository(boto3.client("dynamodb"), table_name).reads(company.company_id).agent(5001)
    assert stored is not None
    assert stored.office_id == "north"
    patch = {"phone": "312-555-0100"}
    assert write("patch", "/v1/agents/17", 200, patch) == [*KEY_AND_VERSION, GET, COMMIT]
    replacement = {"name": "Sam Reyes", "email": "sam@brokerage.test", "rejected_lead_agent": 18}
    assert write("put", "/v1/agents/17", 200, replacement) == [*KEY_AND_VERSION, GET, MEMBERS, COMMIT]
    # A route: its members, and the priorities the active routes hold (one item), never the agents or the
    # routes; only a company whose routes were never written with that item has its routes read, once.
    route = {"name": "Weekend", "priority": 10, "members": [1, 2, 4999]}
    aws_calls.reset()
    route_id = expect(company.api.post("/v1/routes", json_body=route, key=company.admin_key), 201)["route_id"]
    assert aws_calls.names() == [*KEY_AND_VERSION, MEMBERS, GET, QUERY, COMMIT]
    second = {"name": "Evenings", "priority": 11, "members": [3]}
    assert write("post", "/v1/routes", 201, second) == [*KEY_AND_VERSION, MEMBERS, GET, COMMIT]
    moved = {**route, "priority": 20}
    assert write("put", f"/v1/routes/{route_id}", 200, moved) == [*KEY_AND_VERSION, GET, MEMBERS, GET, COMMIT]
    assert write("delete", f"/v1/routes/{route_id}", 204) == [*KEY_AND_VERSION, GET, GET, COMMIT]
    # Deleting an office that counts no agent: the office, the leads waiting in it, the delete; never the
    # agents. Refusing one with agents reads the agents' ids (a filtered query, pages of 1 MB) to name them.
    south = {"office_id": "south", "name": "South"}
    assert write("post", "/v1/offices", 201, south) == [*KEY_AND_VERSION, GET, COMMIT]
    assert write("delete", "/v1/offices/south", 204) == [*KEY_AND_VERSION, GET, QUERY, COMMIT]
    assert f"C#{company.company_id}" not in aws_calls.queried_partitions()  # the leads, not the agents
    refused = write("delete", "/v1/offices/north", 409)  # agent 5001 is in it
    assert refused[:3] == [*KEY_AND_VERSION, GET]
    assert 1 <= refused.count(QUERY) == len(refused) - 3 <= 3


def test_the_warm_read_after_writes_reads_the_log_of_what_changed_not_the_5000_agents(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    seed_agents(table_name, company.company_id, range(1, AGENTS + 1))
    # Another container, warm: it read the whole company once.
    other = DynamoConfigRepository(boto3.client("dynamodb"), table_name)
    before = other.load(company.company_id)
    company.settings(auto_assign_enabled=True)
    expect(company.api.patch("/v1/agents/4000", json_body={"active": False}, key=company.admin_key), 200)
    expect(
        company.api.post("/v1/offices", json_body={"office_id": "north", "name": "North"}, key=company.admin_key), 201
    )

    aws_calls.reset()
    after = other.load(company.company_id)

    assert aws_calls.names() == ["dynamodb.GetItem", QUERY]
    assert aws_calls.queried_partitions() == [f"C#{company.company_id}#CONFIGLOG"]
    assert (after.version, after.settings.auto_assign_enabled) == (before.version + 3, True)
    assert before.agents[4000].active
    assert not after.agents[4000].active
    assert set(after.offices) == {"north"}
    assert len(after.agents) == AGENTS


def test_a_warm_admin_container_deletes_an_office_without_reading_the_agents(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    seed_agents(table_name, company.company_id, range(1, AGENTS + 1))
    expect(company.api.get("/v1/agents", key=company.admin_key), 200)  # the admin container reads the company once
    for office_id in ("north", "south"):
        body = {"office_id": office_id, "name": office_id.title()}
        expect(company.api.post("/v1/offices", json_body=body, key=company.admin_key), 201)
    expect(company.api.patch("/v1/agents/77", json_body={"office_id": "north"}, key=company.admin_key), 200)
    write = Measured(company, aws_calls)

    refused = write("delete", "/v1/offices/north", 409)
    deleted = write("delete", "/v1/offices/south", 204)

    # Its cached copy caught up from the log (one query, behind by the writes above), never the agents' pages.
    assert refused == [*KEY_AND_VERSION, GET, QUERY]
    assert deleted[:3] == [*KEY_AND_VERSION, GET]
    assert deleted[-1] == COMMIT
    assert all(partition != f"C#{company.company_id}" for partition in aws_calls.queried_partitions())
    assert "south" not in {
        office["office_id"] for office in expect(company.api.get("/v1/offices", key=company.admin_key), 200)["offices"]
    }


def test_a_warm_admin_container_numbers_a_new_agent_without_querying_the_agents(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    """The highest id in use comes from the container's cached configuration caught up to the version the
    write is conditional on, as an office's members do: moto sorts the whole partition for the one item a
    query in key order would read (create-agent's median at 5,000 agents locally)."""
    seed_agents(table_name, company.company_id, range(1, AGENTS + 1))
    expect(company.api.get("/v1/agents", key=company.admin_key), 200)  # the admin container reads the company once
    first = {"name": "New Agent", "email": "new@brokerage.test"}
    second = {"name": "Newer Agent", "email": "newer@brokerage.test"}
    write = Measured(company, aws_calls)

    assert write("post", "/v1/agents", 201, first) == [*KEY_AND_VERSION, GET, COMMIT]
    # One write behind now: its copy catches up from the log (one query of the log), never the agents.
    assert write("post", "/v1/agents", 201, second) == [*KEY_AND_VERSION, QUERY, GET, COMMIT]
    assert all(partition != f"C#{company.company_id}" for partition in aws_calls.queried_partitions())
    listed = expect(company.api.get("/v1/agents", key=company.admin_key), 200)["agents"]
    assert {agent["agent_id"]: agent["name"] for agent in listed if agent["agent_id"] > AGENTS} == {
        5001: "New Agent",
        5002: "Newer Agent",
    }
