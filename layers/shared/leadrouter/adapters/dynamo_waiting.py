"""Waiting leads (unassigned, in the pool or sent to an office) read from the status index (GSI2,
`C#<company>#STATUS#unassigned`, sorted by `<created_at UTC>#<lead_id>`): an age bucket is a key range
counted with `Select=COUNT`, the oldest are the first items of the index. No Scan, and nothing read but
waiting leads: the cost follows the pool's size, never the company's history."""

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import leads_by_status
from leadrouter.domain.leads import Lead, LeadStatus

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


class DynamoWaitingLeads:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def _request(
        self,
        company_id: str,
        office_ids: tuple[str, ...] | None,
        after: datetime | None,
        until: datetime | None,
    ) -> dict[str, Any]:
        values: dict[str, Any] = {":pk": leads_by_status(company_id, LeadStatus.UNASSIGNED.value)}
        condition = "GSI2PK = :pk"
        if after is not None or until is not None:
            # `<time>#` sorts after every key of that time, `<time>#\uffff` after every key of that moment.
            values[":low"] = f"{_utc(after)}#\uffff" if after is not None else "0000"
            values[":high"] = f"{_utc(until)}#\uffff" if until is not None else "9999"
            condition += " AND GSI2SK BETWEEN :low AND :high"
        request: dict[str, Any] = {"TableName": self._table, "IndexName": "GSI2", "KeyConditionExpression": condition}
        if office_ids is not None:
            scope = [f":office{n}" for n in range(len(office_ids))] or [":nooffice"]
            values.update(dict(zip(scope, office_ids or ("\u0000",), strict=True)))
            request["FilterExpression"] = f"office_id IN ({', '.join(scope)})"
        request["ExpressionAttributeValues"] = to_item(values)
        return request

    def count(
        self, company_id: str, office_ids: tuple[str, ...] | None, after: datetime | None, until: datetime | None
    ) -> int:
        """Waiting leads created after `after` and at or before `until` (None: no bound); `office_ids`: only
        the leads of these offices (an office manager), None: all."""
        request = {**self._request(company_id, office_ids, after, until), "Select": "COUNT"}
        total = 0
        while True:
            with domain_errors():
                answer = self._db.query(**request)
            total += int(answer.get("Count", 0))
            last = answer.get("LastEvaluatedKey")
            if not last:
                return total
            request["ExclusiveStartKey"] = last

    def oldest(self, company_id: str, office_ids: tuple[str, ...] | None, limit: int) -> list[Lead]:
        request = {**self._request(company_id, office_ids, None, None), "ScanIndexForward": True, "Limit": limit}
        found: list[Lead] = []
        while len(found) < limit:
            with domain_errors():
                answer = self._db.query(**request)
            found.extend(Lead.model_validate(from_item(item)) for item in answer.get("Items", []))
            last = answer.get("LastEvaluatedKey")
            if not last:
                break
            request["ExclusiveStartKey"] = last
        return found[:limit]
