"""The AWS cost of one million leads at us-east-1 list prices, from what this run measured: the AWS
requests of each operation (with their item sizes, for DynamoDB's request units; the events its stored
changes publish through the table's stream), the wall time of each
warm invocation (an upper bound of its billed duration), and the memory sizes in template.yaml.

Assumed mix per lead (stated, not measured): 60 % round robin; 20 % click to claim to 5 agents, then one
claim; 20 % a route, whose first member passes and whose second claims. Timers that never fire cost
nothing at Scheduler; the free tiers are left out. Prices are list prices as published in 2025: check them
at https://aws.amazon.com/pricing before relying on the total."""

import json
import math
import time
from typing import Any

from bench.aws_calls import Recorded, recording
from bench.local import LocalStack
from devstack.template import Template

PRICES_AS_OF = "2025 list prices, us-east-1"
LAMBDA_PER_REQUEST = 0.20 / 1e6
LAMBDA_PER_GB_SECOND = 0.0000133334  # arm64 (Graviton), as template.yaml's Globals; x86_64 is 0.0000166667
API_GATEWAY_REST_PER_REQUEST = 3.50 / 1e6
DYNAMODB_PER_WRITE_UNIT = 0.625 / 1e6  # on demand
DYNAMODB_PER_READ_UNIT = 0.125 / 1e6
SES_PER_EMAIL = 0.10 / 1000
SCHEDULER_PER_INVOCATION = 1.00 / 1e6
EVENTBRIDGE_PER_EVENT = 1.00 / 1e6  # custom events, per 64 KB chunk

LEADS = 1_000_000
MIX = {"round robin": 0.6, "click to claim": 0.2, "route": 0.2}
_WRITES = {"PutItem", "UpdateItem", "DeleteItem"}


def _kb(item: Any) -> float:
    return len(json.dumps(item)) / 1024


def request_units(recorded: Recorded) -> tuple[int, int]:
    """DynamoDB (write units, read units) of what was recorded: a write costs one unit per KB of the item
    written (an update, of the small items we update, one), a strongly consistent read one per 4 KB, a
    transaction twice."""
    writes = reads = 0
    for service, operation, params in recorded.calls:
        if service != "dynamodb":
            continue
        if operation == "PutItem":
            writes += math.ceil(_kb(params["Item"]))
        elif operation in _WRITES:
            writes += 1
        elif operation == "BatchWriteItem":
            for requests in params["RequestItems"].values():
                writes += sum(math.ceil(_kb(request["PutRequest"]["Item"])) for request in requests)
        elif operation == "TransactWriteItems":
            writes += 2 * sum(
                math.ceil(_kb(next(iter(item.values())).get("Item", {}))) for item in params["TransactItems"]
            )
        else:  # GetItem, Query: the items we read are under 4 KB
            reads += 1
    return writes, reads


def published_events(recorded: Recorded) -> tuple[int, int]:
    """(stored lead changes, events) of what was recorded. Events are published off the request path, by the
    table stream's consumer (EventPublisherFunction): each lead write's new `lead.*` history entries, those
    stamped with the change's time (`updated_at`), in one PutEvents per change."""
    changes = events = 0
    for service, operation, params in recorded.calls:
        item = params.get("Item", {}) if (service, operation) == ("dynamodb", "PutItem") else {}
        if item.get("SK", {}).get("S") != "LEAD":
            continue
        changed_at = item["updated_at"]["S"]
        entries = [entry["M"] for entry in item["history"]["L"]]
        new = [e for e in entries if e["at"]["S"] == changed_at and e["event"]["S"].startswith("lead.")]
        changes += 1
        events += len(new)
    return changes, events


