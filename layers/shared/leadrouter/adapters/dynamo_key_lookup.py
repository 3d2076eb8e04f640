"""The authorizer's read of an API key: one GetItem by the secret's hash, read straight into the principal.

The item is the one DynamoCredentialRepository.put wrote from a validated Credential, so its fields are
known good; reading them without the model keeps pydantic and the configuration's models out of a cold
authorizer (about 70 ms of its start). A role this code does not know fails loudly (ValueError), as the
model would.

An agent key also needs its agent active: that is one more GetItem, of the agent's own item, never the
company's configuration (which is thousands of items at 5,000 agents), so an agent key costs two requests at
any company size. The read is strongly consistent: an agent made inactive is refused on the authorizer's
next cache miss, whatever any container has cached."""

from typing import TYPE_CHECKING

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import agent_sk, company_pk, credential_key
from leadrouter.domain.key_secrets import StoredKey
from leadrouter.domain.principals import Principal, Role

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class DynamoKeyLookup:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def find(self, key_hash: str) -> StoredKey | None:
        with domain_errors():
            answer = self._db.get_item(TableName=self._table, Key=to_item(credential_key(key_hash)))
        if "Item" not in answer:
            return None
        item = from_item(answer["Item"])
        principal = Principal(
            role=Role(item["role"]),
            company_id=item.get("company_id"),
            key_id=item["key_id"],
            agent_id=item.get("agent_id"),
            office_ids=tuple(item.get("office_ids") or ()),
        )
        return StoredKey(key_hash=item["key_hash"], principal=principal)

    def agent_active(self, company_id: str, agent_id: int) -> bool:
        """Whether the company's agent exists and is active, from its item alone (only `active` is read)."""
        key = to_item({"PK": company_pk(company_id), "SK": agent_sk(agent_id)})
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table,
                Key=key,
                ConsistentRead=True,
                # SK too, so an existing item always answers with an Item.
                ProjectionExpression="SK, #active",
                ExpressionAttributeNames={"#active": "active"},
            )
        if "Item" not in answer:
            return False
        # A stored agent always holds `active` (the model dumps its defaults); a missing one means the default.
        return bool(from_item(answer["Item"]).get("active", True))
