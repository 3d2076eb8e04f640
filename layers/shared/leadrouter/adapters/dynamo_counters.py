"""Leads per agent per calendar period in DynamoDB: one small item per agent, period kind and period,
all of an agent's periods moved by ONE transaction per assignment.

Exact because every change is a single conditional write: a counted assignment (an automatic step) adds 1
to each of the agent's day, week and month counts only if each capped count is still under its cap, so 20
intakes at once can never take a cap past its number; a named assignment adds 1 with no condition. The
transaction's client token is derived from the lead, so an SDK retry of a transaction that landed counts
nothing twice. The items expire a month after their period (the `expiration` TTL)."""

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import TRANSACTION_CANCELED, domain_errors, error_code, failed_conditions, translate
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import COUNT_PREFIX, lead_count_pk, lead_count_sk
from leadrouter.domain.caps import CapReached, Period, PeriodKind

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_KEPT_AFTER = timedelta(days=31)


def _expiration(period: Period) -> int:
    return int((datetime.combine(period.ends, time(), UTC) + _KEPT_AFTER).timestamp())


class DynamoLeadCounters:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def count(
        self,
        company_id: str,
        agent_id: int,
        lead_id: str,
        periods: tuple[Period, ...],
        caps: Mapping[PeriodKind, int],
    ) -> CapReached | None:
        """One more lead for the agent in each period; with `caps`, only if every capped count is under its
        cap (else nothing is counted and the refusal says which cap)."""
        items: list[TransactWriteItemTypeDef] = []
        for period in periods:
            update: dict[str, Any] = {
                "TableName": self._table,
                "Key": to_item(
                    {"PK": lead_count_pk(company_id, period.kind, period.key), "SK": lead_count_sk(agent_id)}
                ),
                "UpdateExpression": "ADD leads :one SET expiration = :expiration",
                "ExpressionAttributeValues": to_item({":one": 1, ":expiration": _expiration(period)}),
            }
            cap = caps.get(period.kind)
            if cap is not None:
                # A comparison with a missing count is false: a cap of 0 refuses even the period's first lead.
                first_allowed = "attribute_not_exists(leads) OR " if cap > 0 else ""
                update["ConditionExpression"] = f"{first_allowed}leads < :cap"
                update["ExpressionAttributeValues"] = to_item(
                    {":one": 1, ":expiration": _expiration(period), ":cap": cap}
                )
                update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            items.append({"Update": update})  # type: ignore[typeddict-item]
        token = hashlib.sha256(f"{company_id}:{lead_id}:{agent_id}".encode()).hexdigest()[:36]
        try:
            self._db.transact_write_items(TransactItems=items, ClientRequestToken=token)
        except ClientError as error:
            refused = failed_conditions(error) if error_code(error) == TRANSACTION_CANCELED else []
            if refused:
                period = periods[refused[0]]
                reasons = error.response.get("CancellationReasons", [])
                old = from_item(dict(reasons[refused[0]].get("Item", {}))) if refused[0] < len(reasons) else {}
                cap = caps[period.kind]
                return CapReached(agent_id, period.kind, int(old.get("leads", 0)), cap)
            translated = translate(error)
            if translated is None:
                raise
            raise translated from error
        return None

    def counts(self, company_id: str, period: Period) -> dict[int, int]:
        """Every agent's count in one period: one query (a page per 1 MB), whatever the number of agents."""
        answer: dict[int, int] = {}
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": to_item({":pk": lead_count_pk(company_id, period.kind, period.key)}),
            "ConsistentRead": True,
        }
        while True:
            with domain_errors():
                page = self._db.query(**request)
            for item in page.get("Items", []):
                values = from_item(item)
                answer[int(str(values["SK"]).removeprefix(COUNT_PREFIX))] = int(values.get("leads", 0))
            if "LastEvaluatedKey" not in page:
                return answer
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
