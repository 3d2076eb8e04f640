"""A company's calendar (its time zone) read from its META item alone, for the report tallies.

The aggregator counts every stored lead change into the day of the company's calendar it happened on. It
needs nothing of the configuration but the time zone: through the configuration repository, a cold
aggregator container read the company's whole partition for it (every agent and route, seconds at 5,000
agents) and imported the configuration's adapters and models. One strongly consistent GetItem of the one
attribute instead, so a time zone changed a moment ago is the one counted with."""

from typing import TYPE_CHECKING

from leadrouter.adapters.dynamo_company_meta import read_meta
from leadrouter.domain.company import CompanySettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# What a company whose settings never named a time zone has (the settings' own default).
_DEFAULT_TIME_ZONE: str = CompanySettings.model_fields["time_zone"].default


class DynamoCompanyCalendar:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def time_zone(self, company_id: str) -> str:
        item = read_meta(self._db, self._table, company_id, "#settings.time_zone", settings="settings")
        settings = item.get("settings") or {}
        return str(settings.get("time_zone") or _DEFAULT_TIME_ZONE)
