"""The sparse index of leads waiting on an open offer (GSI5: only such leads are in it, sorted by their first
expiry), read by the sweeper. Apart from the lead repository, and holding no lead model, so that a sweep that
finds nothing overdue, most sweeps, loads neither the lead's models nor pydantic in a cold container (the
lead repository writes the index's keys with the same partition and times)."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import to_item

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

OPEN_OFFERS = "OPENOFFERS"


def index_time(moment: datetime) -> str:
    """A moment as the leads' index sort keys hold it: UTC, ISO 8601 (naive moments are UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


class DynamoOverdueLeads:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def overdue(self, before: datetime, limit: int = 100) -> list[tuple[str, str]]:
        """(company, lead) of leads with an open offer that expired before `before`, oldest first."""
        found: list[tuple[str, str]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI5",
            "KeyConditionExpression": "GSI5PK = :pk AND GSI5SK < :before",
            "ExpressionAttributeValues": to_item({":pk": OPEN_OFFERS, ":before": index_time(before)}),
            "Limit": limit,
        }
        while len(found) < limit:
            with domain_errors():
                answer = self._db.query(**request)
            for item in answer.get("Items", []):
                _, company_id, lead_id = str(item["GSI5SK"]["S"]).rsplit("#", 2)
                found.append((company_id, lead_id))
            last = answer.get("LastEvaluatedKey")
            if not last:
                break
            request["ExclusiveStartKey"] = last
        return found[:limit]
