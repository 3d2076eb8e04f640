"""An agent key is authorized from the key item and the agent's own item: two AWS requests at 1 agent and at
500, never the company's configuration; an inactive or deleted agent's key is refused on the next read."""

import boto3
import pytest

from leadrouter.adapters.dynamo_key_lookup import DynamoKeyLookup
from leadrouter.domain.principals import Role
from leadrouter.service.callers import Callers
from tests.support.aws_calls import AwsCalls
from tests.support.scenario import Company, expect
from tests.support.seeding import seed_agents


def cold_callers(table_name: str) -> Callers:
    """The authorizer's callers as a cold container builds them (services().callers)."""
    return Callers(DynamoKeyLookup(boto3.client("dynamodb"), table_name))


@pytest.mark.parametrize("agents", [1, 500])
def test_an_agent_key_costs_two_requests_whatever_the_company_size(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    company.agent(1)
    if agents > 1:
        seed_agents(table_name, company.company_id, range(2, agents + 1))
    secret = company.key("agent", agent_id=1)
    callers = cold_callers(table_name)

    aws_calls.reset()
    principal = callers.principal(secret)

    assert principal is not None
    assert principal.role is Role.AGENT
    assert principal.agent_id == 1
    assert aws_calls.names() == ["dynamodb.GetItem", "dynamodb.GetItem"]
    assert aws_calls.queried_partitions() == []


def test_an_inactive_or_deleted_agent_key_is_refused_on_the_next_read(company: Company, table_name: str) -> None:
    company.agents([1, 2])
    first, second = company.key("agent", agent_id=1), company.key("agent", agent_id=2)
    callers = cold_callers(table_name)
    assert callers.principal(first) is not None
    assert callers.principal(second) is not None

    expect(company.api.patch("/v1/agents/1", json_body={"active": False}, key=company.admin_key), 200)
    expect(company.api.delete("/v1/agents/2", key=company.admin_key), 200)

    # The same (warm) callers: nothing cached decides, the agent's item does.
    assert callers.principal(first) is None
    assert callers.principal(second) is None
    expect(company.api.patch("/v1/agents/1", json_body={"active": True}, key=company.admin_key), 200)
    assert callers.principal(first) is not None
