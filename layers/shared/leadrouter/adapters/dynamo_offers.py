"""Offer tickets: one item per recipient and offer, found by the SHA-256 hash of its link's token, and
listed per agent through GSI1 (the agent's inbox, newest first: offer ids are time-ordered). DynamoDB's TTL
removes a ticket a week after its offer expired; until then a late click answers "expired", not "unknown"."""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item, to_value
from leadrouter.adapters.dynamo_keys import agent_inbox, ticket_key
from leadrouter.domain.errors import Unavailable
from leadrouter.domain.offers import OfferTicket

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef

KEEP_AFTER_EXPIRY = timedelta(days=7)
_BATCH = 25  # BatchWriteItem takes at most 25 requests
_INBOX_PAGE = 100


def _ticket_item(ticket: OfferTicket) -> dict[str, Any]:
    return {
        **ticket_key(ticket.token_hash),
        **ticket.model_dump(mode="json", exclude_none=True),
        "GSI1PK": agent_inbox(ticket.company_id, ticket.agent_id),
        "GSI1SK": ticket.offer_id,
        "expiration": int((ticket.expires_at + KEEP_AFTER_EXPIRY).timestamp()),
    }


def _ticket(item: dict[str, Any]) -> OfferTicket:
    return OfferTicket.model_validate(from_item(item))


class DynamoTicketRepository:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def put_many(self, tickets: list[OfferTicket]) -> None:
        requests: list[WriteRequestTypeDef] = [{"PutRequest": {"Item": to_item(_ticket_item(t))}} for t in tickets]
        with domain_errors():
            for start in range(0, len(requests), _BATCH):
                pending: dict[str, list[WriteRequestTypeDef]] = {self._table: requests[start : start + _BATCH]}
                for _attempt in range(5):
                    answer = self._db.batch_write_item(RequestItems=pending)
                    unprocessed = answer.get("UnprocessedItems") or {}
                    if not unprocessed:
                        break
                    pending = cast("dict[str, list[WriteRequestTypeDef]]", unprocessed)
                else:
                    raise Unavailable("The database is busy; the links could not be stored.")

    def find(self, token_hash: str) -> OfferTicket | None:
        with domain_errors():
            answer = self._db.get_item(TableName=self._table, Key=to_item(ticket_key(token_hash)), ConsistentRead=True)
        return _ticket(answer["Item"]) if "Item" in answer else None

    def inbox(self, company_id: str, agent_id: int, live_at: datetime) -> list[OfferTicket]:
        """Every page: an agent on click to claim gets a ticket for every lead, and an open offer may be older
        than a hundred newer ones. Tickets whose offer has expired are left out by their TTL attribute (the
        offer's expiry plus KEEP_AFTER_EXPIRY, in whole seconds, hence >=)."""
        values = to_item(
            {
                ":pk": agent_inbox(company_id, agent_id),
                ":live": int((live_at + KEEP_AFTER_EXPIRY).timestamp()),
            }
        )
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "FilterExpression": "expiration >= :live",
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
            "Limit": _INBOX_PAGE,
        }
        tickets: list[OfferTicket] = []
        while True:
            with domain_errors():
                answer = self._db.query(**request)
            tickets.extend(_ticket(item) for item in answer.get("Items", []))
            if "LastEvaluatedKey" not in answer:
                return tickets
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def in_inbox(self, company_id: str, agent_id: int, offer_id: str) -> OfferTicket | None:
        with domain_errors():
            answer = self._db.query(
                TableName=self._table,
                IndexName="GSI1",
                KeyConditionExpression="GSI1PK = :pk AND GSI1SK = :offer",
                ExpressionAttributeValues=to_item({":pk": agent_inbox(company_id, agent_id), ":offer": offer_id}),
            )
        items = answer.get("Items", [])
        return _ticket(items[0]) if items else None

    def mark_used(self, token_hash: str, at: datetime) -> None:
        """Best effort, informational: the lead's offer state is what makes a link single-use."""
        with domain_errors():
            self._db.update_item(
                TableName=self._table,
                Key=to_item(ticket_key(token_hash)),
                UpdateExpression="SET used_at = if_not_exists(used_at, :at)",
                ConditionExpression="attribute_exists(PK)",
                ExpressionAttributeValues={":at": to_value(at.isoformat())},
            )
