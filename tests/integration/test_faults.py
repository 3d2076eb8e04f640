"""Faults injected at the adapter boundary (botocore's client calls, patched; production code untouched):
SES throttled or down, Scheduler failing to create a timer (the sweeper expires the offer), DynamoDB
throttled or conflicting (retried, then 503 with Retry-After, never a half-written lead; a round-robin turn
is never handed out twice), and an intake
Lambda cut off halfway then retried (no second lead, email or offer)."""

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from leadrouter import wiring
from tests.support.aws_state import bus_events
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.faults import Fault, Faults, always, client_error, first
from tests.support.offers import claim_company, emails_to, submit
from tests.support.scenario import Company, expect, unique_lead
from tests.support.timers import live_timers


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff sleeps of the delivery service, recorded instead of slept."""
    slept: list[float] = []
    from leadrouter.service import delivery

    original = delivery.OfferDelivery.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs["sleep"] = slept.append
        original(self, *args, **kwargs)

    monkeypatch.setattr(delivery.OfferDelivery, "__init__", init)
    wiring.reset()
    return slept


def stored_leads(table: str) -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName=table)["Items"]
    return [item for item in items if item["SK"]["S"] == "LEAD"]


# SES ---------------------------------------------------------------------------------------------------------


def test_ses_throttled_twice_is_retried_with_backoff_and_delivered(
    company: Company, template: Template, faults: Faults, no_sleep: list[float]
) -> None:
    claim_company(company, 1)
    faults.on("sesv2.SendEmail", first(2, lambda: client_error("TooManyRequestsException", "SendEmail", 429)))
    lead_id = submit(company)

    assert len(emails_to(template, "agent1@brokerage.test")) == 1
    assert no_sleep == [0.2, 0.4]  # exponential backoff between the three attempts
    assert "delivery.failed" not in [entry["event"] for entry in company.lead(lead_id)["history"]]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (lambda: client_error("TooManyRequestsException", "SendEmail", 429), "TooManyRequestsException"),
        (
            lambda: EndpointConnectionError(endpoint_url="https://email.us-east-1.amazonaws.com"),
            "EndpointConnectionError",
        ),
    ],
    ids=["throttled", "down"],
)
def test_ses_throttled_or_down_is_retried_then_recorded_and_the_lead_stays_reachable(
    company: Company,
    api: ApiClient,
    template: Template,
    faults: Faults,
    no_sleep: list[float],
    fault: Callable[[], Exception],
    reason: str,
) -> None:
    claim_company(company, 2)
    key = company.key("agent", agent_id=2)
    faults.on("sesv2.SendEmail", always(fault))
    lead_id = submit(company)

    assert faults.seen["sesv2.SendEmail"] == 6  # 3 attempts per recipient
    lead = company.lead(lead_id)
    failures = [entry for entry in lead["history"] if entry["event"] == "delivery.failed"]
    assert sorted(entry["agent_id"] for entry in failures) == [1, 2]
    assert all(f"{reason}, after 3 attempts" in entry["detail"] for entry in failures)
    assert lead["status"] == "unassigned"
    faults.clear()
    (offer,) = expect(api.get("/v1/me/offers", key=key), 200)["offers"]
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/claim", key=key), 200)
    assert company.lead(lead_id)["agent_id"] == 2


def test_links_that_could_not_be_stored_are_recorded_as_not_in_the_agents_offers_either(
    company: Company, api: ApiClient, template: Template, faults: Faults
) -> None:
    claim_company(company, 1)
    key = company.key("agent", agent_id=1)
    faults.on(
        "dynamodb.BatchWriteItem", always(lambda: client_error("ProvisionedThroughputExceededException", "x", 400))
    )
    lead_id = submit(company)

    lead = company.lead(lead_id)
    (failure,) = [entry for entry in lead["history"] if entry["event"] == "delivery.failed"]
    assert "its link could not be stored" in failure["detail"]
    assert "the agent cannot see it either" in failure["detail"]  # not "still sees it in their offers"
    assert lead["status"] == "unassigned"  # in the pool, where an admin or a claim still reaches it
    assert emails_to(template, "agent1@brokerage.test") == []
    faults.clear()
    assert expect(api.get("/v1/me/offers", key=key), 200)["offers"] == []


# EventBridge and the table's stream --------------------------------------------------------------------------


def test_changes_stored_while_eventbridge_is_down_are_all_published_in_order_once_it_is_back(
    company: Company, aws: CreatedResources, faults: Faults
) -> None:
    company.agents([1, 2])
    faults.on(
        "events.PutEvents",
        always(lambda: EndpointConnectionError(endpoint_url="https://events.us-east-1.amazonaws.com")),
    )
    lead_ids = [str(expect(company.submit(unique_lead(n)), 202)["lead_id"]) for n in range(3)]
    for body in ({"agent_id": 1}, {"agent_id": 2}):
        expect(company.api.post(f"/v1/leads/{lead_ids[0]}/assign", json_body=body, key=company.admin_key), 200)

    assert bus_events(aws.event_queue_url) == []  # the consumer tried, and nothing went out
    assert faults.seen["events.PutEvents"] >= 1
    faults.clear()
    found = bus_events(aws.event_queue_url)

    for lead_id in lead_ids:
        history = [entry["event"] for entry in company.lead(lead_id)["history"] if entry["event"].startswith("lead.")]
        assert [event["detail-type"] for event in found if event["detail"].get("lead_id") == lead_id] == history
    assert len(found) == 5  # three received, two assigned: every one, none twice
    assert bus_events(aws.event_queue_url) == []


def test_a_change_whose_events_failed_holds_back_the_later_ones_until_it_is_published(
    company: Company, aws: CreatedResources, faults: Faults
) -> None:
    company.agents([1, 2])
    lead_id = str(expect(company.submit(unique_lead(1)), 202)["lead_id"])
    faults.on("events.PutEvents", first(1, lambda: client_error("InternalException", "PutEvents", 500)))
    expect(company.api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 1}, key=company.admin_key), 200)
    expect(company.api.post(f"/v1/leads/{lead_id}/assign", json_body={"agent_id": 2}, key=company.admin_key), 200)

    found = bus_events(aws.event_queue_url)

    assert [(event["detail-type"], event["detail"]["agent_id"]) for event in found] == [
        ("lead.received", None),
        ("lead.assigned", 1),
        ("lead.assigned", 2),
    ]


# Scheduler and the sweeper -----------------------------------------------------------------------------------


def test_a_timer_that_could_not_be_created_is_replaced_by_the_sweeper(
    company: Company,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
    faults: Faults,
) -> None:
    claim_company(company, 2, claim_link_ttl_seconds=60)
    faults.on("sqs.SendMessage", always(lambda: client_error("ServiceUnavailable", "SendMessage", 503)))
    lead_id = submit(company)
    faults.clear()

    assert live_timers(aws, runtime) == []
    lead = company.lead(lead_id)
    assert "timer.failed" in [entry["event"] for entry in lead["history"]]
    assert runtime.invoke("SweeperFunction", {}) == {"leads": 0, "outcomes": {}}  # not due yet

    clock.advance(seconds=61)
    assert runtime.invoke("SweeperFunction", {})["leads"] == 0  # due, but the timer gets its grace period
    clock.advance(seconds=120)
    assert runtime.invoke("SweeperFunction", {}) == {"leads": 1, "outcomes": {"expired": 1}}
    swept = company.lead(lead_id)
    assert swept["status"] == "unassigned"
    assert swept["offers"][0]["state"] == "expired"
    assert [entry["event"] for entry in swept["history"]].count("lead.expired") == 1

    assert runtime.invoke("SweeperFunction", {}) == {"leads": 0, "outcomes": {}}  # swept once
    assert company.lead(lead_id) == swept


def test_the_sweeper_moves_an_acceptance_chain_on_and_leaves_answered_offers_alone(
    company: Company,
    api: ApiClient,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
    faults: Faults,
) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True, rejected_lead_agent="round_robin")
    company.settings(auto_assign_enabled=True, acceptance_required=True, acceptance_timeout_seconds=60)
    faults.on("sqs.SendMessage", always(lambda: client_error("InternalError", "SendMessage", 500)))
    first_lead = submit(company, 1)
    second_lead = submit(company, 2)
    first_agent = company.lead(first_lead)["agent_id"]
    key = company.key("agent", agent_id=first_agent)
    (offer,) = expect(api.get("/v1/me/offers", key=key), 200)["offers"]
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/accept", key=key), 200)
    accepted = company.lead(first_lead)

    clock.advance(seconds=300)
    report = runtime.invoke("SweeperFunction", {})
    assert report == {"leads": 1, "outcomes": {"expired": 1}}
    assert company.lead(first_lead) == accepted
    moved = company.lead(second_lead)
    assert moved["offers"][0]["state"] == "expired"
    assert len(moved["offers"]) == 2
    assert moved["offers"][1]["state"] == "open"


# DynamoDB ----------------------------------------------------------------------------------------------------


def test_dynamodb_throttling_that_persists_answers_503_with_retry_after_and_writes_nothing(
    company: Company, table_name: str, faults: Faults
) -> None:
    company.agents([1])
    throttled = always(lambda: client_error("ProvisionedThroughputExceededException", "PutItem"))
    faults.on("dynamodb.PutItem", throttled)
    faults.on("dynamodb.TransactWriteItems", throttled)

    answer = company.submit(unique_lead(1))

    assert answer.status == 503
    assert answer.error_code is not None
    assert int(answer.headers["Retry-After"]) > 0
    assert stored_leads(table_name) == []

    faults.clear()
    lead_id = str(expect(company.submit(unique_lead(1)), 202)["lead_id"])  # the client's retry goes through
    assert [item["lead_id"]["S"] for item in stored_leads(table_name)] == [lead_id]


def round_robin_turns(table_name: str, company: Company) -> int:
    counter = boto3.client("dynamodb").get_item(
        TableName=table_name, Key={"PK": {"S": f"C#{company.company_id}#RR"}, "SK": {"S": "RR"}}
    )
    return int(counter["Item"]["turns"]["N"])


def test_a_throttled_round_robin_counter_answers_503_writes_nothing_and_takes_no_turn(
    company: Company, table_name: str, faults: Faults
) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    expect(company.submit(unique_lead(0)), 202)  # agent 1's turn
    faults.on(
        "dynamodb.UpdateItem",
        always(lambda: client_error("ProvisionedThroughputExceededException", "UpdateItem")),
    )

    answer = company.submit(unique_lead(1))

    assert answer.status == 503
    assert "Retry-After" in answer.headers
    assert len(stored_leads(table_name)) == 1
    assert round_robin_turns(table_name, company) == 1
    faults.clear()
    lead_id = str(expect(company.submit(unique_lead(1)), 202)["lead_id"])
    assert company.lead(lead_id)["agent_id"] == 2  # the failed intake took nobody's turn


def test_a_lead_write_failing_after_its_turn_costs_that_turn_never_the_lead(
    company: Company, table_name: str, faults: Faults
) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)

    def lead_writes(_name: str, _count: str, params: dict[str, Any]) -> Exception | None:
        if is_intake_write(params):
            return client_error("ProvisionedThroughputExceededException", "TransactWriteItems")
        return None

    faults.on("dynamodb.TransactWriteItems", lead_writes)
    answer = company.submit(unique_lead(1))
    assert answer.status == 503
    assert stored_leads(table_name) == []

    faults.clear()
    lead_id = str(expect(company.submit(unique_lead(1)), 202)["lead_id"])  # the website's retry
    # Agent 1's turn went with the failed write (docs/DECISIONS.md): the retry is routed to agent 2.
    assert company.lead(lead_id)["agent_id"] == 2
    assert round_robin_turns(table_name, company) == 2
    # The counts ride in the lead's transaction: none for agent 1 without its lead, one for agent 2.
    queue = expect(company.api.get("/v1/routing/queue", key=company.admin_key), 200)
    assert {agent["agent_id"]: agent["leads_today"] for agent in queue["agents"]} == {1: 0, 2: 1, 3: 0}


def is_intake_write(params: dict[str, Any]) -> bool:
    """An intake's write: the new lead (its first item) with its person index items, in one transaction."""
    items = params.get("TransactItems") or [{}]
    return bool(items[0].get("Put", {}).get("Item", {}).get("SK", {}).get("S") == "LEAD")


