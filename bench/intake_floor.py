"""A warm intake through the real handler, next to its floor: the fewest AWS requests that store a lead
idempotently and route it, made directly with boto3 against the same (serialized) moto server, interleaved
in one run.

The floor is three requests: the configuration-version read a warm container makes (GetItem), the person
index read that tells a returning lead (BatchGetItem of the lead's keyed hashes), and one transaction that
writes the lead, keyed so that a retry or a double click finds it (condition `attribute_not_exists`), with
its index item (TransactWriteItems). They are the handler's own requests, taken from one recorded intake and
replayed with a fresh lead id and a fresh index key each time so the conditions hold as they did for the
handler. Measured on a company whose
leads go to the pool; the round-robin intake (two more requests: the look-up before the turn, the queue
counter's increment) is timed beside it. An intake in the first ten minutes of an hour also checks the
previous hour's lead id (domain/intake_requests.py) as a condition of the same transaction, no request more:
the run counts its intakes by their requests."""

import json
import time
import uuid
from typing import Any

import boto3

from bench.aws_calls import Recorded, recording
from bench.local import LocalStack
from bench.stats import summarize

FLOOR = ["dynamodb.GetItem", "dynamodb.BatchGetItem", "dynamodb.TransactWriteItems"]


def _floor(recorded: Recorded, lead_id: str) -> Any:
    """The recorded intake's version read, person look-up and lead write, replayable with a fresh lead id
    and index keys."""
    version = next(params for _s, operation, params in recorded.calls if operation == "GetItem")
    look_up = next(params for _s, operation, params in recorded.calls if operation == "BatchGetItem")
    write = next(params for _s, operation, params in recorded.calls if operation == "TransactWriteItems")
    index_keys = [
        item["Put"]["Item"]["PK"]["S"]
        for item in write["TransactItems"]
        if "#PERSON#" in item["Put"]["Item"]["PK"]["S"]
    ]
    template = json.dumps(write)
    client = boto3.session.Session().client("dynamodb")

    def replay() -> None:
        client.get_item(**version)
        client.batch_get_item(**look_up)
        fresh = template.replace(lead_id, "ld_" + uuid.uuid4().hex[:26])
        for index_key in index_keys:
            fresh = fresh.replace(index_key, index_key + uuid.uuid4().hex)
        client.transact_write_items(**json.loads(fresh))

    return replay


def run(stack: LocalStack, iterations: int) -> dict[str, Any]:
    pool = stack.company()
    robin = stack.company(agents=5, auto_assign_enabled=True)
    for n in range(5):  # warm both containers' caches
        stack.intake(stack.intake_event(pool.company_id, -1 - n))
        stack.intake(stack.intake_event(robin.company_id, -100 - n))
    with recording() as recorded:
        lead_id = stack.intake(stack.intake_event(pool.company_id, -1000))["lead_id"]
    floor_of = _floor(recorded, lead_id)
    floor_of()  # the floor's own warm-up (client, connection)

    handler, floor, round_robin = [], [], []
    requests: dict[int, int] = {}
    for n in range(iterations):
        event = stack.intake_event(pool.company_id, n)
        with recording() as made:
            started = time.perf_counter()
            stack.intake(event)
            handler.append(time.perf_counter() - started)
        requests[len(made.calls)] = requests.get(len(made.calls), 0) + 1
        with recording():  # the same hook on both sides
            started = time.perf_counter()
            floor_of()
            floor.append(time.perf_counter() - started)
        event = stack.intake_event(robin.company_id, 100_000 + n)
        started = time.perf_counter()
        stack.intake(event)
        round_robin.append(time.perf_counter() - started)

    handler_s, floor_s, robin_s = summarize(handler), summarize(floor), summarize(round_robin)
    ratio = round(handler_s.median_ms / floor_s.median_ms, 3)
    print("intake vs floor (warm, leads to the pool)")
    print(f"  intake handler   {handler_s.line()}")
    print(f"  floor (boto3)    {floor_s.line()}  ({', '.join(FLOOR)})")
    print(f"  ratio of medians {ratio}  (target <= 1.25: {'met' if ratio <= 1.25 else 'NOT met'})")
    print(f"  round-robin intake {robin_s.line()}")
    print(f"  requests of one intake: {', '.join(recorded.names())}; intakes by request count: {requests}")
    return {
        "handler": handler_s.__dict__,
        "floor": floor_s.__dict__,
        "ratio": ratio,
        "target": 1.25,
        "round_robin_intake": robin_s.__dict__,
        "requests": recorded.names(),
        "intakes_by_request_count": requests,
    }
