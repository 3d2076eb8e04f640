"""What an intake costs in AWS requests: a warm intake reads one item to learn the configuration version and
never queries the company's configuration, however many agents it has; a configuration change makes the
next intake reload it once."""

import pytest

from tests.integration.conftest import AwsCalls
from tests.support.scenario import Company, expect, unique_lead
from tests.support.seeding import seed_agents

# Idempotency record (in progress), the configuration version, the request's receipt (what makes a retry
# after a cut-off attempt find its lead), the round-robin turn (one atomic increment of the queue's
# counter), the lead, the idempotency record (done). Events are published from the table's stream, not here.
WARM_ROUND_ROBIN_INTAKE = [
    "dynamodb.PutItem",
    "dynamodb.GetItem",
    "dynamodb.PutItem",
    "dynamodb.UpdateItem",
    "dynamodb.PutItem",
    "dynamodb.UpdateItem",
]
# The queue changed: the counter's increment fails its condition; the new queue is stored, the old one read
# (to know who had the last turn) and the counter re-anchored with this intake's turn in one update.
REANCHOR = ["dynamodb.UpdateItem", "dynamodb.PutItem", "dynamodb.GetItem", "dynamodb.UpdateItem"]
# Idempotency record, the configuration version, the receipt, the lead, the idempotency record.
WARM_POOL_INTAKE = [
    "dynamodb.PutItem",
    "dynamodb.GetItem",
    "dynamodb.PutItem",
    "dynamodb.PutItem",
    "dynamodb.UpdateItem",
]


def warm_up(company: Company, agents: int, table_name: str) -> None:
    seed_agents(table_name, company.company_id, range(1, agents + 1), in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    expect(company.submit(unique_lead(0)), 202)


def measured_intake(company: Company, aws_calls: AwsCalls, n: int, **headers: str) -> list[str]:
    aws_calls.reset()
    expect(company.submit(unique_lead(n), headers=headers), 202)
    return aws_calls.names()


@pytest.mark.parametrize("agents", [5, 200])
def test_a_warm_round_robin_intake_makes_the_same_few_requests_whatever_the_company_size(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    warm_up(company, agents, table_name)
    assert measured_intake(company, aws_calls, 1) == WARM_ROUND_ROBIN_INTAKE
    assert measured_intake(company, aws_calls, 2) == WARM_ROUND_ROBIN_INTAKE


@pytest.mark.parametrize("agents", [5, 200])
def test_a_warm_intake_with_an_idempotency_key_costs_the_same(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    warm_up(company, agents, table_name)
    assert measured_intake(company, aws_calls, 1, **{"Idempotency-Key": "form-1"}) == WARM_ROUND_ROBIN_INTAKE


@pytest.mark.parametrize("agents", [5, 200])
def test_a_warm_intake_to_the_pool_makes_no_transaction(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    seed_agents(table_name, company.company_id, range(1, agents + 1))
    expect(company.submit(unique_lead(0)), 202)
    assert measured_intake(company, aws_calls, 1) == WARM_POOL_INTAKE


def test_a_replayed_intake_reads_only_its_idempotency_record(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    warm_up(company, 5, table_name)
    expect(company.submit(unique_lead(1)), 202)
    # The conditional put of the idempotency record fails and hands back the stored answer.
    assert measured_intake(company, aws_calls, 1) == ["dynamodb.PutItem"]


def test_a_configuration_change_makes_the_next_intake_reload_once(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    warm_up(company, 200, table_name)  # agent 1 took the warm-up lead
    expect(
        company.api.patch("/v1/agents/2", json_body={"in_auto_assign_queue": False}, key=company.admin_key),
        200,
    )
    aws_calls.reset()
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]
    calls = aws_calls.names()
    assert calls.count("dynamodb.Query") == 1
    version_and_receipt, lead_onwards = WARM_ROUND_ROBIN_INTAKE[:3], WARM_ROUND_ROBIN_INTAKE[4:]
    assert calls == [*version_and_receipt[:2], "dynamodb.Query", version_and_receipt[2], *REANCHOR, *lead_onwards]
    assert company.lead(lead_id)["agent_id"] == 3  # the change is seen: agent 2 left the queue
    # And the one after is warm again.
    assert measured_intake(company, aws_calls, 2) == WARM_ROUND_ROBIN_INTAKE


def test_a_settings_change_is_seen_by_the_next_intake(company: Company, table_name: str, aws_calls: AwsCalls) -> None:
    warm_up(company, 5, table_name)
    company.settings(auto_assign_enabled=False)
    aws_calls.reset()
    answer = expect(company.submit(unique_lead(1)), 202)
    assert answer["status"] == "unassigned"
    assert aws_calls.names().count("dynamodb.Query") == 1


def test_a_warm_admin_read_checks_the_key_and_the_version_only(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    seed_agents(table_name, company.company_id, range(1, 201))
    expect(company.api.get("/v1/settings", key=company.admin_key), 200)
    aws_calls.reset()
    expect(company.api.get("/v1/settings", key=company.admin_key), 200)
    assert aws_calls.names() == ["dynamodb.GetItem", "dynamodb.GetItem"]
