"""Many companies at once on one local stack: 200 brokerages (20 with `--quick`), each with three agents in a
weighted round robin, all submitting leads concurrently through the HTTP API (the public intake,
`POST /v1/companies/{company_id}/leads`), as websites of many brokerages do at a peak.

What it shows (docs/SCALE.md): no company slows another, since what intakes of one company share is only its
own META and its own counter (`C#<company>#RR`), and every company's distribution is exact (each agent's
leads within one of N x weight / Σweights, bench/spread.py), however the companies' intakes interleave.

The stack is one whose containers are processes (up to ten per function, as Lambda scales a function out),
behind the local gateway; moto answers one AWS request at a time on this machine, so the absolute latencies
are the queue in front of moto, shared by every company alike: the figure is the spread across companies,
not the milliseconds. Agents are seeded into the table (tests/support/seeding.py; through the API each would
cost a request, and the benchmark would spend its time there); the settings go through the API.

Size: each intake is 5 AWS requests and the stack served about 10 round-robin intakes a second on this
2-core machine (moto answers one request at a time), so 200 companies x 6 leads (1,200 intakes, 2 minutes)
plus the setup (40 s) and the stack's start took 3 min 15 s on 2026-12-02; `--quick` runs 20 companies.
Later, with more of the table in it, 4 min 38 s, most of it moto sorting the whole table for each company's
queries; since moto's queries read their partition (devstack/moto_dynamodb.py, 2026-12-03) 2 min 33 s, 12
intakes a second."""

import random
import statistics
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests

from bench.local import BenchCompany, LocalStack
from bench.spread import is_exact, spread_ratio, worst_deviation
from bench.stats import summarize

THREADS = 20  # clients in flight at once, twice the containers a function may have
# The setup is not measured: few at once, so that cold containers starting side by side on 2 cores do not
# run past the authorizer's 10-second timeout.
SETUP_THREADS = 4
# One company in four of each weighting: every company's fair share runs over a standing of its own.
WEIGHTINGS: tuple[dict[int, float], ...] = (
    {1: 1.0, 2: 2.0, 3: 3.0},
    {1: 1.0, 2: 1.0, 3: 1.0},
    {1: 0.5, 2: 1.0, 3: 1.5},
    {1: 3.0, 2: 1.0, 3: 2.0},
)
# The slowest company's median intake within twice the median company's: no company is held up by another's.
SPREAD_TARGET = 2.0
WARM_UP = 40  # intakes of a company of its own first: every container's cold start out of the figures


def _create(stack: LocalStack, n: int) -> tuple[BenchCompany, dict[int, float]]:
    from leadrouter.domain.agents import Agent
    from tests.support.seeding import seed_configuration

    answer = requests.post(
        stack.stack.api_url + "/v1/companies",
        json={"name": f"Brokerage {n}", "time_zone": "UTC"},
        headers={"Authorization": f"Bearer {stack.operator_key}"},
        timeout=60,
    )
    answer.raise_for_status()
    company = BenchCompany(answer.json()["company_id"], answer.json()["admin_key"])
    weights = WEIGHTINGS[n % len(WEIGHTINGS)]
    agents = [
        Agent(
            agent_id=agent_id,
            name=f"Agent {agent_id}",
            email=f"agent{agent_id}@brokerage{n}.test",
            in_auto_assign_queue=True,
            weight=weight,
        )
        for agent_id, weight in weights.items()
    ]
    seed_configuration(stack.stack.resources.table_names[0], company.company_id, agents)
    settings = requests.put(
        stack.stack.api_url + "/v1/settings",
        json={"auto_assign_enabled": True},
        headers={"Authorization": f"Bearer {company.admin_key}"},
        timeout=60,
    )
    settings.raise_for_status()
    return company, weights


def _submit(stack: LocalStack, company: BenchCompany, n: int) -> float:
    """One lead of a website's visitor; the seconds until its 202. A 409 `in_progress` (an earlier attempt of
    the same request still running) is retried as the API's contract asks; distinct bodies never meet one."""
    body = {"first_name": "Lead", "last_name": f"Visitor {n}", "email": f"visitor{n}@example.net"}
    url = f"{stack.stack.api_url}/v1/companies/{company.company_id}/leads"
    started = time.perf_counter()
    for _ in range(5):
        answer = requests.post(url, json=body, timeout=60)
        if answer.status_code != 409:
            break
        time.sleep(1)
    if answer.status_code != 202:
        raise RuntimeError(f"intake answered {answer.status_code}: {answer.text[:300]}")
    return time.perf_counter() - started


