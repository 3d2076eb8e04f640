"""Leads per agent per calendar period in DynamoDB: one small item per agent, period kind and period,
all of an agent's periods moved in the very transaction that writes the lead they count.

Exact because the count and its lead are one conditional write: an automatic step's tally adds 1 to each of
the agent's day, week and month counts only if each capped count is still under its cap, so 20 intakes at
once can never take a cap past its number; a named assignment adds 1 with no condition. There is no count
without its lead nor a lead without its count, and an SDK retry of a transaction that landed fails on the
lead's own condition, counting nothing twice. The items expire a month after their period (the
`expiration` TTL)."""

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import TRANSACTION_CANCELED, domain_errors, error_code, failed_conditions
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import COUNT_PREFIX, lead_count_pk, lead_count_sk
from leadrouter.domain.caps import CapReached, CapRefused, Period, PeriodKind, Tally

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

_KEPT_AFTER = timedelta(days=31)
# BatchGetItem's most keys per request.
_BATCH = 100


def _expiration(period: Period) -> int:
    return int((datetime.combine(period.ends, time(), UTC) + _KEPT_AFTER).timestamp())


def tally_updates(table: str, company_id: str, tally: Tally) -> "list[TransactWriteItemTypeDef]":
    """The transaction items of a tally, one per period, to go in the write that gives the agent the lead."""
    items: list[TransactWriteItemTypeDef] = []
    for period in tally.periods:
        values: dict[str, object] = {":one": 1, ":expiration": _expiration(period)}
        update: dict[str, Any] = {
            "TableName": table,
            "Key": to_item(
                {"PK": lead_count_pk(company_id, period.kind, period.key), "SK": lead_count_sk(tally.agent_id)}
            ),
            "UpdateExpression": "ADD leads :one SET expiration = :expiration",
        }
        cap = tally.caps.get(period.kind)
        if cap is not None:
            # A comparison with a missing count is false: a cap of 0 refuses even the period's first lead.
            first_allowed = "attribute_not_exists(leads) OR " if cap > 0 else ""
            update["ConditionExpression"] = f"{first_allowed}leads < :cap"
            values[":cap"] = cap
            update["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
        update["ExpressionAttributeValues"] = to_item(values)
        items.append({"Update": update})  # type: ignore[typeddict-item]
    return items


def tally_refusal(error: ClientError, first: int, tally: Tally) -> CapReached | None:
    """Which cap refused a cancelled transaction whose tally items start at position `first` (None: no
    count's condition failed), with the count it stood at."""
    if error_code(error) != TRANSACTION_CANCELED:
        return None
    refused = [index - first for index in failed_conditions(error) if first <= index < first + len(tally.periods)]
    if not refused:
        return None
    period = tally.periods[refused[0]]
    reasons = error.response.get("CancellationReasons", [])
    position = first + refused[0]
    old = from_item(dict(reasons[position].get("Item", {}))) if position < len(reasons) else {}
    return CapReached(tally.agent_id, period.kind, int(old.get("leads", 0)), tally.caps[period.kind])


def refuse_if_capped(error: ClientError, first: int, tally: Tally | None) -> None:
    """Raise CapRefused when a cancelled transaction's tally (from position `first`) met a cap."""
    reached = tally_refusal(error, first, tally) if tally is not None else None
    if reached is not None:
        raise CapRefused(reached) from error


class DynamoLeadCounters:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

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

    def counts_of(
        self, company_id: str, agent_ids: Sequence[int], periods: Sequence[Period]
    ) -> dict[int, dict[PeriodKind, int]]:
        """These agents' counts in these periods, read consistently: one BatchGetItem per 100 items (a count
        never written is 0)."""
        wanted = [(agent_id, period) for agent_id in agent_ids for period in periods]
        found: dict[int, dict[PeriodKind, int]] = {agent_id: {} for agent_id in agent_ids}
        kinds = {lead_count_pk(company_id, period.kind, period.key): period.kind for period in periods}
        for start in range(0, len(wanted), _BATCH):
            keys = [
                to_item({"PK": lead_count_pk(company_id, period.kind, period.key), "SK": lead_count_sk(agent_id)})
                for agent_id, period in wanted[start : start + _BATCH]
            ]
            request: Any = {self._table: {"Keys": keys, "ConsistentRead": True}}
            while request:
                with domain_errors():
                    answer = self._db.batch_get_item(RequestItems=request)
                for item in answer.get("Responses", {}).get(self._table, []):
                    values = from_item(item)
                    agent_id = int(str(values["SK"]).removeprefix(COUNT_PREFIX))
                    found[agent_id][kinds[str(values["PK"])]] = int(values.get("leads", 0))
                request = answer.get("UnprocessedKeys") or None
        return found
