"""AWS requests (botocore hook) and wall time of the operations after an intake, each warm, over HTTP
through the local stack as an agent's or admin's client makes them: a claim, a pass on a route offer
(which offers the lead to the route's next member), an admin assignment, and a timer firing (the timeout
function invoked as Scheduler would). Keyed requests include the authorizer's request."""

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import boto3
import requests

from bench.aws_calls import Recorded, recording
from bench.local import BenchCompany, LocalStack


class Client:
    def __init__(self, stack: LocalStack, company: BenchCompany) -> None:
        self.stack = stack
        self.company = company

    def agent_key(self, agent_id: int) -> str:
        body = {"role": "agent", "agent_id": agent_id}
        return str(self.stack.call("POST", "/v1/keys", self.company.admin_key, body)["key"])

    def post(self, path: str, key: str, body: Any = None) -> requests.Response:
        return requests.post(
            self.stack.stack.api_url + path, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=60
        )

    def lead(self, lead_id: str) -> dict[str, Any]:
        return dict(self.stack.call("GET", f"/v1/leads/{lead_id}", self.company.admin_key))

    def open_offer(self, lead_id: str) -> str:
        return str(next(offer["offer_id"] for offer in self.lead(lead_id)["offers"] if offer["state"] == "open"))


def _measured(action: Callable[[], Any]) -> tuple[Recorded, float, Any]:
    with recording() as recorded:
        started = time.perf_counter()
        outcome = action()
        elapsed = time.perf_counter() - started
    return recorded, elapsed, outcome


def _answer_offers(client: Client, first_lead: int, action: str) -> tuple[Recorded, float]:
    """Agent 1 answers the open offer of two fresh leads; the second answer is measured (warm)."""
    key = client.agent_key(1)
    for n in range(2):
        lead_id = client.stack.intake(client.stack.intake_event(client.company.company_id, first_lead + n))["lead_id"]
        offer = client.open_offer(lead_id)
        recorded, elapsed, answer = _measured(partial(client.post, f"/v1/me/offers/{offer}/{action}", key))
        assert answer.status_code == 200, answer.text
    return recorded, elapsed


def _claim(stack: LocalStack) -> tuple[Recorded, float]:
    return _answer_offers(Client(stack, stack.company(agents=5, click_to_claim_enabled=True)), 7000, "claim")


def _route_pass(stack: LocalStack) -> tuple[Recorded, float]:
    client = Client(stack, stack.company(agents=3))
    route = {"name": "Everyone", "priority": 1, "members": [1, 2, 3], "claim_window_seconds": 600}
    stack.call("POST", "/v1/routes", client.company.admin_key, route)
    return _answer_offers(client, 7100, "pass")


def _assignment(stack: LocalStack) -> tuple[Recorded, float]:
    client = Client(stack, stack.company(agents=3))
    for n in range(2):
        lead_id = stack.intake(stack.intake_event(client.company.company_id, 7200 + n))["lead_id"]
        path = f"/v1/leads/{lead_id}/assign"
        recorded, elapsed, answer = _measured(partial(client.post, path, client.company.admin_key, {"agent_id": 2}))
        assert answer.status_code == 200, answer.text
    return recorded, elapsed


def _timeout(stack: LocalStack) -> tuple[Recorded, float]:
    """The first lead's window is ended by the stack's own timer (a warm timeout function); the second's
    timer message, delayed by the window's second, is purged from the queue before it can be received, and
    the same invocation is made here once the window is over, measured."""
    settings = {"auto_assign_enabled": True, "acceptance_required": True, "acceptance_timeout_seconds": 1}
    client = Client(stack, stack.company(agents=3, **settings))
    warm = stack.intake(stack.intake_event(client.company.company_id, 7300))["lead_id"]
    deadline = time.monotonic() + 30
    while client.lead(warm)["offers"][0]["state"] == "open" and time.monotonic() < deadline:
        time.sleep(0.2)
    lead_id = stack.intake(stack.intake_event(client.company.company_id, 7301))["lead_id"]
    offer = client.open_offer(lead_id)
    (timers,) = [url for name, url in stack.stack.resources.queue_urls.items() if name.endswith("offer-timers")]
    boto3.client("sqs").purge_queue(QueueUrl=timers)
    time.sleep(1.2)
    payload = {"company_id": client.company.company_id, "lead_id": lead_id, "offer_id": offer}
    recorded, elapsed, _ = _measured(partial(stack.stack.runtime.invoke, "TimeoutFunction", payload))
    assert client.lead(lead_id)["offers"][0]["state"] == "expired"
    assert recorded.names().count("dynamodb.PutItem") + recorded.names().count("dynamodb.TransactWriteItems") == 1
    return recorded, elapsed


OPERATIONS: dict[str, Callable[[LocalStack], tuple[Recorded, float]]] = {
    "claim (click to claim, over HTTP)": _claim,
    "pass (route offer, next member offered)": _route_pass,
    "admin assignment (over HTTP)": _assignment,
    "timer fires (acceptance runs out, to the pool)": _timeout,
}


def measure(stack: LocalStack) -> dict[str, tuple[Recorded, float]]:
    return {name: operation(stack) for name, operation in OPERATIONS.items()}


def run(stack: LocalStack, measured: dict[str, tuple[Recorded, float]]) -> dict[str, Any]:
    print("AWS requests of one warm operation after the intake (wall time over HTTP, authorizer included)")
    results: dict[str, Any] = {}
    for name, (recorded, elapsed) in measured.items():
        names = recorded.names()
        print(f"  {name:46s} {len(names):3d}  {elapsed * 1000:6.0f} ms  {', '.join(names)}")
        results[name] = {"requests": names, "ms": round(elapsed * 1000, 1)}
    return results
