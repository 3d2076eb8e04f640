"""Each agent's run of offers let run out, for auto-away (service/auto_away.py): one small item per agent,
moved by single conditional updates, outside the configuration (counting a miss bumps no version).

A miss is counted once per offer: the item remembers the last offer counted, and the update is conditional
on it being another one, so a timer that fires twice for one offer counts it once."""

from typing import TYPE_CHECKING

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import missed_offers_key
from leadrouter.domain.errors import Conflict

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoMissedOffers:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def missed(self, company_id: str, agent_id: int, offer_id: str) -> int | None:
        """Count this offer's running out; answers the run's length, None when the offer was counted already."""
        try:
            with domain_errors():
                answer = self._db.update_item(
                    TableName=self._table,
                    Key=to_item(missed_offers_key(company_id, agent_id)),
                    UpdateExpression="SET misses = if_not_exists(misses, :zero) + :one, last_offer = :offer",
                    ConditionExpression="attribute_not_exists(last_offer) OR last_offer <> :offer",
                    ExpressionAttributeValues=to_item({":zero": 0, ":one": 1, ":offer": offer_id}),
                    ReturnValues="UPDATED_NEW",
                )
        except Conflict:
            return None
        return int(from_item(answer["Attributes"])["misses"])

    def reset(self, company_id: str, agent_id: int) -> None:
        """The run ends (an answer, or auto-away itself); a run of none stays as it is, written or not."""
        try:
            with domain_errors():
                self._db.update_item(
                    TableName=self._table,
                    Key=to_item(missed_offers_key(company_id, agent_id)),
                    UpdateExpression="SET misses = :zero",
                    ConditionExpression="misses > :zero",
                    ExpressionAttributeValues=to_item({":zero": 0}),
                )
        except Conflict:
            return
