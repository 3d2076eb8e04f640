"""Seeding a big company's configuration straight into the table, for tests and benchmarks that need one
quickly (through the API, each agent or route costs a whole request). The items are written in the layout
of the configuration adapter and the company's configuration version is bumped once, as the adapter bumps
it on every write."""

from collections.abc import Sequence
from typing import Any

import boto3

from leadrouter.adapters.dynamo_codec import to_item, to_value
from leadrouter.adapters.dynamo_keys import META, agent_sk, company_pk, route_sk
from leadrouter.domain.agents import Agent
from leadrouter.domain.routes import Route

_BATCH = 25  # BatchWriteItem takes at most 25 requests


def seed_agents(table_name: str, company_id: str, agent_ids: range, **fields: Any) -> None:
    agents = [
        Agent(agent_id=agent_id, name=f"Agent {agent_id}", email=f"agent{agent_id}@brokerage.test", **fields)
        for agent_id in agent_ids
    ]
    seed_configuration(table_name, company_id, agents)


def seed_configuration(table_name: str, company_id: str, agents: Sequence[Agent], routes: Sequence[Route] = ()) -> None:
    dynamodb = boto3.client("dynamodb")
    items = [
        *({"PK": company_pk(company_id), "SK": agent_sk(a.agent_id), **a.model_dump(mode="json")} for a in agents),
        *({"PK": company_pk(company_id), "SK": route_sk(r.route_id), **r.model_dump(mode="json")} for r in routes),
    ]
    for start in range(0, len(items), _BATCH):
        requests: Any = [{"PutRequest": {"Item": to_item(item)}} for item in items[start : start + _BATCH]]
        dynamodb.batch_write_item(RequestItems={table_name: requests})
    dynamodb.update_item(
        TableName=table_name,
        Key=to_item({"PK": company_pk(company_id), "SK": META}),
        UpdateExpression="SET config_version = config_version + :one",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeValues={":one": to_value(1)},
    )