def _distribution(stack: LocalStack, company: BenchCompany) -> Counter[int]:
    answer = requests.get(
        stack.stack.api_url + "/v1/leads",
        params={"limit": 200},
        headers={"Authorization": f"Bearer {company.admin_key}"},
        timeout=60,
    )
    answer.raise_for_status()
    return Counter(int(lead["agent_id"]) for lead in answer.json()["leads"] if lead.get("agent_id") is not None)


def run(stack: LocalStack, companies: int, leads: int) -> dict[str, Any]:
    print(f"companies: {companies} brokerages at once, 3 agents each in a weighted round robin, {leads} leads each")
    started = time.monotonic()
    warm_company, _ = _create(stack, companies)
    with ThreadPoolExecutor(max_workers=SETUP_THREADS) as pool:
        made = list(pool.map(lambda n: _create(stack, n), range(companies)))
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        list(pool.map(lambda n: _submit(stack, warm_company, n), range(WARM_UP)))
    setup_s = time.monotonic() - started

    # Round by round, each round in its own random order: every company has intakes in flight throughout.
    shuffle = random.Random(10)
    tasks = [(index, n) for n in range(leads) for index in shuffle.sample(range(companies), companies)]
    latencies: dict[int, list[float]] = defaultdict(list)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        timed = list(pool.map(lambda task: (task[0], _submit(stack, made[task[0]][0], 1000 + task[1])), tasks))
    intake_s = time.monotonic() - started
    for index, seconds in timed:
        latencies[index].append(seconds)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        counts = list(pool.map(lambda pair: _distribution(stack, pair[0]), made))
    per_company = [summarize(latencies[index]) for index in range(companies)]
    medians = [summary.median_ms for summary in per_company]
    p99s = [summary.p99_ms for summary in per_company]
    ratio = spread_ratio(medians)
    exact = [
        is_exact(count, weights) and sum(count.values()) == leads
        for count, (_, weights) in zip(counts, made, strict=True)
    ]
    deviation = max(worst_deviation(count, weights) for count, (_, weights) in zip(counts, made, strict=True))
    overall = summarize([seconds for _, seconds in timed])
    spread_met, exact_met = ratio <= SPREAD_TARGET, all(exact)

    print(f"  setup {setup_s:.0f} s; {len(timed):,} intakes in {intake_s:.0f} s ({len(timed) / intake_s:.1f}/s)")
    print(f"  all intakes     {overall.line()}")
    print(
        f"  per company p50 min {min(medians):.0f} ms, median {_median(medians):.0f} ms, max {max(medians):.0f} ms;"
        f" per company p99 median {_median(p99s):.0f} ms, max {max(p99s):.0f} ms"
    )
    print(
        f"  slowest company's p50 / median company's p50 = {ratio:.2f}"
        f" (target <= {SPREAD_TARGET}: {'met' if spread_met else 'NOT met'})"
    )
    print(
        f"  distribution exact (each agent within one of N x weight / sum of weights) in {sum(exact)} of"
        f" {companies} companies, worst deviation {deviation:.2f} lead"
        f" (target: all: {'met' if exact_met else 'NOT met'})"
    )
    return {
        "companies": companies,
        "leads_per_company": leads,
        "threads": THREADS,
        "setup_s": round(setup_s, 1),
        "intake_s": round(intake_s, 1),
        "intakes_per_s": round(len(timed) / intake_s, 2),
        "all_intakes": overall.__dict__,
        "company_p50_ms": {"min": min(medians), "median": _median(medians), "max": max(medians)},
        "company_p99_ms": {"median": _median(p99s), "max": max(p99s)},
        "spread_ratio": round(ratio, 3),
        "spread_target": SPREAD_TARGET,
        "spread_met": spread_met,
        "exact_companies": sum(exact),
        "worst_deviation": round(deviation, 3),
        "exact_met": exact_met,
    }


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)
