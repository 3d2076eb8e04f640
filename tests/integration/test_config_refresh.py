"""A warm container's configuration catches up with every kind of change another container wrote, from the
change log, as a new object equal to a fresh read of the company; and reads the company again when the
log cannot bring it up to date (a gap, or too far behind)."""

from typing import Any

import boto3
import pytest

from leadrouter.adapters import dynamo_config_log
from leadrouter.adapters.dynamo_config import DynamoConfigRepository
from tests.support.aws_calls import AwsCalls
from tests.support.scenario import Company, expect
from tests.support.seeding import seed_agents

ROUTE = {"name": "Weekend", "priority": 10, "members": [1, 2], "claim_window_seconds": 60}


def container(table_name: str) -> DynamoConfigRepository:
    """The configuration cache of another Lambda container than the one answering the API."""
    return DynamoConfigRepository(boto3.client("dynamodb"), table_name)


def admin(company: Company, method: str, path: str, status: int, body: dict[str, Any] | None = None) -> Any:
    return expect(getattr(company.api, method)(path, json_body=body, key=company.admin_key), status)


@pytest.fixture
def configured(company: Company) -> Company:
    company.office("north")
    company.office("east")
    company.agents([1, 2, 3])
    admin(company, "post", "/v1/routes", 201, ROUTE)
    return company


def test_a_warm_container_sees_every_kind_of_change_from_the_log(
    configured: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    company = configured
    warm = container(table_name)
    before = warm.load(company.company_id)
    route_id = next(iter(before.routes))

    company.settings(default_agent_id=2, auto_assign_enabled=True)
    company.agent(4, office_id="north")
    admin(company, "patch", "/v1/agents/2", 200, {"phone": "312-555-0100"})
    admin(company, "put", "/v1/agents/3", 200, {"name": "Cy Replaced", "email": "cy@brokerage.test"})
    admin(company, "delete", "/v1/agents/1", 200)
    admin(company, "post", "/v1/offices", 201, {"office_id": "south", "name": "South"})
    admin(company, "put", "/v1/offices/north", 200, {"name": "North Side"})
    admin(company, "delete", "/v1/offices/east", 204)
    admin(company, "put", f"/v1/routes/{route_id}", 200, {**ROUTE, "priority": 20})
    second = admin(company, "post", "/v1/routes", 201, {**ROUTE, "name": "Late", "priority": 30})["route_id"]
    admin(company, "delete", f"/v1/routes/{route_id}", 204)

    aws_calls.reset()
    caught_up = warm.load(company.company_id)

    assert aws_calls.queried_partitions() == [f"C#{company.company_id}#CONFIGLOG"]
    assert caught_up is not before
    assert caught_up == container(table_name).load(company.company_id)  # what a cold container reads
    assert caught_up.version == before.version + 11
    assert (caught_up.settings.default_agent_id, caught_up.settings.auto_assign_enabled) == (2, True)
    assert caught_up.agents[4].office_id == "north"
    assert caught_up.agents[2].phone == "312-555-0100"
    assert caught_up.agents[3].name == "Cy Replaced"
    assert not caught_up.agents[1].active
    assert {office_id: office.name for office_id, office in caught_up.offices.items()} == {
        "north": "North Side",
        "south": "South",
    }
    assert list(caught_up.routes) == [second]  # the deleted route is gone from the cache
    # Warm again: the version alone.
    aws_calls.reset()
    assert warm.load(company.company_id) is caught_up
    assert aws_calls.names() == ["dynamodb.GetItem"]


def test_the_container_that_wrote_sees_its_own_changes_at_once(configured: Company) -> None:
    company = configured
    admin(company, "get", "/v1/agents", 200)  # this container's cache is warm
    admin(company, "patch", "/v1/agents/2", 200, {"phone": "312-555-0199"})
    admin(company, "delete", "/v1/offices/east", 204)

    assert admin(company, "get", "/v1/agents/2", 200)["phone"] == "312-555-0199"
    assert admin(company, "get", "/v1/offices/east", 404)["error"]["code"] == "not_found"


def test_a_version_the_log_does_not_hold_makes_the_cache_read_the_whole_company(
    configured: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    company = configured
    warm = container(table_name)
    warm.load(company.company_id)
    company.agent(4)
    seed_agents(table_name, company.company_id, range(5, 8))  # bumps the version and logs nothing

    aws_calls.reset()
    caught_up = warm.load(company.company_id)

    # The log, which has the agent's version but not the seeding's, then the company.
    assert aws_calls.queried_partitions() == [f"C#{company.company_id}#CONFIGLOG", f"C#{company.company_id}"]
    assert sorted(caught_up.agents) == [1, 2, 3, 4, 5, 6, 7]


def test_a_cache_too_far_behind_reads_the_whole_company(
    configured: Company, table_name: str, aws_calls: AwsCalls, monkeypatch: pytest.MonkeyPatch
) -> None:
    company = configured
    monkeypatch.setattr(dynamo_config_log, "MAX_BEHIND", 2)
    warm = container(table_name)
    warm.load(company.company_id)
    for agent_id in (4, 5, 6):
        company.agent(agent_id)

    aws_calls.reset()
    caught_up = warm.load(company.company_id)

    assert aws_calls.queried_partitions() == [f"C#{company.company_id}"]
    assert sorted(caught_up.agents) == [1, 2, 3, 4, 5, 6]
