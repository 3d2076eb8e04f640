"""Moto's transactions with a backup of the items they touch (devstack/moto_dynamodb.py): a transaction
whose condition fails changes no item and leaves no stream record, as in DynamoDB; one that passes writes
every item. Reads answer what was stored; a query of the table reads its partition alone and answers what
DynamoDB answers (order, conditions, filters, pages)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from devstack import moto_dynamodb

TABLE = "Things"


@pytest.fixture
def db(aws: boto3.session.Session) -> Any:
    moto_dynamodb.install()
    client = aws.client("dynamodb")
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
            {"AttributeName": "G", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GSI1",
                "KeySchema": [{"AttributeName": "G", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    client.put_item(TableName=TABLE, Item={"PK": {"S": "c"}, "SK": {"S": "META"}, "version": {"N": "1"}})
    client.put_item(TableName=TABLE, Item={"PK": {"S": "c"}, "SK": {"S": "A"}, "name": {"S": "old"}})
    return client


def transaction(version_seen: int) -> list[Any]:
    return [
        {"Put": {"TableName": TABLE, "Item": {"PK": {"S": "c"}, "SK": {"S": "A"}, "name": {"S": "new"}}}},
        {"Put": {"TableName": TABLE, "Item": {"PK": {"S": "c"}, "SK": {"S": "B"}, "name": {"S": "born"}}}},
        {
            "Update": {
                "TableName": TABLE,
                "Key": {"PK": {"S": "c"}, "SK": {"S": "META"}},
                "UpdateExpression": "SET version = version + :one",
                "ConditionExpression": "version = :seen",
                "ExpressionAttributeValues": {":one": {"N": "1"}, ":seen": {"N": str(version_seen)}},
            }
        },
    ]


def items(db: Any) -> dict[str, dict[str, Any]]:
    found = db.query(TableName=TABLE, KeyConditionExpression="PK = :c", ExpressionAttributeValues={":c": {"S": "c"}})
    return {item["SK"]["S"]: item for item in found["Items"]}


def stream_records(db: Any, aws: boto3.session.Session) -> list[str]:
    streams = aws.client("dynamodbstreams")
    arn = db.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return [record["eventName"] for record in records]


def test_a_cancelled_transaction_changes_no_item_and_leaves_no_stream_record(
    db: Any, aws: boto3.session.Session
) -> None:
    before, records = items(db), stream_records(db, aws)

    with pytest.raises(ClientError) as raised:
        db.transact_write_items(TransactItems=transaction(version_seen=7))

    assert raised.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [reason["Code"] for reason in raised.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "ConditionalCheckFailed"]
    assert items(db) == before
    assert stream_records(db, aws) == records


def test_a_transaction_whose_conditions_hold_writes_every_item(db: Any, aws: boto3.session.Session) -> None:
    records = stream_records(db, aws)

    db.transact_write_items(TransactItems=transaction(version_seen=1))

    stored = items(db)
    assert (stored["A"]["name"]["S"], stored["B"]["name"]["S"], stored["META"]["version"]["N"]) == ("new", "born", "2")
    assert stream_records(db, aws) == [*records, "MODIFY", "INSERT", "MODIFY"]


EVERY_TYPE = {
    "PK": {"S": "c"},
    "SK": {"S": "T"},
    "n": {"N": "12.5"},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
    "names": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2"]},
    "nested": {"M": {"list": {"L": [{"S": "x"}, {"N": "3"}, {"M": {}}]}}},
}


@pytest.mark.parametrize("extra", [{}, {"blob": {"B": b"\x00\xffbytes"}}], ids=["json", "binary"])
def test_reads_answer_every_attribute_type_as_stored(db: Any, extra: dict[str, Any]) -> None:
    item = {**EVERY_TYPE, **extra}
    db.put_item(TableName=TABLE, Item=item)
    key = {"PK": {"S": "c"}, "SK": {"S": "T"}}

    read = db.get_item(TableName=TABLE, Key=key, ConsistentRead=True)["Item"]
    batch = db.batch_get_item(RequestItems={TABLE: {"Keys": [key]}})["Responses"][TABLE]
    queried = items(db)["T"]
    scanned = [found for found in db.scan(TableName=TABLE)["Items"] if found["SK"] == {"S": "T"}]
    missing = db.get_item(TableName=TABLE, Key={"PK": {"S": "c"}, "SK": {"S": "nobody"}})

    for answer in (read, *batch, queried, *scanned):
        assert {name: sorted(value["SS"]) if "SS" in value else value for name, value in answer.items()} == {
            name: sorted(value["SS"]) if "SS" in value else value for name, value in item.items()
        }
    assert "Item" not in missing


def _partitions(db: Any) -> dict[str, list[str]]:
    """Three partitions of ten items each beside the fixture's, every item with a number to filter on and an
    index key (GSI1) shared across the partitions: odd or even."""
    stored: dict[str, list[str]] = {}
    for partition in ("p1", "p2", "p3"):
        stored[partition] = [f"K#{n:02d}" for n in range(10)]
        for n, sort_key in enumerate(stored[partition]):
            db.put_item(
                TableName=TABLE,
                Item={"PK": {"S": partition}, "SK": {"S": sort_key}, "n": {"N": str(n)}, "G": {"S": f"odd{n % 2}"}},
            )
    return stored


def _query_pages(db: Any, **query: Any) -> tuple[list[str], list[int]]:
    """Every page of a query: the sort keys in the order answered, and each page's count."""
    keys: list[str] = []
    counts: list[int] = []
    start: dict[str, Any] | None = None
    while True:
        page = db.query(TableName=TABLE, **query, **({"ExclusiveStartKey": start} if start else {}))
        keys.extend(item["SK"]["S"] for item in page.get("Items", []))
        counts.append(page["Count"])
        start = page.get("LastEvaluatedKey")
        if not start:
            return keys, counts


