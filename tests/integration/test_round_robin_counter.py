"""The round-robin counter in DynamoDB, under real concurrency: threads taking turns at once against the
local moto server (one request at a time, like DynamoDB's per-item serialization; moto in-process is not
atomic under threads), some of them over a changed queue, never get the same turn, never lose one, and
each turn goes to the id after the last one assigned."""

import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest
import requests

from devstack.moto_server import MotoServer, aws_environment
from devstack.resources import create_resources
from devstack.template import Template
from leadrouter.adapters.dynamo_round_robin import DynamoRoundRobinCounter
from leadrouter.domain.ports import SystemRandom
from leadrouter.domain.round_robin import QueuePosition, next_in_queue
from leadrouter.service.round_robin_turns import RoundRobinTurns

COMPANY = "co_counter"


@pytest.fixture(scope="module")
def server() -> Iterator[MotoServer]:
    moto = MotoServer()
    moto.start()
    yield moto
    moto.stop()


@pytest.fixture
def table_name(server: MotoServer, template: Template, monkeypatch: pytest.MonkeyPatch) -> str:
    """The template's table on the server, from an empty account."""
    requests.post(f"{server.endpoint_url}/moto-api/reset", timeout=10).raise_for_status()
    for name, value in aws_environment(server.endpoint_url, "us-east-1").items():
        monkeypatch.setenv(name, value)
    return create_resources(template).table_names[0]


class RecordingCounter(DynamoRoundRobinCounter):
    """Remembers every turn it handed out (the counter after each successful increment)."""

    def __init__(self, table: str) -> None:
        super().__init__(boto3.client("dynamodb"), table)
        self.handed_out: list[int] = []
        self._lock = threading.Lock()

    def _record(self, position: QueuePosition) -> QueuePosition:
        with self._lock:
            self.handed_out.append(position.turns)
        return position

    def take(self, company_id: str, ring: str | None) -> QueuePosition:
        return self._record(super().take(company_id, ring))

    def reanchor(self, company_id: str, seen: QueuePosition, anchored: QueuePosition) -> QueuePosition:
        return self._record(super().reanchor(company_id, seen, anchored))


def test_concurrent_turns_are_each_handed_out_once_and_fairly(table_name: str) -> None:
    counter = RecordingCounter(table_name)
    turns = RoundRobinTurns(counter, SystemRandom())
    queue = (4, 7, 9, 12)

    with ThreadPoolExecutor(max_workers=16) as pool:
        chosen = list(pool.map(lambda _: turns.take(COMPANY, queue), range(200)))

    assert sorted(counter.handed_out) == list(range(1, 201))
    assert Counter(chosen) == {4: 50, 7: 50, 9: 50, 12: 50}


def test_concurrent_turns_over_two_queues_never_share_a_turn(table_name: str) -> None:
    """Half the intakes still see agent 9 in the queue, half see it gone (a configuration change being
    picked up by warm containers): the counter re-anchors back and forth, and no turn is given twice."""
    counter = RecordingCounter(table_name)
    turns = RoundRobinTurns(counter, SystemRandom())
    queues = [(4, 7, 9, 12), (4, 7, 12)]

    with ThreadPoolExecutor(max_workers=16) as pool:
        chosen = list(pool.map(lambda n: turns.take(COMPANY, queues[n % 2]), range(200)))

    assert sorted(counter.handed_out) == list(range(1, 201))
    assert set(chosen) <= {4, 7, 9, 12}
    assert counter.position(COMPANY).turns == 200


def test_after_a_queue_change_the_next_turn_follows_the_last_agent_assigned(table_name: str) -> None:
    counter = DynamoRoundRobinCounter(boto3.client("dynamodb"), table_name)
    turns = RoundRobinTurns(counter, SystemRandom())
    assert [turns.take(COMPANY, (4, 7, 9)) for _ in range(2)] == [4, 7]
    assert turns.upcoming(COMPANY, (4, 9, 12)) == 9  # told, not taken
    assert [turns.take(COMPANY, (4, 9, 12)) for _ in range(3)] == [9, 12, 4]  # 7 left, 12 joined
    assert turns.take(COMPANY, (4, 7, 9, 12)) == next_in_queue((4, 7, 9, 12), 4) == 7


def test_a_position_stored_before_the_counter_existed_is_continued(table_name: str) -> None:
    client = boto3.client("dynamodb")
    client.put_item(
        TableName=table_name,
        Item={"PK": {"S": f"C#{COMPANY}#RR"}, "SK": {"S": "RR"}, "last_agent_id": {"N": "7"}},
    )
    turns = RoundRobinTurns(DynamoRoundRobinCounter(client, table_name), SystemRandom())

    assert [turns.take(COMPANY, (4, 7, 9)) for _ in range(3)] == [9, 4, 7]
