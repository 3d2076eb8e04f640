"""What an intake costs in AWS requests (those that store and route it; the emails and texts that tell agents
afterwards are counted apart): a warm intake reads one item to learn the configuration version and
never queries the company's configuration, however many agents it has; one read of the person index tells a
returning lead (tests/integration/test_returning_leads.py); its lead's one conditional write, in one
transaction with the person's index items, is its idempotency record (no other item); a configuration change
makes the next intake reload it once."""

import pytest

from tests.support.aws_calls import AwsCalls
from tests.support.clocks import MovableClock
from tests.support.intake_windows import just_inside_a_window, mid_window
from tests.support.scenario import Company, expect, unique_lead
from tests.support.seeding import seed_agents

# The configuration version, the person index (one read of the lead's keys: service/people_desk.py), then
# the lead and its index items in one transaction: its condition finds an earlier attempt of the same
# request (its id is the request's, domain/intake_requests.py). Events come from the table's stream.
PERSON_LOOKUP = "dynamodb.BatchGetItem"
LEAD_WRITE = "dynamodb.TransactWriteItems"
WARM_POOL_INTAKE = ["dynamodb.GetItem", PERSON_LOOKUP, LEAD_WRITE]
# The configuration version, the person index, the lead looked up before the round-robin turn (a repeat must
# not take one), the turn (one atomic increment of the queue's counter), then the lead with its index items
# and the agent's day, week and month counts (conditional on the caps: adapters/dynamo_counters.py), all in
# the one transaction.
WARM_ROUND_ROBIN_INTAKE = ["dynamodb.GetItem", PERSON_LOOKUP, "dynamodb.GetItem", "dynamodb.UpdateItem", LEAD_WRITE]
# The queue changed: the counter's increment fails its condition; the new queue is stored, the old one read
# (to know who had the last turn) and the counter re-anchored with this intake's turn in one update.
REANCHOR = ["dynamodb.UpdateItem", "dynamodb.PutItem", "dynamodb.GetItem", "dynamodb.UpdateItem"]


@pytest.fixture(autouse=True)
def _mid_window(clock: MovableClock) -> None:
    mid_window(clock)  # away from a window's start, where an intake also looks up the previous window


