"""API key records, found by the hash of the secret; listed per company through GSI1."""

from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import company_credentials, credential_key
from leadrouter.domain.credentials import Credential
from leadrouter.domain.errors import Conflict, NotFound

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

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
            self._db.put_item(TableName=self._table, Item=to_item(item), ConditionExpression="attribute_not_exists(PK)")

    def find_by_hash(self, key_hash: str) -> Credential | None:
        with domain_errors():
            answer = self._db.get_item(TableName=self._table, Key=to_item(credential_key(key_hash)))
        if "Item" not in answer:
            return None
        return Credential.model_validate(from_item(answer["Item"]))

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
        for credential in self.list_for_company(company_id):
            if credential.key_id == key_id:
                with domain_errors(lambda: NotFound(f"No key {key_id}.")):
                    self._db.delete_item(
                        TableName=self._table,
                        Key=to_item(credential_key(credential.key_hash)),
                        ConditionExpression="attribute_exists(PK)",
                    )
                return
        raise NotFound(f"No key {key_id}.")