def test_a_query_of_the_table_answers_its_partition_in_order_with_conditions_filters_and_pages(db: Any) -> None:
    stored = _partitions(db)
    own = {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "p2"}}}

    assert _query_pages(db, **own) == (stored["p2"], [10])
    assert _query_pages(db, **own, ScanIndexForward=False) == (stored["p2"][::-1], [10])
    assert _query_pages(db, **own, Limit=4) == (stored["p2"], [4, 4, 2])
    assert _query_pages(db, **own, Limit=4, ScanIndexForward=False) == (stored["p2"][::-1], [4, 4, 2])
    between = {
        "KeyConditionExpression": "PK = :p AND SK BETWEEN :a AND :b",
        "ExpressionAttributeValues": {":p": {"S": "p2"}, ":a": {"S": "K#03"}, ":b": {"S": "K#06"}},
    }
    assert _query_pages(db, **between) == (["K#03", "K#04", "K#05", "K#06"], [4])
    prefix = {
        "KeyConditionExpression": "PK = :p AND begins_with(SK, :k)",
        "ExpressionAttributeValues": {":p": {"S": "p3"}, ":k": {"S": "K#0"}, ":big": {"N": "6"}},
        "FilterExpression": "n >= :big",
    }
    assert _query_pages(db, **prefix) == (["K#06", "K#07", "K#08", "K#09"], [4])
    projected = db.query(**{"TableName": TABLE, **own, "ProjectionExpression": "SK"})["Items"]
    assert projected[0] == {"SK": {"S": "K#00"}}
    nobody = {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "nobody"}}}
    assert _query_pages(db, **nobody) == ([], [0])
    assert len(db.scan(TableName=TABLE)["Items"]) == 2 + 30  # the read of a missing partition added none
    across = {
        "IndexName": "GSI1",
        "KeyConditionExpression": "G = :g AND SK = :k",
        "ExpressionAttributeValues": {":g": {"S": "odd1"}, ":k": {"S": "K#03"}},
    }
    assert _query_pages(db, **across) == (["K#03"] * 3, [3])  # an index's partition spans the table's
    odd = db.query(
        TableName=TABLE,
        IndexName="GSI1",
        KeyConditionExpression="G = :g",
        ExpressionAttributeValues={":g": {"S": "odd1"}},
    )["Items"]
    assert [(item["SK"]["S"], item["PK"]["S"]) for item in odd] == [
        (sort_key, partition) for sort_key in stored["p1"][1::2] for partition in ("p1", "p2", "p3")
    ]
    paged = {
        "IndexName": "GSI1",
        "KeyConditionExpression": "G = :g",
        "ExpressionAttributeValues": {":g": {"S": "odd0"}},
    }
    assert _query_pages(db, **paged, Limit=4, ScanIndexForward=False) == (
        [item for item in stored["p1"][0::2] for _ in range(3)][::-1],
        [4, 4, 4, 3],
    )


def test_a_query_reads_no_item_of_another_partition(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models.table import Table

    stored = _partitions(db)

    def every_item(table: Any) -> list[Any]:
        raise AssertionError("a query of one partition read the whole table")

    monkeypatch.setattr(Table, "all_items", every_item)
    own = {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "p1"}}}
    assert _query_pages(db, **own, Limit=3) == (stored["p1"], [3, 3, 3, 1])
    index = {
        "IndexName": "GSI1",
        "KeyConditionExpression": "G = :g",
        "ExpressionAttributeValues": {":g": {"S": "odd0"}},
    }
    assert _query_pages(db, **index, Limit=4)[1] == [4, 4, 4, 3]


@pytest.mark.parametrize("extra", [{}, {"blob": {"B": b"\x00\xffbytes"}}], ids=["json", "binary"])
def test_a_stream_answers_each_change_with_its_images_and_time(
    db: Any, aws: boto3.session.Session, extra: dict[str, Any]
) -> None:
    streams = aws.client("dynamodbstreams")
    arn = db.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST")["ShardIterator"]
    before = datetime.now(UTC)
    born = {**EVERY_TYPE, **extra}
    db.put_item(TableName=TABLE, Item=born)
    db.put_item(TableName=TABLE, Item={**born, "n": {"N": "13"}})

    answer = streams.get_records(ShardIterator=iterator)

    inserted, modified = answer["Records"]
    assert (inserted["eventName"], modified["eventName"]) == ("INSERT", "MODIFY")
    assert inserted["dynamodb"]["Keys"] == {"PK": {"S": "c"}, "SK": {"S": "T"}}
    assert "OldImage" not in inserted["dynamodb"]
    assert modified["dynamodb"]["OldImage"]["n"] == {"N": "12.5"}
    assert modified["dynamodb"]["NewImage"]["n"] == {"N": "13"}
    assert inserted["dynamodb"]["NewImage"].get("blob") == extra.get("blob")
    created = inserted["dynamodb"]["ApproximateCreationDateTime"]
    assert before - timedelta(seconds=1) <= created <= datetime.now(UTC) + timedelta(seconds=1)
    assert answer["NextShardIterator"]