def warm_up(company: Company, agents: int, table_name: str) -> None:
    seed_agents(table_name, company.company_id, range(1, agents + 1), in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    expect(company.submit(unique_lead(0)), 202)


def measured_intake(company: Company, aws_calls: AwsCalls, n: int, **headers: str) -> list[str]:
    aws_calls.reset()
    expect(company.submit(unique_lead(n), headers=headers), 202)
    return aws_calls.routing()


@pytest.mark.parametrize("agents", [5, 200])
def test_a_warm_round_robin_intake_makes_the_same_few_requests_whatever_the_company_size(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    warm_up(company, agents, table_name)
    assert measured_intake(company, aws_calls, 1) == WARM_ROUND_ROBIN_INTAKE
    assert measured_intake(company, aws_calls, 2) == WARM_ROUND_ROBIN_INTAKE


def test_an_assigned_intake_tells_its_agent_with_one_email_after_its_write(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    """The assignment notice (service/assignment_notices.py) is the one request beyond routing, sent once
    the lead is stored; an intake to the pool tells nobody."""
    warm_up(company, 5, table_name)
    aws_calls.reset()
    expect(company.submit(unique_lead(1)), 202)
    assert aws_calls.names() == [*WARM_ROUND_ROBIN_INTAKE, "sesv2.SendEmail"]
    company.settings(auto_assign_enabled=False, click_to_claim_enabled=False)
    expect(company.submit(unique_lead(2)), 202)
    aws_calls.reset()
    expect(company.submit(unique_lead(3)), 202)
    assert aws_calls.telling() == []


@pytest.mark.parametrize("agents", [5, 200])
def test_weights_and_caps_add_nothing_to_a_warm_round_robin_intake(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    """Nothing more than without them, whatever the weights, the caps and the number of agents: the counts
    ride in the lead's own transaction, the fair-share standing is read once per container, then cached."""
    caps = {"max_leads_per_day": 1000, "max_leads_per_week": 5000, "max_leads_per_month": 10000}
    seed_agents(table_name, company.company_id, range(1, agents + 1), in_auto_assign_queue=True, **caps)
    expect(company.api.patch("/v1/agents/1", json_body={"weight": 3}, key=company.admin_key), 200)
    company.settings(auto_assign_enabled=True)
    expect(company.submit(unique_lead(0)), 202)

    assert measured_intake(company, aws_calls, 1) == WARM_ROUND_ROBIN_INTAKE
    assert measured_intake(company, aws_calls, 2) == WARM_ROUND_ROBIN_INTAKE


def test_a_warm_named_intake_counts_its_agent_in_the_lead_s_own_write(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    """An agent code assigns without a turn: the configuration version, the person index, and the lead with
    its index items and the agent's counts in one transaction (never refused by a cap, so 2 of a cap of 1)."""
    seed_agents(table_name, company.company_id, range(1, 6), in_auto_assign_queue=True, max_leads_per_day=1)
    expect(company.submit(unique_lead(0, agent_code="2")), 202)
    aws_calls.reset()
    expect(company.submit(unique_lead(1, agent_code="2")), 202)
    assert aws_calls.routing() == WARM_POOL_INTAKE
    queue = expect(company.api.get("/v1/routing/queue", key=company.admin_key), 200)
    assert {"agent_id": 2, "leads_today": 2} in [
        {"agent_id": agent["agent_id"], "leads_today": agent["leads_today"]} for agent in queue["agents"]
    ]


@pytest.mark.parametrize("agents", [5, 200])
def test_a_warm_intake_with_an_idempotency_key_costs_the_same(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    warm_up(company, agents, table_name)
    assert measured_intake(company, aws_calls, 1, **{"Idempotency-Key": "form-1"}) == WARM_ROUND_ROBIN_INTAKE


@pytest.mark.parametrize("allowed", [["https://www.site.test"], []])
def test_a_warm_intake_from_a_browser_reads_the_configuration_version_once(
    company: Company, table_name: str, aws_calls: AwsCalls, allowed: list[str]
) -> None:
    """Browsers send an Origin on a website's fetch and form post: checking it against the company's allowed
    origins uses the configuration the intake routes with, not a second read of its version."""
    company.settings(allowed_origins=allowed)
    warm_up(company, 5, table_name)
    assert measured_intake(company, aws_calls, 1, Origin="https://www.site.test") == WARM_ROUND_ROBIN_INTAKE
    honeypot = {**unique_lead(2), "website": "http://spam.test"}
    aws_calls.reset()
    expect(company.submit(honeypot, headers={"Origin": "https://www.site.test"}), 202)
    assert aws_calls.names() == ["dynamodb.GetItem"]


@pytest.mark.parametrize("agents", [5, 200])
def test_a_warm_intake_to_the_pool_makes_the_floor_s_two_requests(
    company: Company, table_name: str, aws_calls: AwsCalls, agents: int
) -> None:
    seed_agents(table_name, company.company_id, range(1, agents + 1))
    expect(company.submit(unique_lead(0)), 202)
    assert measured_intake(company, aws_calls, 1) == WARM_POOL_INTAKE


def test_a_repeated_intake_reads_the_version_and_its_lead(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    warm_up(company, 5, table_name)
    expect(company.submit(unique_lead(1)), 202)
    # Round robin: the look-up before the turn finds the lead, and answers it; no turn, no write.
    assert measured_intake(company, aws_calls, 1) == WARM_ROUND_ROBIN_INTAKE[:3]


def test_a_repeated_intake_to_the_pool_is_answered_by_its_failed_write(
    company: Company, table_name: str, aws_calls: AwsCalls
) -> None:
    seed_agents(table_name, company.company_id, range(1, 6))
    first = expect(company.submit(unique_lead(1)), 202)
    aws_calls.reset()
    assert expect(company.submit(unique_lead(1)), 202) == first
    # The person index names the lead's own id: it is read and answered, and nothing is written.
    assert aws_calls.names() == ["dynamodb.GetItem", PERSON_LOOKUP, "dynamodb.GetItem"]


def test_an_intake_just_inside_a_window_checks_the_previous_one_at_no_extra_request(
    company: Company, table_name: str, aws_calls: AwsCalls, clock: MovableClock
) -> None:
    seed_agents(table_name, company.company_id, range(1, 6))
    expect(company.submit(unique_lead(0)), 202)
    just_inside_a_window(clock)
    # The previous window's lead is a condition of the write, in the same transaction.
    assert measured_intake(company, aws_calls, 1) == WARM_POOL_INTAKE
    written = aws_calls.params("TransactWriteItems")[0]["TransactItems"]
    assert [next(iter(item)) for item in written][-1] == "ConditionCheck"
    company.settings(auto_assign_enabled=True)
    seed_agents(table_name, company.company_id, range(1, 6), in_auto_assign_queue=True)
    expect(company.submit(unique_lead(2)), 202)
    # Round robin reads before the turn anyway: both windows' ids in that one read, none in the write.
    assert measured_intake(company, aws_calls, 3) == [
        "dynamodb.GetItem",
        PERSON_LOOKUP,
        "dynamodb.BatchGetItem",
        "dynamodb.UpdateItem",
        LEAD_WRITE,
    ]
    written = aws_calls.params("TransactWriteItems")[0]["TransactItems"]
    assert "ConditionCheck" not in [next(iter(item)) for item in written]


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
    calls = aws_calls.routing()
    assert calls.count("dynamodb.Query") == 1
    version, person, look_up, _turn, lead = WARM_ROUND_ROBIN_INTAKE
    assert calls == [version, "dynamodb.Query", person, look_up, *REANCHOR, lead]
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
