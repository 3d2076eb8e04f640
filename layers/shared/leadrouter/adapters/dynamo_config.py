"""Companies and their routing configuration in DynamoDB, with the warm-Lambda cache.

An intake reads one item (the company's META, strongly consistent) to learn the configuration version;
only when it differs from the cached one does it query the company's configuration items again. Every
configuration write bumps the version in the same transaction as the write itself, and leaves its write
token on the company's META (and on the item it puts), so that a write the SDK retried after it had landed
is answered as done (adapters/retried_writes.py).
"""

import threading
from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item, to_value
from leadrouter.adapters.dynamo_keys import META, agent_sk, company_pk, office_sk, route_sk
from leadrouter.adapters.retried_writes import TOKEN_ATTRIBUTE, new_write_token, write_once
from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.config import CompanyConfig, StaleConfiguration
from leadrouter.domain.errors import Conflict, NotFound
from leadrouter.domain.routes import Route

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, TransactWriteItemTypeDef


def _bump_version(table: str, company_id: str) -> "TransactWriteItemTypeDef":
    return {
        "Update": {
            "TableName": table,
            "Key": to_item({"PK": company_pk(company_id), "SK": META}),
            "UpdateExpression": "SET config_version = config_version + :one",
            "ConditionExpression": "attribute_exists(PK)",
            "ExpressionAttributeValues": {":one": to_value(1)},
        }
    }


