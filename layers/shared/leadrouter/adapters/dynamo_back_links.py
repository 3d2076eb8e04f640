"""The one-time "I'm back" links of auto-away (service/back_links.py), by the hash of their token: one item
each, gone by TTL after it expires; used by one conditional update, so a link sets its agent available once."""

from datetime import datetime
from typing import TYPE_CHECKING

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import back_link_key
from leadrouter.domain.errors import Conflict
from leadrouter.service.back_links import BackTicket, LinkUsed

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoBackLinks:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def put(self, ticket: BackTicket) -> None:
        item = {
            **back_link_key(ticket.token_hash),
            **ticket.model_dump(mode="json", exclude_none=True),
            "expiration": int(ticket.expires_at.timestamp()),
        }
        with domain_errors():
            self._db.put_item(TableName=self._table, Item=to_item(item))

    def find(self, token_hash: str) -> BackTicket | None:
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table, Key=to_item(back_link_key(token_hash)), ConsistentRead=True
            )
        if "Item" not in answer:
            return None
        values = from_item(answer["Item"])
        return BackTicket.model_validate(
            {key: value for key, value in values.items() if key in BackTicket.model_fields}
        )

    def use(self, token_hash: str, at: datetime) -> None:
        """Mark the link used; LinkUsed when it was already."""
        try:
            with domain_errors():
                self._db.update_item(
                    TableName=self._table,
                    Key=to_item(back_link_key(token_hash)),
                    UpdateExpression="SET used_at = :at",
                    ConditionExpression="attribute_exists(token_hash) AND attribute_not_exists(used_at)",
                    ExpressionAttributeValues=to_item({":at": at.isoformat()}),
                )
        except Conflict as error:
            raise LinkUsed("This link was used already.") from error