def intake_write_lands_then_fails(landed: list[str]) -> Fault:
    """The first intake's transaction lands, but fails as the SDK's retry of it would (its conditions no
    longer hold), as after a read timeout; `landed` gets that lead's id."""

    def fault(_name: str, _count: str, params: dict[str, Any]) -> Exception | None:
        if not is_intake_write(params) or landed:
            return None
        landed.append(params["TransactItems"][0]["Put"]["Item"]["lead_id"]["S"])
        boto3.client("dynamodb").transact_write_items(**params)
        reasons = [{"Code": "ConditionalCheckFailed"} for _ in params["TransactItems"]]
        return client_error("TransactionCanceledException", "TransactWriteItems", CancellationReasons=reasons)

    return fault


def lead_write_lands_then_fails(landed: list[str]) -> Fault:
    """The first lead write lands, but fails as the SDK's retry of it would (its condition no longer holds),
    as after a read timeout; `landed` gets that lead's id."""

    def fault(_name: str, _count: str, params: dict[str, Any]) -> Exception | None:
        if params["Item"]["SK"]["S"] != "LEAD" or landed:
            return None
        landed.append(params["Item"]["lead_id"]["S"])
        boto3.client("dynamodb").put_item(**params)
        # As DynamoDB answers the retry: with the item that is there, when the write asks for it.
        extra = {"Item": params["Item"]} if params.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else {}
        return client_error("ConditionalCheckFailedException", "PutItem", **extra)

    return fault


