"""Seeding many agents straight into the table, for tests that need a big company quickly (through the API,
each agent costs a whole request). The items are written in the layout of the configuration adapter and
the company's configuration version is bumped once, as the adapter bumps it on every write."""

from typing import Any

import boto3

from leadrouter.adapters.dynamo_codec import to_item, to_value
from leadrouter.adapters.dynamo_keys import META, agent_sk, company_pk
from leadrouter.domain.agents import Agent

_BATCH = 25  # BatchWriteItem takes at most 25 requests


def seed_agents(table_name: str, company_id: str, agent_ids: range, **fields: Any) -> None:
    dynamodb = boto3.client("dynamodb")
    agents = [
        Agent(agent_id=agent_id, name=f"Agent {agent_id}", email=f"agent{agent_id}@brokerage.test", **fields)
        for agent_id in agent_ids
    ]
    items = [
        {"PK": company_pk(company_id), "SK": agent_sk(agent.agent_id), **agent.model_dump(mode="json")}
        for agent in agents
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
