"""A company's META item (its settings and its configuration version), read strongly consistent: the one
read behind the configuration version, the company alone and its calendar. NotFound when there is no
such company, so every caller answers an unknown company the same way."""

from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import META, company_pk
from leadrouter.domain.errors import NotFound

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def read_meta(
    client: "DynamoDBClient", table: str, company_id: str, projection: str | None = None, **names: str
) -> dict[str, Any]:
    """The META's attributes (those of `projection` alone when given; `names`: its `#name` placeholders)."""
    request: dict[str, Any] = {
        "TableName": table,
        "Key": to_item({"PK": company_pk(company_id), "SK": META}),
        "ConsistentRead": True,
    }
    if projection is not None:
        request["ProjectionExpression"] = projection
    if names:
        request["ExpressionAttributeNames"] = {f"#{name}": attribute for name, attribute in names.items()}
    with domain_errors():
        answer = client.get_item(**request)
    if "Item" not in answer:
        raise NotFound(f"No company {company_id}.")
    return from_item(answer["Item"])