def test_a_lead_write_that_landed_though_the_sdk_saw_a_timeout_is_answered_once(
    company: Company, template: Template, table_name: str, faults: Faults
) -> None:
    claim_company(company, 1)
    landed: list[str] = []
    faults.on("dynamodb.TransactWriteItems", intake_write_lands_then_fails(landed))
    answer = expect(company.submit(unique_lead(1)), 202)

    assert answer["lead_id"] == landed[0]
    assert [item["lead_id"]["S"] for item in stored_leads(table_name)] == landed
    assert len(emails_to(template, "agent1@brokerage.test")) == 1


def test_a_claim_write_that_landed_though_the_sdk_saw_a_timeout_answers_the_winner_200(
    company: Company, api: ApiClient, faults: Faults
) -> None:
    claim_company(company, 2)
    key = company.key("agent", agent_id=1)
    lead_id = submit(company)
    (offer,) = expect(api.get("/v1/me/offers", key=key), 200)["offers"]
    faults.on("dynamodb.PutItem", lead_write_lands_then_fails([]))
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/claim", key=key), 200)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 1)
    assert [entry["event"] for entry in lead["history"]].count("lead.claimed") == 1
    other = company.key("agent", agent_id=2)
    assert api.post(f"/v1/me/offers/{offer['offer_id']}/claim", key=other).status == 409  # taken


