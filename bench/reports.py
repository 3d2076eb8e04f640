"""The routing report's cost over a year of history: a small company (10 leads) and a large one (a simulated
year of leads, every lead's changes tallied by the same code the stream's consumer runs), each asked for a
year's report per agent, per source and per day over HTTP through the local stack. Target: the same few
DynamoDB requests for both (a report reads tally items, at most 366 per key, never leads)."""

import random
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import boto3

from bench.aws_calls import recording
from bench.local import BenchCompany, LocalStack
from leadrouter.adapters.dynamo_aggregates import tally_update
from leadrouter.domain.leads import LeadSubmission
from leadrouter.domain.lifecycle import claim_from_pool, new_lead
from leadrouter.domain.reports import Tally, TallyKey, change_tallies
from leadrouter.domain.time_zones import zone

AGENTS = 20
SOURCES = ("website", "zillow", "realtor", "open-house")
OFFICES = ("north", "south")
YEAR_START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)
GROUPS = ("agent", "source", "day")


def _history(leads: int, seed: int) -> Iterator[dict[TallyKey, Tally]]:
    """Each simulated lead's intake and claim (spread over the year, claimed after a lognormal wait), tallied."""
    rng = random.Random(seed)
    utc = zone("UTC")
    for n in range(leads):
        at = YEAR_START + timedelta(seconds=rng.randrange(365 * 86_400))
        submission = LeadSubmission.model_validate({"email": f"sim{n}@example.net", "source": rng.choice(SOURCES)})
        lead = new_lead(f"ld_sim{n}", "co", submission, at)
        tallies = change_tallies(lead, 0, utc)
        before = len(lead.history)
        agent_id = rng.randint(1, AGENTS)
        waited = timedelta(seconds=rng.lognormvariate(4, 1.5))
        claim_from_pool(lead, agent_id, OFFICES[agent_id % 2], f"Agent {agent_id}", at + waited, "key_sim")
        for key, tally in change_tallies(lead, before, utc).items():
            tallies.setdefault(key, Tally()).add(tally)
        yield tallies


def _seed(stack: LocalStack, company: BenchCompany, leads: int, seed: int) -> int:
    """Write the simulated year's tallies, merged per item, as the aggregator writes them; answers items."""
    merged: dict[TallyKey, Tally] = {}
    for tallies in _history(leads, seed):
        for key, tally in tallies.items():
            merged.setdefault(key, Tally()).add(tally)
    table = stack.stack.resources.table_names[0]
    client = boto3.client("dynamodb")
    # The items a year of single changes would have added up to, put as they would stand: the aggregator's
    # own update for each (adapters/dynamo_aggregates.py), read as the item it makes on an empty key. Puts in
    # batches of 25, since moto takes minutes for 23,000 transactional updates and the report's cost, not
    # the seed's, is what is measured.
    puts = [
        {"PutRequest": {"Item": _as_item(tally_update(table, company.company_id, key, tally))}}
        for key, tally in merged.items()
    ]
    for start in range(0, len(puts), 25):
        pending: Any = {table: puts[start : start + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None
    return len(merged)


def _as_item(update: dict[str, Any]) -> dict[str, Any]:
    """The item an aggregator update makes where there was none: its key, and each name set or added."""
    spec = update["Update"]
    names, values = spec["ExpressionAttributeNames"], spec["ExpressionAttributeValues"]
    item = dict(spec["Key"])
    for placeholder, name in names.items():
        item[name] = values[":" + placeholder.removeprefix("#")]
    return item


def _measure(stack: LocalStack, company: BenchCompany, group_by: str) -> dict[str, Any]:
    params = f"from={date(2025, 1, 1).isoformat()}T00:00:00Z&to=2025-12-31T23:59:59Z&group_by={group_by}"
    with recording() as recorded:
        begun = time.perf_counter()
        answer = stack.call("GET", f"/v1/reports/routing?{params}", company.admin_key)
        elapsed_ms = (time.perf_counter() - begun) * 1000
    dynamodb = [name for name in recorded.names() if name.startswith("dynamodb.")]
    return {
        "rows": len(answer["rows"]),
        "dynamodb_requests": len(dynamodb),
        "queries": dynamodb.count("dynamodb.Query"),
        "ms": round(elapsed_ms, 1),
    }


def run(stack: LocalStack, large_leads: int) -> dict[str, Any]:
    print(f"Routing report over a year: 10 leads against {large_leads} (same requests is the target)")
    results: dict[str, Any] = {}
    for name, leads in (("small", 10), ("large", large_leads)):
        company = stack.company(agents=AGENTS)
        begun = time.perf_counter()
        items = _seed(stack, company, leads, seed=leads)
        seeded_s = time.perf_counter() - begun
        figures = {group: _measure(stack, company, group) for group in GROUPS}
        results[name] = {"leads": leads, "tally_items": items, "seed_seconds": round(seeded_s, 1), **figures}
        for group, measured in figures.items():
            print(
                f"  {name:5s} {leads:8d} leads, {items:6d} items  group_by={group:6s} rows {measured['rows']:4d}  "
                f"DynamoDB requests {measured['dynamodb_requests']:3d} (Query {measured['queries']:3d})  "
                f"{measured['ms']:8.1f} ms"
            )
    return results
