"""The report tallies in DynamoDB: one item per (company, scope, dimension, day, key), its counts added to
with `ADD`, read back with one `Query` per scope and dimension over a range of days.

Exactly once under stream retries: the `ADD`s of one stored change go in one transaction with a marker
item of that change (`C#<company>#L#<lead_id>` / `COUNTED#<entries recorded>#<part>`, put only if absent).
A record given again finds its marker, the transaction is cancelled, and nothing is counted twice; a
transaction either lands whole or not at all, so nothing is counted half. Markers expire (TTL) after the
stream's 24 hours are long past. A change that touches more items than one transaction holds (click to
claim to many agents) is split into parts in a fixed order, each with its own marker."""

import random
import time
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final, cast

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import failed_conditions, is_transaction_conflict
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import lead_key
from leadrouter.domain.reports import Dimension, Tally, TallyKey

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# A transaction holds 100 items: the marker and 99 tallies.
_PART: Final = 99
_SPEED_PREFIX: Final = "s"
# Transactions on one company's busiest items (today's totals) meet each other when shards run in parallel:
# DynamoDB cancels the later one, which is tried again after a short, growing, jittered pause.
_CONFLICT_PAUSES: Final = (0.02, 0.05, 0.1, 0.2, 0.4)


def tally_pk(company_id: str, scope: str | None, dimension: Dimension) -> str:
    where = "ALL" if scope is None else f"OFFICE#{scope}"
    return f"C#{company_id}#REPORT#{where}#{dimension}"


def tally_sk(day: date, key: str | int | None) -> str:
    return f"{day.isoformat()}#{'' if key is None else key}"


def tally_update(table: str, company_id: str, tally_key: TallyKey, tally: Tally) -> dict[str, Any]:
    names: dict[str, str] = {"#day": "day", "#key": "key"}
    values: dict[str, Any] = {":day": tally_key.day.isoformat(), ":key": tally_key.key}
    adds = []
    counted = [(name, n) for name, n in sorted(tally.counts.items()) if n] + [
        (f"{_SPEED_PREFIX}{bucket}", n) for bucket, n in sorted(tally.speeds.items()) if n
    ]
    for position, (name, n) in enumerate(counted):
        names[f"#a{position}"], values[f":a{position}"] = name, n
        adds.append(f"#a{position} :a{position}")
    return {
        "Update": {
            "TableName": table,
            "Key": to_item(
                {
                    "PK": tally_pk(company_id, tally_key.scope, tally_key.dimension),
                    "SK": tally_sk(tally_key.day, tally_key.key),
                }
            ),
            "UpdateExpression": f"SET #day = :day, #key = :key ADD {', '.join(adds)}",
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(values),
        }
    }


def _tally(item: Mapping[str, Any]) -> tuple[date, str | int | None, Tally]:
    tally = Tally()
    for name, value in item.items():
        if name in ("PK", "SK", "day", "key"):
            continue
        if name.startswith(_SPEED_PREFIX) and name[1:].isdigit():
            tally.speeds[int(name[1:])] = int(value)
        elif isinstance(value, int):
            tally.counts[name] = value
    return date.fromisoformat(str(item["day"])), item.get("key"), tally


class DynamoAggregates:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def count_once(
        self,
        company_id: str,
        lead_id: str,
        change: int,
        tallies: Mapping[TallyKey, Tally],
        expires_at: datetime,
    ) -> bool:
        """Add a change's tallies unless they were added already; answers whether they were added now.
        `change` names the change (the entries the lead's history ever had after it: each change adds to it)."""
        # In the order of their keys: a change given again is split into the same parts.
        ordered = sorted(
            ((key, tally) for key, tally in tallies.items() if not tally.is_empty()),
            key=lambda pair: (
                tally_pk(company_id, pair[0].scope, pair[0].dimension),
                tally_sk(pair[0].day, pair[0].key),
            ),
        )
        added = False
        for part, start in enumerate(range(0, len(ordered), _PART)):
            marker = {
                **lead_key(company_id, lead_id),
                "SK": f"COUNTED#{change:06d}#{part}",
                "expiration": int(expires_at.timestamp()),
            }
            items: list[dict[str, Any]] = [
                {
                    "Put": {
                        "TableName": self._table,
                        "Item": to_item(marker),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
                *(tally_update(self._table, company_id, key, tally) for key, tally in ordered[start : start + _PART]),
            ]
            added = self._transact(items) or added
        return added

    def _transact(self, items: list[dict[str, Any]]) -> bool:
        for pause in (*_CONFLICT_PAUSES, None):
            try:
                self._db.transact_write_items(TransactItems=cast("Any", items))
                return True
            except ClientError as error:
                if 0 in failed_conditions(error):
                    return False  # this part of the change was counted before
                if pause is None or not is_transaction_conflict(error):
                    raise
            time.sleep(pause * (1 + random.random()))  # noqa: S311  # jitter, not a secret
        raise AssertionError("unreachable: the last attempt returns or raises")

    def read(
        self, company_id: str, scope: str | None, dimension: Dimension, first: date, last: date
    ) -> Iterator[tuple[TallyKey, Tally]]:
        """Every tally of a scope and dimension from day `first` to day `last`, both included."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND SK BETWEEN :low AND :high",
            "ExpressionAttributeValues": to_item(
                {
                    ":pk": tally_pk(company_id, scope, dimension),
                    ":low": f"{first.isoformat()}#",
                    ":high": f"{last.isoformat()}#\uffff",
                }
            ),
        }
        while True:
            answer = self._db.query(**request)
            for item in answer.get("Items", []):
                day, key, tally = _tally(from_item(item))
                yield TallyKey(scope, dimension, day, key), tally
            last_key = answer.get("LastEvaluatedKey")
            if not last_key:
                return
            request["ExclusiveStartKey"] = last_key