def test_a_conflicting_claim_write_is_retried_on_the_fresh_lead(
    company: Company, api: ApiClient, faults: Faults
) -> None:
    claim_company(company, 1)
    key = company.key("agent", agent_id=1)
    lead_id = submit(company)
    (offer,) = expect(api.get("/v1/me/offers", key=key), 200)["offers"]
    condition = lambda: client_error("ConditionalCheckFailedException", "PutItem")  # noqa: E731
    faults.on("dynamodb.PutItem", first(2, condition))
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/claim", key=key), 200)
    lead = company.lead(lead_id)
    assert lead["agent_id"] == 1
    assert [entry["event"] for entry in lead["history"]].count("lead.claimed") == 1


def test_a_reject_whose_write_lost_its_race_takes_one_round_robin_turn_not_one_per_attempt(
    company: Company, api: ApiClient, faults: Faults
) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True, rejected_lead_agent="round_robin")
    company.settings(auto_assign_enabled=True, acceptance_required=True)
    key = company.key("agent", agent_id=1)
    first_lead = submit(company)  # agent 1's turn
    (offer,) = expect(api.get("/v1/me/offers", key=key), 200)["offers"]

    condition = lambda: client_error("ConditionalCheckFailedException", "PutItem")  # noqa: E731
    faults.on("dynamodb.PutItem", first(2, condition))
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/reject", key=key), 200)
    faults.clear()

    assert company.lead(first_lead)["agent_id"] == 2  # the next turn, taken once for three attempts
    assert company.lead(submit(company, 2))["agent_id"] == 3  # so the queue goes on in order


# A Lambda cut off halfway ------------------------------------------------------------------------------------


class LambdaKilled(BaseException):  # not an Exception: nothing in the handler may catch it
    """What Lambda does at its timeout: the process stops where it is, no except or finally runs for it."""


def let_the_invocation_time_out(table: str) -> None:
    """The attempt that wrote a lead is taken to run until its invocation's deadline (noted on the lead)."""
    for item in stored_leads(table):
        boto3.client("dynamodb").update_item(
            TableName=table,
            Key={"PK": item["PK"], "SK": item["SK"]},
            UpdateExpression="SET intake.in_flight_until = :past",
            ExpressionAttributeValues={":past": {"S": "2000-01-01T00:00:00Z"}},
        )


def kill_at(faults: Faults, operation: str, when: Callable[[dict[str, Any]], bool] = lambda _params: True) -> None:
    def kill(_name: str, _count: str, params: dict[str, Any]) -> Exception | None:
        if when(params):
            raise LambdaKilled
        return None

    faults.on(operation, kill)


