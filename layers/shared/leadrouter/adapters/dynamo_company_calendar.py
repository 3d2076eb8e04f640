"""A company's calendar (its time zone) read from its META item alone, for the report tallies.

The aggregator counts every stored lead change into the day of the company's calendar it happened on. It
needs nothing of the configuration but the time zone: through the configuration repository, a cold
aggregator container read the company's whole partition for it (every agent and route, seconds at 5,000
agents) and imported the configuration's adapters and models. One strongly consistent GetItem of the one
attribute instead, so a time zone changed a moment ago is the one counted with."""

from typing import TYPE_CHECKING

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_keys import META, company_pk
from leadrouter.domain.company import CompanySettings
from leadrouter.domain.errors import NotFound

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# What a company whose settings never named a time zone has (the settings' own default).
_DEFAULT_TIME_ZONE: str = CompanySettings.model_fields["time_zone"].default


class DynamoCompanyCalendar:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def time_zone(self, company_id: str) -> str:
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table,
                Key=to_item({"PK": company_pk(company_id), "SK": META}),
                ProjectionExpression="#settings.time_zone",
                ExpressionAttributeNames={"#settings": "settings"},
                ConsistentRead=True,
            )
        if "Item" not in answer:
            raise NotFound(f"No company {company_id}.")
        settings = from_item(answer["Item"]).get("settings") or {}
        return str(settings.get("time_zone") or _DEFAULT_TIME_ZONE)
