"""The moto server runs one request at a time, so DynamoDB conditions hold under concurrency."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import moto.dynamodb.comparisons as moto_comparisons
import moto.dynamodb.models.table as moto_table
import pytest
from botocore.exceptions import ClientError

from devstack.moto_server import MotoServer
from tests.support.moto_clients import aws_client

THREADS = 20
ROUNDS = 3


class _SlowCondition:
    """A condition that takes a while to evaluate: a wide window between moto's check and write."""

    def __init__(self, condition: Any) -> None:
        self.condition = condition

    def expr(self, item: Any) -> Any:
        result = self.condition.expr(item)
        time.sleep(0.01)
        return result


@pytest.fixture(autouse=True)
def slow_conditions(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the server's lock, the tests below fail every time with this window; with it they pass.
    original = moto_comparisons.get_filter_expression
    monkeypatch.setattr(
        moto_table, "get_filter_expression", lambda *args, **kwargs: _SlowCondition(original(*args, **kwargs))
    )


def _table(server: MotoServer, name: str) -> Any:
    dynamodb = aws_client(server, "dynamodb")
    dynamodb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return dynamodb


def test_read_check_write_races_leave_a_consistent_counter(moto_server: MotoServer) -> None:
    dynamodb = _table(moto_server, "race-counter")
    dynamodb.put_item(TableName="race-counter", Item={"PK": {"S": "counter"}, "version": {"N": "0"}})
    start = threading.Barrier(THREADS)
    failures: list[str] = []

    def bump(_: int) -> int:
        client = aws_client(moto_server, "dynamodb")
        start.wait()
        won = 0
        for _round in range(ROUNDS):
            item = client.get_item(TableName="race-counter", Key={"PK": {"S": "counter"}}, ConsistentRead=True)
            version = int(item["Item"]["version"]["N"])
            try:
                client.put_item(
                    TableName="race-counter",
                    Item={"PK": {"S": "counter"}, "version": {"N": str(version + 1)}},
                    ConditionExpression="version = :seen",
                    ExpressionAttributeValues={":seen": {"N": str(version)}},
                )
                won += 1
            except ClientError as error:
                failures.append(error.response["Error"]["Code"])
        return won

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        wins = sum(pool.map(bump, range(THREADS)))
    final = dynamodb.get_item(TableName="race-counter", Key={"PK": {"S": "counter"}})["Item"]["version"]["N"]
    # Every successful conditional write moved the version by exactly one: none was lost.
    assert int(final) == wins
    assert set(failures) <= {"ConditionalCheckFailedException"}
    assert wins >= ROUNDS


def test_only_one_of_many_concurrent_creates_wins(moto_server: MotoServer) -> None:
    _table(moto_server, "race-create")
    start = threading.Barrier(THREADS)

    def create(number: int) -> bool:
        client = aws_client(moto_server, "dynamodb")
        start.wait()
        try:
            client.put_item(
                TableName="race-create",
                Item={"PK": {"S": "lead-1"}, "owner": {"N": str(number)}},
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        assert sum(pool.map(create, range(THREADS))) == 1