def test_a_retry_while_the_killed_attempt_may_still_run_after_its_links_answers_its_lead_and_sends_nothing(
    company: Company, template: Template, table_name: str, faults: Faults
) -> None:
    claim_company(company, 1)
    kill_at(faults, "sesv2.SendEmail")
    with pytest.raises(LambdaKilled):
        company.submit(unique_lead(1), headers={"Idempotency-Key": "form-42"})
    faults.clear()
    (stored,) = stored_leads(table_name)  # stored before the emails

    retry = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-42"}), 202)

    # Its links are stored: the delivery began, and emails go out at most once.
    assert retry == {"lead_id": stored["lead_id"]["S"], "status": "unassigned"}
    assert len(stored_leads(table_name)) == 1
    assert emails_to(template, "agent1@brokerage.test") == []


def test_a_retry_after_the_killed_invocation_timed_out_makes_no_second_lead(
    company: Company, template: Template, table_name: str, faults: Faults
) -> None:
    claim_company(company, 1)
    kill_at(faults, "sesv2.SendEmail")
    with pytest.raises(LambdaKilled):
        company.submit(unique_lead(1), headers={"Idempotency-Key": "form-43"})
    faults.clear()
    let_the_invocation_time_out(table_name)

    retry = company.submit(unique_lead(1), headers={"Idempotency-Key": "form-43"})

    (stored,) = stored_leads(table_name)
    assert (retry.status, retry.json["lead_id"]) == (202, stored["lead_id"]["S"])
    # The cut-off attempt had stored the links and reached its emails: at most once means none again.
    assert emails_to(template, "agent1@brokerage.test") == []


def test_a_retry_after_an_attempt_cut_off_before_its_lead_write_makes_the_lead_once(
    company: Company, template: Template, table_name: str, faults: Faults
) -> None:
    claim_company(company, 1)
    kill_at(faults, "dynamodb.TransactWriteItems", is_intake_write)
    with pytest.raises(LambdaKilled):
        company.submit(unique_lead(1))  # no key: the same payload within the window is the same request
    faults.clear()
    let_the_invocation_time_out(table_name)

    answer = expect(company.submit(unique_lead(1)), 202)

    assert [item["lead_id"]["S"] for item in stored_leads(table_name)] == [answer["lead_id"]]
    assert len(emails_to(template, "agent1@brokerage.test")) == 1


def test_a_retry_after_an_attempt_cut_off_before_its_emails_sends_them_once(
    company: Company, template: Template, table_name: str, aws: CreatedResources, faults: Faults, runtime: LambdaRuntime
) -> None:
    claim_company(company, 2)
    kill_at(faults, "scheduler.CreateSchedule")  # a day-long claim window: after the lead write, before the emails
    with pytest.raises(LambdaKilled):
        company.submit(unique_lead(1), headers={"Idempotency-Key": "form-45"})
    faults.clear()
    (stored,) = stored_leads(table_name)

    # Until the killed invocation's deadline, it may be delivering right now: the repeat is refused.
    in_flight = company.submit(unique_lead(1), headers={"Idempotency-Key": "form-45"})
    assert (in_flight.status, in_flight.error_code) == (409, "in_progress")
    assert emails_to(template, "agent1@brokerage.test") == []

    let_the_invocation_time_out(table_name)

    answer = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-45"}), 202)
    again = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-45"}), 202)

    assert answer == again == {"lead_id": stored["lead_id"]["S"], "status": "unassigned"}
    assert len(stored_leads(table_name)) == 1
    assert len(emails_to(template, "agent1@brokerage.test")) == 1
    assert len(emails_to(template, "agent2@brokerage.test")) == 1
    assert len(live_timers(aws, runtime)) == 1


def test_a_retry_of_a_completed_intake_answers_the_same_lead_and_sends_nothing_more(
    company: Company, template: Template, table_name: str, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    claim_company(company, 2)
    first_answer = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-44"}), 202)
    again = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-44"}), 202)
    same_body = expect(company.submit(unique_lead(1)), 202)  # no key: the same body within the window

    assert again == first_answer
    assert len(stored_leads(table_name)) == 2  # the keyed lead and the unkeyed one, each once
    assert same_body == expect(company.submit(unique_lead(1)), 202)
    assert len(emails_to(template, "agent1@brokerage.test")) == 2
    assert len(live_timers(aws, runtime)) == 2
