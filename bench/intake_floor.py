"""A warm intake through the real handler, next to its floor: the same AWS requests it cannot avoid, made
directly with boto3 against the same (serialized) moto server, interleaved in one run.

The floor replays the requests one intake made (config-version read, idempotency record, receipt, lead
write, PutEvents), each with a fresh lead id, idempotency key and receipt key so its conditions hold as they
did for the handler. It is measured on a company whose leads go to the pool, because a round-robin turn's conditional
transaction cannot be replayed as it was; the round-robin intake is timed beside it for reference."""

import json
import time
import uuid
from typing import Any

import boto3
from botocore import xform_name

from bench.aws_calls import Recorded, recording
from bench.local import LocalStack
from bench.stats import summarize


def _replayer(recorded: Recorded, lead_id: str) -> Any:
    clients: dict[str, Any] = {}
    templates = [(service, operation, json.dumps(params, default=str)) for service, operation, params in recorded.calls]
    # Keys that name the request (the idempotency record's, the intake receipt's) must be fresh per replay.
    puts = [params["Item"] for _, operation, params in recorded.calls if operation == "PutItem"]
    idempotency_keys = {
        str(item["PK"]["S"]).rsplit("#", 1)[1] for item in puts if str(item["PK"]["S"]).startswith("idempotency#")
    }
    idempotency_keys |= {str(item["PK"]["S"]).rsplit("#", 1)[1] for item in puts if "#INTAKE#" in str(item["PK"]["S"])}

    def replay() -> None:
        fresh_lead = "ld_" + uuid.uuid4().hex[:26]
        fresh_key = uuid.uuid4().hex
        for service, operation, template in templates:
            text = template.replace(lead_id, fresh_lead)
            for key in idempotency_keys:
                text = text.replace(key, fresh_key)
            if service not in clients:
                clients[service] = boto3.session.Session().client(service)  # type: ignore[call-overload]
            getattr(clients[service], xform_name(operation))(**json.loads(text))

    return replay


def run(stack: LocalStack, iterations: int) -> dict[str, Any]:
    pool = stack.company()
    robin = stack.company(agents=5, auto_assign_enabled=True)
    for n in range(5):  # warm both containers' caches
        stack.intake(stack.intake_event(pool.company_id, -1 - n))
        stack.intake(stack.intake_event(robin.company_id, -100 - n))
    with recording() as recorded:
        lead_id = stack.intake(stack.intake_event(pool.company_id, -1000))["lead_id"]
    replay = _replayer(recorded, lead_id)
    replay()  # the floor's own warm-up (clients, connections)

    handler, floor, round_robin = [], [], []
    for n in range(iterations):
        event = stack.intake_event(pool.company_id, n)
        started = time.perf_counter()
        stack.intake(event)
        handler.append(time.perf_counter() - started)
        started = time.perf_counter()
        replay()
        floor.append(time.perf_counter() - started)
        event = stack.intake_event(robin.company_id, 100_000 + n)
        started = time.perf_counter()
        stack.intake(event)
        round_robin.append(time.perf_counter() - started)

    handler_s, floor_s, robin_s = summarize(handler), summarize(floor), summarize(round_robin)
    ratio = round(handler_s.median_ms / floor_s.median_ms, 3)
    print("intake vs floor (warm, leads to the pool)")
    print(f"  intake handler   {handler_s.line()}")
    print(f"  floor (boto3)    {floor_s.line()}")
    print(f"  ratio of medians {ratio}  (target <= 1.25)")
    print(f"  round-robin intake {robin_s.line()}")
    print(f"  requests of one intake: {', '.join(recorded.names())}")
    return {
        "handler": handler_s.__dict__,
        "floor": floor_s.__dict__,
        "ratio": ratio,
        "target": 1.25,
        "round_robin_intake": robin_s.__dict__,
        "requests": recorded.names(),
    }
