"""Moto's transactions with a backup of the items they touch (devstack/moto_dynamodb.py): a transaction
whose condition fails changes no item and leaves no stream record, as in DynamoDB; one that passes writes
every item."""

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
