"""The round-robin queue's counter in DynamoDB: one small item per company, moved by single conditional
updates (an atomic ADD per turn), and the queues its turns ran over, stored once each by fingerprint."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import CONDITION_FAILED, domain_errors, error_code, translate
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import cursor_key, ring_key, route_rotation_key, standing_key
from leadrouter.domain.fair_share import Standing
from leadrouter.domain.round_robin import QueuePosition, TurnTaken

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def _position(item: dict[str, Any]) -> QueuePosition:
    values = from_item(item)
    # `last_agent_id`: the position as stored before the counter (compare-and-set of the last agent).
    after = values.get("anchor_after", values.get("last_agent_id"))
    return QueuePosition(
        turns=int(values.get("turns", 0)),
        anchor_turn=int(values.get("anchor_turn", 0)),
        anchor_after=int(after) if after is not None else None,
        ring=values.get("ring"),
        standing=values.get("standing"),
    )


def _values(values: dict[str, Any]) -> dict[str, Any]:
    return {"ExpressionAttributeValues": to_item(values)}


class DynamoRoundRobinCounter:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def position(self, company_id: str) -> QueuePosition:
        with domain_errors():
            answer = self._db.get_item(TableName=self._table, Key=to_item(cursor_key(company_id)), ConsistentRead=True)
        return _position(answer.get("Item", {}))

    def take(self, company_id: str, ring: str | None) -> QueuePosition:
        """One more turn, counted over `ring` (TurnTaken, with the counter as it is, when it counts over
        another queue); `ring=None` takes it whatever the queue."""
        if ring is None:
            return self._update(company_id, {"UpdateExpression": "ADD turns :one", **_values({":one": 1})})
        request = {"UpdateExpression": "ADD turns :one", "ConditionExpression": "ring = :ring"}
        return self._update(company_id, {**request, **_values({":one": 1, ":ring": ring})})

    def reanchor(self, company_id: str, seen: QueuePosition, anchored: QueuePosition) -> QueuePosition:
        """Move the counter onto another queue and take its first turn, if nobody moved it since `seen`."""
        values: dict[str, Any] = {":one": 1, ":anchor": anchored.anchor_turn, ":new_ring": anchored.ring}
        conditions = []
        if seen.turns:
            conditions.append("turns = :seen")
            values[":seen"] = seen.turns
        else:
            conditions.append("attribute_not_exists(turns)")
        if seen.ring is not None:
            conditions.append("ring = :ring")
            values[":ring"] = seen.ring
        else:
            conditions.append("attribute_not_exists(ring)")
        assignments = ["anchor_turn = :anchor", "ring = :new_ring"]
        if anchored.anchor_after is not None:
            assignments.append("anchor_after = :after")
            values[":after"] = anchored.anchor_after
        removals = ""
        if anchored.standing is not None:
            assignments.append("standing = :standing")
            values[":standing"] = anchored.standing
        else:
            removals = " REMOVE standing"
        request = {
            "UpdateExpression": f"SET {', '.join(assignments)} ADD turns :one{removals}",
            "ConditionExpression": " AND ".join(conditions),
        }
        return self._update(company_id, {**request, **_values(values)})

    def _update(self, company_id: str, request: dict[str, Any]) -> QueuePosition:
        try:
            answer = self._db.update_item(
                TableName=self._table,
                Key=to_item(cursor_key(company_id)),
                ReturnValues="ALL_NEW",
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **request,
            )
        except ClientError as error:
            if error_code(error) == CONDITION_FAILED:
                now = _position(error.response.get("Item", {}))  # type: ignore[arg-type]
                raise TurnTaken("The round-robin queue moved meanwhile.", now) from error
            translated = translate(error)
            if translated is None:
                raise
            raise translated from error
        return _position(answer["Attributes"])

    def save_ring(self, company_id: str, fingerprint: str, queue: Sequence[int]) -> None:
        """The same fingerprint always names the same queue, so writing it again changes nothing."""
        item = {**ring_key(company_id, fingerprint), "agent_ids": ",".join(str(agent) for agent in sorted(queue))}
        with domain_errors():
            self._db.put_item(TableName=self._table, Item=to_item(item))

    def ring(self, company_id: str, fingerprint: str) -> tuple[int, ...] | None:
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table, Key=to_item(ring_key(company_id, fingerprint)), ConsistentRead=True
            )
        text = from_item(answer.get("Item", {})).get("agent_ids")
        if text is None:
            return None
        return tuple(int(agent) for agent in text.split(",") if agent)

    def save_standing(self, company_id: str, standing: Standing) -> None:
        """Named by its content, like a ring: writing it again changes nothing."""
        item = {**standing_key(company_id, standing.name), "text": standing.text()}
        with domain_errors():
            self._db.put_item(TableName=self._table, Item=to_item(item))

    def standing(self, company_id: str, name: str) -> Standing | None:
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table, Key=to_item(standing_key(company_id, name)), ConsistentRead=True
            )
        text = from_item(answer.get("Item", {})).get("text")
        return Standing.from_text(text) if text is not None else None


class DynamoRouteRotation:
    """How many leads each `round_robin` route started: one counter item per route, moved by one atomic
    ADD per lead, so concurrent leads of a route start with successive members."""

    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def take(self, company_id: str, route_id: str) -> int:
        """Counts this lead; answers the leads the route started before it."""
        with domain_errors():
            answer = self._db.update_item(
                TableName=self._table,
                Key=to_item(route_rotation_key(company_id, route_id)),
                UpdateExpression="ADD leads :one",
                ExpressionAttributeValues=to_item({":one": 1}),
                ReturnValues="UPDATED_NEW",
            )
        return int(from_item(dict(answer["Attributes"]))["leads"]) - 1

    def started(self, company_id: str, route_id: str) -> int:
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table, Key=to_item(route_rotation_key(company_id, route_id)), ConsistentRead=True
            )
        return int(from_item(answer.get("Item", {})).get("leads", 0))
