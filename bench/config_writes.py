"""Configuration writes at 5,000 agents, over HTTP through the local stack as an admin's client makes them:
the wall time and AWS requests (the authorizer's included) of each kind of write, and what a warm
container's next read costs after a round of writes (the change log) beside a cold read of the company.
Target: every write well under a second (1,000 ms), whatever the number of agents."""

import time
from collections.abc import Callable
from typing import Any

import boto3

from bench.aws_calls import recording
from bench.local import LocalStack
from bench.stats import summarize
from leadrouter.adapters.dynamo_config import DynamoConfigRepository

TARGET_MS = 1000.0
type Request = tuple[str, str, dict[str, Any] | None]


def _round(n: int, agents: int, route_id: Callable[[], str]) -> list[tuple[str, Callable[[], Request]]]:
    """One write of each kind; n makes this round's new offices and priorities its own. The writes name
    agents from all over the company (a default agent and route members near its end)."""
    members = [1, 2, agents - 1]
    route = {"name": f"Route {n}", "priority": 100 + n, "members": members, "claim_window_seconds": 60}
    settings = {"auto_assign_enabled": n % 2 == 0, "default_agent_id": agents * 7 // 8}
    return [
        ("settings", lambda: ("PUT", "/v1/settings", settings)),
        ("create office", lambda: ("POST", "/v1/offices", {"office_id": f"office-{n}", "name": f"Office {n}"})),
        ("replace office", lambda: ("PUT", f"/v1/offices/office-{n}", {"name": f"Office {n} North"})),
        ("create agent", lambda: ("POST", "/v1/agents", {"name": f"New {n}", "email": f"new{n}@bench.test"})),
        ("patch agent", lambda: ("PATCH", "/v1/agents/17", {"phone": f"312-555-{n:04d}"})),
        ("replace agent", lambda: ("PUT", "/v1/agents/18", {"name": f"Agent 18.{n}", "email": "a18@bench.test"})),
        ("create route", lambda: ("POST", "/v1/routes", route)),
        ("replace route", lambda: ("PUT", f"/v1/routes/{route_id()}", {**route, "priority": 500 + n})),
        ("delete route", lambda: ("DELETE", f"/v1/routes/{route_id()}", None)),
        ("delete office", lambda: ("DELETE", f"/v1/offices/office-{n}", None)),
    ]


def run(stack: LocalStack, agents: int, rounds: int) -> dict[str, Any]:
    print(f"Configuration writes at {agents} agents (target: each under {TARGET_MS:.0f} ms)")
    company = stack.company(agents=agents)
    warm = DynamoConfigRepository(boto3.client("dynamodb"), stack.stack.resources.table_names[0])
    started = time.perf_counter()
    warm.load(company.company_id)
    cold_ms = (time.perf_counter() - started) * 1000
    # The admin function's container as it is when an admin changes things: warm, having read the company
    # once (the console lists the agents first); a cold one reads the whole company, measured just above.
    stack.call("GET", "/v1/agents", company.admin_key)
    seconds: dict[str, list[float]] = {}
    requests: dict[str, int] = {}
    last_route: list[str] = []
    for n in range(rounds):
        for kind, request in _round(n, agents, lambda: last_route[-1]):
            method, path, body = request()
            with recording() as recorded:
                begun = time.perf_counter()
                answer = stack.call(method, path, company.admin_key, body)
                seconds.setdefault(kind, []).append(time.perf_counter() - begun)
            requests[kind] = len(recorded.names())
            if kind == "create route":
                last_route.append(str(answer["route_id"]))
    results: dict[str, Any] = {}
    for kind, timings in seconds.items():
        summary = summarize(timings)
        met = summary.p99_ms < TARGET_MS
        results[kind] = {"requests": requests[kind], **summary.__dict__, "target_ms": TARGET_MS, "met": met}
        print(f"  {kind:15s} {requests[kind]:2d} requests  {summary.line()}  {'met' if met else 'NOT MET'}")
    with recording() as recorded:
        started = time.perf_counter()
        warm.load(company.company_id)
        caught_up_ms = (time.perf_counter() - started) * 1000
    changes = rounds * len(seconds)
    print(f"  a warm container after {changes} writes: {len(recorded.names())} requests, {caught_up_ms:.1f} ms")
    print(f"  (a cold container reads the whole company: {cold_ms:.0f} ms)")
    results["warm_read_after_writes"] = {
        "writes": changes,
        "requests": recorded.names(),
        "ms": round(caught_up_ms, 3),
        "cold_read_ms": round(cold_ms, 3),
    }
    return results
