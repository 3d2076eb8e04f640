"""API key records, found by the hash of the secret; listed per company through GSI1.

A company always keeps one admin key: revoking an admin key is a transaction that also checks another
admin key of the company still exists, so two admins revoking the last two keys at once cannot both
succeed (DynamoDB serialises the two transactions; the second one's check fails)."""

from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import company_credentials, credential_key
from leadrouter.adapters.retried_writes import write_once
from leadrouter.domain.credentials import Credential, LastAdminKey
from leadrouter.domain.errors import Conflict, NotFound
from leadrouter.domain.principals import Role

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

OPERATORS = "OPERATORS"


class DynamoCredentialRepository:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def put(self, credential: Credential) -> None:
        owner = credential.company_id or OPERATORS
        item = {
            **credential_key(credential.key_hash),
            **credential.model_dump(mode="json"),
            "GSI1PK": company_credentials(owner),
            "GSI1SK": f"{credential.created_at.isoformat()}#{credential.key_id}",
        }
        with domain_errors(lambda: Conflict("That key exists already.")):
            write_once(
                lambda: self._db.put_item(
                    TableName=self._table, Item=to_item(item), ConditionExpression="attribute_not_exists(PK)"
                ),
                # The key id is random and new: finding it stored means this write landed.
                landed=lambda: self._key_id_at(credential.key_hash) == credential.key_id,
            )

    def _key_id_at(self, key_hash: str) -> str | None:
        answer = self._db.get_item(
            TableName=self._table,
            Key=to_item(credential_key(key_hash)),
            ProjectionExpression="key_id",
            ConsistentRead=True,
        )
        return from_item(answer["Item"])["key_id"] if "Item" in answer else None

    def list_for_company(self, company_id: str) -> list[Credential]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "GSI1",
            "KeyConditionExpression": "GSI1PK = :pk",
            "ExpressionAttributeValues": to_item({":pk": company_credentials(company_id)}),
            "ScanIndexForward": False,
        }
        found: list[Credential] = []
        with domain_errors():
            while True:
                page = self._db.query(**request)
                found.extend(Credential.model_validate(from_item(item)) for item in page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    return found
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def delete(self, company_id: str, key_id: str) -> None:
        """Revoke a key; LastAdminKey when it is the company's only admin key."""
        keys = self.list_for_company(company_id)
        target = next((credential for credential in keys if credential.key_id == key_id), None)
        if target is None:
            raise NotFound(f"No key {key_id}.")
        delete: TransactWriteItemTypeDef = {
            "Delete": {
                "TableName": self._table,
                "Key": to_item(credential_key(target.key_hash)),
                "ConditionExpression": "attribute_exists(PK)",
            }
        }
        checks: list[TransactWriteItemTypeDef] = []
        if target.role is Role.ADMIN:
            others = [key for key in keys if key.role is Role.ADMIN and key.key_id != key_id]
            if not others:
                raise LastAdminKey()
            checks.append(
                {
                    "ConditionCheck": {
                        "TableName": self._table,
                        "Key": to_item(credential_key(others[0].key_hash)),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                }
            )
        try:
            with domain_errors():
                write_once(
                    lambda: self._db.transact_write_items(TransactItems=[delete, *checks]),
                    # Gone already: this request's earlier attempt landed, or another admin revoked it first.
                    landed=lambda: self._key_id_at(target.key_hash) is None,
                )
        except Conflict:
            # The admin key checked was revoked meanwhile: decide again on the keys stored now.
            self.delete(company_id, key_id)
