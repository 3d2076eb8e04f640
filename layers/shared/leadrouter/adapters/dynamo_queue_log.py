"""The round-robin queue's history of adjustments in DynamoDB: one item per adjustment in the company's
queue-log partition, sorted by time, read newest first (a page, never the whole log)."""

from datetime import datetime
from typing import TYPE_CHECKING

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import queue_log_pk
from leadrouter.domain.fair_share import Adjustment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoQueueLog:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def record(self, company_id: str, adjustment: Adjustment, unique: str) -> None:
        """`unique` tells apart two adjustments of the same moment."""
        item = {
            "PK": queue_log_pk(company_id),
            "SK": f"{adjustment.at.isoformat()}#{unique}",
            "agent_id": adjustment.agent_id,
            "credits_delta": adjustment.credits_delta,
            "reason": adjustment.reason,
            "by": adjustment.by,
        }
        with domain_errors():
            self._db.put_item(TableName=self._table, Item=to_item(item))

    def latest(self, company_id: str, limit: int) -> list[Adjustment]:
        with domain_errors():
            page = self._db.query(
                TableName=self._table,
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues=to_item({":pk": queue_log_pk(company_id)}),
                ScanIndexForward=False,
                Limit=limit,
            )
        adjustments = []
        for item in page.get("Items", []):
            values = from_item(dict(item))
            adjustments.append(
                Adjustment(
                    agent_id=int(values["agent_id"]),
                    credits_delta=float(values["credits_delta"]),
                    reason=str(values["reason"]),
                    by=str(values["by"]),
                    at=datetime.fromisoformat(str(values["SK"]).split("#", 1)[0]),
                )
            )
        return adjustments