class DynamoConfigRepository:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table
        self._cache: dict[str, CompanyConfig] = {}
        self._lock = threading.Lock()

    # Reading -------------------------------------------------------------------------------------------

    def current_version(self, company_id: str) -> int:
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table,
                Key=to_item({"PK": company_pk(company_id), "SK": META}),
                ProjectionExpression="config_version",
                ConsistentRead=True,
            )
        if "Item" not in answer:
            raise NotFound(f"No company {company_id}.")
        return int(from_item(answer["Item"])["config_version"])

    def load(self, company_id: str) -> CompanyConfig:
        """The company's configuration: from the cache when its version is current, else from the table."""
        version = self.current_version(company_id)
        cached = self._cache.get(company_id)
        if cached is not None and cached.version == version:
            return cached
        fresh = self._query_all(company_id)
        with self._lock:
            self._cache[company_id] = fresh
        return fresh

    def _query_all(self, company_id: str) -> CompanyConfig:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": to_item({":pk": company_pk(company_id)}),
            "ConsistentRead": True,
        }
        with domain_errors():
            while True:
                page = self._db.query(**request)
                items.extend(from_item(item) for item in page.get("Items", []))
                if "LastEvaluatedKey" not in page:
                    break
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        company: Company | None = None
        agents: dict[int, Agent] = {}
        offices: dict[str, Office] = {}
        routes: dict[str, Route] = {}
        for item in items:
            sk = item["SK"]
            if sk == META:
                company = Company.model_validate(item)
            elif sk.startswith("AGENT#"):
                agent = Agent.model_validate(_strip_keys(item))
                agents[agent.agent_id] = agent
            elif sk.startswith("OFFICE#"):
                office = Office.model_validate(_strip_keys(item))
                offices[office.office_id] = office
            elif sk.startswith("ROUTE#"):
                route = Route.model_validate(_strip_keys(item))
                routes[route.route_id] = route
        if company is None:
            raise NotFound(f"No company {company_id}.")
        return CompanyConfig(company=company, agents=agents, offices=offices, routes=routes)

    def get_company(self, company_id: str) -> Company:
        return self.load(company_id).company

    # Writing -------------------------------------------------------------------------------------------

    def create_company(self, company: Company) -> None:
        token = new_write_token()
        item = {"PK": company_pk(company.company_id), "SK": META, **company.model_dump(mode="json")}
        with domain_errors(lambda: Conflict("That company already exists.")):
            write_once(
                lambda: self._db.put_item(
                    TableName=self._table,
                    Item=to_item({**item, TOKEN_ATTRIBUTE: token}),
                    ConditionExpression="attribute_not_exists(PK)",
                ),
                landed=lambda: self._carries(company.company_id, META, token),
            )

    def save_settings(self, company_id: str, settings: CompanySettings, expected_version: int) -> None:
        token = new_write_token()
        with domain_errors(_stale):
            write_once(
                lambda: self._db.update_item(
                    TableName=self._table,
                    Key=to_item({"PK": company_pk(company_id), "SK": META}),
                    UpdateExpression=f"SET settings = :settings, config_version = config_version + :one, "
                    f"{TOKEN_ATTRIBUTE} = :token",
                    ConditionExpression="config_version = :seen",
                    ExpressionAttributeValues={
                        ":settings": to_value(settings.model_dump(mode="json")),
                        ":one": to_value(1),
                        ":seen": to_value(expected_version),
                        ":token": to_value(token),
                    },
                ),
                landed=lambda: self._carries(company_id, META, token),
            )

    def put_agent(self, company_id: str, agent: Agent, must_exist: bool, expected_version: int) -> None:
        """must_exist: True to update, False to create."""
        self._put_at_version(
            company_id, agent_sk(agent.agent_id), agent.model_dump(mode="json"), must_exist, expected_version
        )

    def put_office(self, company_id: str, office: Office, must_exist: bool, expected_version: int) -> None:
        self._put_at_version(
            company_id, office_sk(office.office_id), office.model_dump(mode="json"), must_exist, expected_version
        )

    def delete_office(self, company_id: str, office_id: str, expected_version: int) -> None:
        self._delete_at_version(company_id, office_sk(office_id), expected_version)

    # Routes: written only if the configuration is still the one validated against (priorities unique among
    # active routes, members existing), so two concurrent writes cannot both take the same priority.

    def put_route(self, company_id: str, route: Route, must_exist: bool, expected_version: int) -> None:
        self._put_at_version(
            company_id, route_sk(route.route_id), route.model_dump(mode="json"), must_exist, expected_version
        )

    def delete_route(self, company_id: str, route_id: str, expected_version: int) -> None:
        self._delete_at_version(company_id, route_sk(route_id), expected_version)

    def _delete_at_version(self, company_id: str, sk: str, expected_version: int) -> None:
        delete: TransactWriteItemTypeDef = {
            "Delete": {
                "TableName": self._table,
                "Key": to_item({"PK": company_pk(company_id), "SK": sk}),
                "ConditionExpression": "attribute_exists(PK)",
            }
        }
        self._write_at_version(company_id, delete, expected_version, new_write_token())

    def _write_at_version(
        self,
        company_id: str,
        write: "TransactWriteItemTypeDef",
        expected_version: int,
        token: str,
        written: str | None = None,
    ) -> None:
        """written: the sort key of the item a put writes (it carries the token too)."""
        bump = _bump_version(self._table, company_id)
        bump["Update"]["UpdateExpression"] += f", {TOKEN_ATTRIBUTE} = :token"
        bump["Update"]["ConditionExpression"] = "config_version = :seen"
        bump["Update"]["ExpressionAttributeValues"] = {
            ":one": to_value(1),
            ":seen": to_value(expected_version),
            ":token": to_value(token),
        }
        # The META's token is what a retry looks for; another write landing between the first attempt and
        # the retry replaces it, so a put also finds its token on the item it wrote.
        with domain_errors(_stale):
            write_once(
                lambda: self._db.transact_write_items(TransactItems=[write, bump]),
                landed=lambda: (
                    self._carries(company_id, META, token)
                    or (written is not None and self._carries(company_id, written, token))
                ),
            )

    def _put_at_version(
        self, company_id: str, sk: str, values: dict[str, Any], must_exist: bool, expected_version: int
    ) -> None:
        token = new_write_token()
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": to_item({"PK": company_pk(company_id), "SK": sk, **values, TOKEN_ATTRIBUTE: token}),
            "ConditionExpression": "attribute_exists(PK)" if must_exist else "attribute_not_exists(PK)",
        }
        self._write_at_version(company_id, {"Put": put}, expected_version, token, written=sk)

    def _carries(self, company_id: str, sk: str, token: str) -> bool:
        """Whether the stored item holds this write's token: the write landed."""
        answer = self._db.get_item(
            TableName=self._table,
            Key=to_item({"PK": company_pk(company_id), "SK": sk}),
            ProjectionExpression=TOKEN_ATTRIBUTE,
            ConsistentRead=True,
        )
        return from_item(answer.get("Item", {})).get(TOKEN_ATTRIBUTE) == token


def _stale() -> StaleConfiguration:
    return StaleConfiguration("The configuration changed meanwhile; reload and retry.")


def _strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in ("PK", "SK", TOKEN_ATTRIBUTE)}
