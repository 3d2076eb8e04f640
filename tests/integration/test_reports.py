"""The routing and pool reports, in process against moto: tallies kept from the table's stream, figures
that match the leads' own, a stream given twice counting once, office managers' scope, CSV, and the cost
of a report (a few queries, whatever the leads)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.streams import StreamPoller
from devstack.template import Template
from tests.support.aws_calls import AwsCalls
from tests.support.aws_state import bus_events, deliver_stream_records, table_keys
from tests.support.clocks import MovableClock
from tests.support.containers import new_container
from tests.support.faults import Faults, client_error
from tests.support.reports import as_csv_cell, csv_rows, speed_figures
from tests.support.scenario import Company, expect, unique_lead
from tests.support.seeding import seed_agents

Report = dict[str, Any]


def report(company: Company, key: str | None = None, **params: Any) -> Report:
    deliver_stream_records()
    answer = company.api.get("/v1/reports/routing", key=key or company.admin_key, params=params)
    return expect(answer, 200)  # type: ignore[no-any-return]


def rows_by_key(found: Report) -> dict[Any, dict[str, Any]]:
    return {row["key"]: row for row in found["rows"]}


@pytest.fixture
def claiming(company: Company, clock: MovableClock) -> Company:
    """Agents 1 (north office, weight 1) and 2 (weight 3) in the round-robin queue, claiming from the pool;
    at noon in the company's time zone, so that a test's leads fall on one local day."""
    clock.advance_to_local(12, "America/Chicago")
    company.settings(agents_can_claim_unassigned=True)
    company.office("north")
    company.agent(1, lead_management=True, in_auto_assign_queue=True, office_id="north")
    company.agent(2, lead_management=True, in_auto_assign_queue=True, weight=3)
    company.agent(3, lead_management=True)  # not in the queue: no target share
    return company


def claim_after(
    company: Company, clock: MovableClock, keys: dict[int, str], plan: list[tuple[int, float]]
) -> list[str]:
    """Submit a lead per (agent, seconds); each agent claims its lead that many seconds after intake."""
    lead_ids = [expect(company.submit(unique_lead(n)), 202)["lead_id"] for n in range(len(plan))]
    waited = 0.0
    for (agent_id, seconds), lead_id in sorted(zip(plan, lead_ids, strict=True), key=lambda pair: pair[0][1]):
        clock.advance(seconds=seconds - waited)
        waited = seconds
        expect(company.api.post(f"/v1/leads/{lead_id}/claim", key=keys[agent_id]), 200)
    return lead_ids


def test_the_report_and_its_csv_match_the_leads_and_a_stream_given_twice_counts_once(
    claiming: Company,
    clock: MovableClock,
    template: Template,
    runtime: LambdaRuntime,
    aws: CreatedResources,
) -> None:
    company = claiming
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2)}
    lead_ids = claim_after(company, clock, keys, [(1, 2), (1, 5), (2, 3), (2, 400)])
    leads = [company.lead(lead_id) for lead_id in lead_ids]
    window = {"from": (clock.now() - timedelta(days=1)).isoformat(), "to": clock.now().isoformat()}

    first = report(company, group_by="agent", **window)
    rows = rows_by_key(first)
    assert set(rows) == {1, 2, None}
    for agent_id in (1, 2):
        held = [lead for lead in leads if lead["agent_id"] == agent_id]
        assert {name: rows[agent_id][name] for name in ("speed_to_lead_seconds", "within_5_minutes")} == (
            speed_figures(held)
        )
        assert (rows[agent_id]["claimed"], rows[agent_id]["share"]) == (2, 0.5)
    assert rows[2]["within_5_minutes"] == 0.5
    assert (rows[1]["target_share"], rows[2]["target_share"]) == (0.25, 0.75)
    assert rows[None]["received"] == 4
    assert rows[None]["target_share"] is None

    # Lambda's poller starting over (a new mapping, a replay from the stream's start): nothing counts twice.
    StreamPoller(template, runtime, retry_delays=()).drain()
    assert report(company, group_by="agent", **window) == first
    (day,) = report(company, group_by="day", **window)["rows"]
    assert (day["received"], day["claimed"], day["share"]) == (4, 4, 1.0)
    assert day["speed_to_lead_seconds"] == speed_figures(leads)["speed_to_lead_seconds"]
    answer = company.api.get(
        "/v1/reports/routing", key=company.admin_key, params={"group_by": "source"}, headers={"Accept": "text/csv"}
    )
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.text.splitlines()[0].startswith("key,received,offered,claimed,")
    (line,) = csv_rows(answer.text)
    (source,) = report(company, group_by="source")["rows"]
    assert line["key"] == source["key"] == "website"
    assert line["speed_to_lead_median_seconds"] == as_csv_cell(source["speed_to_lead_seconds"]["median"])
    assert {name: line[name] for name in ("received", "claimed", "share", "target_share")} == {
        name: as_csv_cell(source[name]) for name in ("received", "claimed", "share", "target_share")
    }

    markers = [sk for pk, sk in table_keys(aws.table_names[0]) if sk.startswith("COUNTED#")]
    assert markers  # one per counted change, in the lead's partition
    assert all(
        pk.startswith(f"C#{company.company_id}#L#") for pk, sk in table_keys(aws.table_names[0]) if sk in markers
    )


def test_an_office_manager_sees_only_their_offices_and_a_year_costs_one_query_per_office(
    claiming: Company, clock: MovableClock, aws_calls: AwsCalls
) -> None:
    company = claiming
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2)}
    claim_after(company, clock, keys, [(1, 4), (2, 6), (2, 7)])
    manager = company.key("office_manager", office_ids=["north"])

    rows = rows_by_key(report(company, manager, group_by="agent"))
    # Agent 1 claimed into the north office; agent 2's leads have no office, so are not the manager's.
    assert set(rows) == {1}
    assert (rows[1]["claimed"], rows[1]["share"]) == (1, 1.0)
    assert rows_by_key(report(company, group_by="office"))["north"]["claimed"] == 1

    now = datetime.now(UTC)
    year = {"from": (now - timedelta(days=365)).isoformat(), "to": now.isoformat(), "group_by": "day"}
    for key, partition in ((company.admin_key, "ALL"), (manager, "OFFICE#north")):
        aws_calls.reset()
        expect(company.api.get("/v1/reports/routing", key=key, params=year), 200)
        tallies = [pk for pk in aws_calls.queried_partitions() if "#REPORT#" in pk]
        assert tallies == [f"C#{company.company_id}#REPORT#{partition}#day"]
        assert "dynamodb.Scan" not in aws_calls.names()


def test_bad_ranges_and_roles_are_refused(claiming: Company) -> None:
    company = claiming
    path = "/v1/reports/routing"
    year_and_a_day = {"from": "2025-01-01T00:00:00+00:00", "to": "2026-01-02T00:00:00+00:00"}
    assert company.api.get(path, key=company.admin_key, params=year_and_a_day).status == 422
    backwards = {"from": "2026-01-02T00:00:00+00:00", "to": "2026-01-01T00:00:00+00:00"}
    assert company.api.get(path, key=company.admin_key, params=backwards).status == 422
    assert company.api.get(path, key=company.admin_key, params={"group_by": "weather"}).status == 422
    assert company.api.get(path, key=company.admin_key, params={"from": "2026-01-01T00:00:00"}).status == 422
    # A number is no moment (pydantic alone would read it as seconds since 1970).
    assert company.api.get(path, key=company.admin_key, params={"to": "0"}).status == 422
    assert company.api.get(path, key=company.admin_key, params={"from": "1767225600"}).status == 422
    first_days = {"from": "0001-01-01T00:00:00+00:00", "to": "0001-01-02T00:00:00+00:00"}
    assert company.api.get(path, key=company.admin_key, params=first_days).status == 422
    assert company.api.get(path, key=company.admin_key, params={"to": "0001-01-01T00:00:00+00:00"}).status == 422
    agent = company.key("agent", agent_id=1)
    assert company.api.get(path, key=agent).status == 403
    assert company.api.get("/v1/reports/pool", key=agent).status == 403


def test_the_pool_report_counts_waiting_leads_by_age_and_lists_the_oldest(
    claiming: Company, clock: MovableClock, aws_calls: AwsCalls
) -> None:
    company = claiming
    old = [expect(company.submit(unique_lead(n)), 202)["lead_id"] for n in range(2)]
    clock.advance(hours=2)
    fresh = expect(company.submit(unique_lead(9)), 202)["lead_id"]
    expect(company.api.post(f"/v1/leads/{old[1]}/assign", json_body={"office_id": "north"}, key=company.admin_key), 200)
    clock.advance(seconds=30)

    aws_calls.reset()
    pool = expect(company.api.get("/v1/reports/pool", key=company.admin_key), 200)
    assert "dynamodb.Scan" not in aws_calls.names()
    assert pool["waiting"] == 3
    assert pool["by_age"] == {"under_5_minutes": 1, "under_1_hour": 0, "under_1_day": 2, "older": 0}
    assert [lead["lead_id"] for lead in pool["oldest"]] == [*old, fresh]
    assert pool["oldest"][0]["waiting_seconds"] >= 2 * 3600
    assert "email" not in pool["oldest"][0]
    assert "contact" not in pool["oldest"][0]

    manager = company.key("office_manager", office_ids=["north"])
    theirs = expect(company.api.get("/v1/reports/pool", key=manager), 200)
    assert (theirs["waiting"], [lead["lead_id"] for lead in theirs["oldest"]]) == (1, [old[1]])
    assert theirs["by_age"]["under_1_day"] == 1


def test_a_failed_count_is_retried_from_the_stream_and_counted_once_without_holding_the_events_back(
    claiming: Company, clock: MovableClock, faults: Faults, aws: CreatedResources
) -> None:
    company = claiming
    keys = {1: company.key("agent", agent_id=1)}
    conflict = client_error(
        "TransactionCanceledException",
        "TransactWriteItems",
        CancellationReasons=[{"Code": "TransactionConflict"}, {"Code": "None"}],
    )
    # Two transactions meeting on an item (retried at once), then DynamoDB failing outright (the batch fails).
    failures = iter([conflict, conflict, client_error("InternalServerError", "TransactWriteItems", 500)])

    def counting_fails(_name: str, _count: str, params: dict[str, Any]) -> Exception | None:
        # Only the tallies' transactions (their marker first); an intake's own transaction goes through.
        marker = params["TransactItems"][0].get("Put", {}).get("Item", {}).get("SK", {}).get("S", "")
        return next(failures, None) if marker.startswith("COUNTED#") else None

    faults.on("dynamodb.TransactWriteItems", counting_fails)
    lead_ids = claim_after(company, clock, keys, [(1, 6)])

    events = [event["detail-type"] for event in bus_events(aws.event_queue_url)]
    assert events.count("lead.claimed") == 1  # the publisher went on while the counts failed
    rows = rows_by_key(report(company, group_by="agent"))  # the stream gives the failed change again
    assert (rows[1]["claimed"], rows[None]["received"]) == (1, 1)
    # The intake's change: two conflicts, a failure, then counted; the claim's: counted at once.
    assert next(failures, None) is None  # every injected failure was met
    assert rows[1]["speed_to_lead_seconds"]["median"] == int(company.lead(lead_ids[0])["speed_to_lead_seconds"])
    assert report(company, group_by="agent")["rows"] == list(rows.values())


def test_counting_a_change_reads_the_companys_calendar_alone_not_its_agents(
    company: Company, table_name: str, aws_calls: AwsCalls, clock: MovableClock
) -> None:
    # A cold aggregator at a large company read every agent and route for the time zone alone (seconds).
    company.settings(time_zone="America/Chicago")
    company.time_zone = "America/Chicago"
    clock.advance_to_local(23, company.time_zone)  # 5 AM the next day in UTC: the day is the company's
    seed_agents(table_name, company.company_id, range(1, 501))
    lead = company.lead(expect(company.submit(unique_lead(1)), 202)["lead_id"])
    # The aggregator in a container of its own, without the intake's cached configuration.
    new_container(clock)
    aws_calls.reset()
    deliver_stream_records()
    assert f"C#{company.company_id}" not in aws_calls.queried_partitions()
    (day,) = report(company, group_by="day")["rows"]
    assert (day["key"], day["received"]) == (company.local_day(lead["created_at"]), 1)