class Cost:
    def __init__(self, template: Template) -> None:
        self.memory_gb = {logical_id: f.memory_size / 1024 for logical_id, f in template.functions.items()}
        self.lines: dict[str, float] = {}

    def add(self, share: float, recorded: Recorded, invocations: dict[str, float], api_requests: int) -> None:
        """`invocations`: function -> billed seconds of one invocation (of this operation, per lead)."""
        names = recorded.names()
        writes, reads = request_units(recorded)
        changes, events = published_events(recorded)
        # The stream consumer: one invocation per stored change at most (batches group them), its 1 ms minimum.
        invocations = {**invocations, **({"EventPublisherFunction": 0.0} if changes else {})}
        lambda_cost = sum(
            (changes if function == "EventPublisherFunction" else 1)
            * (
                LAMBDA_PER_REQUEST
                + self.memory_gb[function] * max(1, math.ceil(seconds * 1000)) / 1000 * LAMBDA_PER_GB_SECOND
            )
            for function, seconds in invocations.items()
        )
        parts = {
            "Lambda": lambda_cost,
            "API Gateway": api_requests * API_GATEWAY_REST_PER_REQUEST,
            "DynamoDB": writes * DYNAMODB_PER_WRITE_UNIT + reads * DYNAMODB_PER_READ_UNIT,
            "SES": names.count("sesv2.SendEmail") * SES_PER_EMAIL,
            "EventBridge": events * EVENTBRIDGE_PER_EVENT,
        }
        for part, dollars in parts.items():
            self.lines[part] = self.lines.get(part, 0.0) + share * LEADS * dollars


def _intake(stack: LocalStack, company_id: str, n: int) -> tuple[Recorded, float]:
    stack.intake(stack.intake_event(company_id, n))  # warm
    with recording() as recorded:
        started = time.perf_counter()
        stack.intake(stack.intake_event(company_id, n + 1))
        return recorded, time.perf_counter() - started


def run(stack: LocalStack, operations: dict[str, tuple[Recorded, float]]) -> dict[str, Any]:
    cost = Cost(stack.stack.template)
    robin = stack.company(agents=5, auto_assign_enabled=True)
    claim_company = stack.company(agents=5, click_to_claim_enabled=True)
    route_company = stack.company(agents=3)
    stack.call("POST", "/v1/routes", route_company.admin_key, {"name": "All", "priority": 1, "members": [1, 2, 3]})
    claim, claim_s = operations["claim (click to claim, over HTTP)"]
    passing, pass_s = operations["pass (route offer, next member offered)"]
    keyed = {"AuthorizerFunction": 0.0}  # billed its 1 ms minimum: its time is already in the wall time below

    recorded, seconds = _intake(stack, robin.company_id, 9000)
    cost.add(MIX["round robin"], recorded, {"IntakeFunction": seconds}, 1)
    recorded, seconds = _intake(stack, claim_company.company_id, 9100)
    cost.add(MIX["click to claim"], recorded, {"IntakeFunction": seconds}, 1)
    cost.add(MIX["click to claim"], claim, {"AgentApiFunction": claim_s, **keyed}, 1)
    recorded, seconds = _intake(stack, route_company.company_id, 9200)
    cost.add(MIX["route"], recorded, {"IntakeFunction": seconds}, 1)
    cost.add(MIX["route"], passing, {"AgentApiFunction": pass_s, **keyed}, 1)
    cost.add(MIX["route"], claim, {"AgentApiFunction": claim_s, **keyed}, 1)
    # Scheduler bills a timer only when it fires; the mix answers every offer in time.
    cost.lines["EventBridge Scheduler"] = 0.0 * SCHEDULER_PER_INVOCATION

    total = sum(cost.lines.values())
    print(f"cost of {LEADS:,} leads ({PRICES_AS_OF}; mix {MIX})")
    for part, dollars in cost.lines.items():
        print(f"  {part:24s} ${dollars:10.2f}")
    print(f"  {'total':24s} ${total:10.2f}  (${total / LEADS * 1000:.4f} per 1,000 leads)")
    return {"prices": PRICES_AS_OF, "mix": MIX, "leads": LEADS, "dollars": cost.lines, "total": total}
