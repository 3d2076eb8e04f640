"""Companies and their routing configuration in DynamoDB, with the warm-Lambda cache.

An intake reads one item (the company's META, strongly consistent) to learn the configuration version;
when it differs from the cached one, the cache catches up by reading the change log of the versions it
missed (adapters/dynamo_config_log.py), and reads the whole company partition only when it has no copy, is
far behind or finds the log incomplete. Every configuration write is one transaction: the item it puts or
deletes, the version bump (conditional on the version the write was checked against) and the new version's
log entry. A write is checked with targeted reads of the items it depends on (adapters/dynamo_config_reads.py),
never the whole configuration, so its cost does not grow with the company. Each write leaves its token on
the company's META (and on the item it puts), so that a write the SDK retried after it had landed is
answered as done (adapters/retried_writes.py).
"""

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_company_meta import read_meta
from leadrouter.adapters.dynamo_config_items import (
    OFFICE_AGENT_COUNT,
    ROUTE_PRIORITIES_SK,
    decode,
    encode_priorities,
    query_items,
)
from leadrouter.adapters.dynamo_config_log import applied, log_entry, read_changes
from leadrouter.adapters.dynamo_config_reads import DynamoConfigReads
from leadrouter.adapters.dynamo_keys import META, agent_sk, company_pk, office_sk, route_sk
from leadrouter.adapters.retried_writes import TOKEN_ATTRIBUTE, new_write_token, write_once
from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.config import CompanyConfig, StaleConfiguration
from leadrouter.domain.errors import Conflict, NotFound
from leadrouter.domain.model import STORED
from leadrouter.domain.routes import ActivePriorities, Route

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import PutTypeDef, TransactWriteItemTypeDef


class DynamoConfigRepository:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table
        self._cache: dict[str, CompanyConfig] = {}
        self._lock = threading.Lock()

    # Reading -------------------------------------------------------------------------------------------

    def current_version(self, company_id: str) -> int:
        return int(read_meta(self._db, self._table, company_id, "config_version")["config_version"])

    def load(self, company_id: str) -> CompanyConfig:
        """The company's configuration: from the cache when its version is current, else brought up to date
        from the change log, else read whole from the table."""
        version = self.current_version(company_id)
        warm = self._warm_copy(company_id, version)
        if warm is not None:
            return warm
        fresh = self._query_all(company_id)
        with self._lock:
            self._cache[company_id] = fresh
        return fresh

    def _caught_up(self, cached: CompanyConfig, version: int) -> CompanyConfig | None:
        if version < cached.version:
            return None
        changes = read_changes(self._db, self._table, cached.company.company_id, cached.version, version)
        return applied(cached, changes) if changes is not None else None

    def _query_all(self, company_id: str) -> CompanyConfig:
        request = {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk",
            "ExpressionAttributeValues": to_item({":pk": company_pk(company_id)}),
            "ConsistentRead": True,
        }
        company: Company | None = None
        agents: dict[int, Agent] = {}
        offices: dict[str, Office] = {}
        routes: dict[str, Route] = {}
        for item in query_items(self._db, request):
            match decode(item):
                case Company() as company:
                    pass
                case Agent() as agent:
                    agents[agent.agent_id] = agent
                case Office() as office:
                    offices[office.office_id] = office
                case Route() as route:
                    routes[route.route_id] = route
        if company is None:
            raise NotFound(f"No company {company_id}.")
        return CompanyConfig(company=company, agents=agents, offices=offices, routes=routes)

    def reads(self, company_id: str) -> DynamoConfigReads:
        """The current version, for a write to check itself against item by item (NotFound: no company)."""
        company = self.company(company_id)
        return DynamoConfigReads(self._db, self._table, company, lambda version: self._warm_copy(company_id, version))

    def company(self, company_id: str) -> Company:
        """The company's META alone (its settings, its version), read strongly consistent: for what needs the
        company or its settings only (a key's recovery, the honeypot, a texting phone's region), where a cold
        container would otherwise read every agent and route."""
        return Company.model_validate(read_meta(self._db, self._table, company_id), context=STORED)

    def _warm_copy(self, company_id: str, version: int) -> CompanyConfig | None:
        """The cached configuration at `version`, caught up from the change log; None without a cached copy."""
        cached = self._cache.get(company_id)
        if cached is None or cached.version == version:
            return cached
        fresh = self._caught_up(cached, version)
        if fresh is not None:
            with self._lock:
                self._cache[company_id] = fresh
        return fresh

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
        values = settings.model_dump(mode="json")
        self._commit(company_id, expected_version, new_write_token(), settings=values)

    def put_agent(
        self,
        company_id: str,
        agent: Agent,
        must_exist: bool,
        expected_version: int,
        office_counts: Mapping[str, int] | None = None,
    ) -> None:
        """must_exist: True to update, False to create. The offices' counts change in the same transaction."""
        counts = [
            self._count_change(company_id, office_id, change) for office_id, change in (office_counts or {}).items()
        ]
        self._put_at_version(
            company_id, agent_sk(agent.agent_id), agent.model_dump(mode="json"), must_exist, expected_version, counts
        )

    def put_office(
        self, company_id: str, office: Office, must_exist: bool, expected_version: int, agent_count: int | None = None
    ) -> None:
        values = office.model_dump(mode="json")
        if agent_count is not None:
            values[OFFICE_AGENT_COUNT] = agent_count
        self._put_at_version(company_id, office_sk(office.office_id), values, must_exist, expected_version)

    def _count_change(self, company_id: str, office_id: str, change: int) -> "TransactWriteItemTypeDef":
        # The count was read at the version this transaction checks: it is there, and current.
        return {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"PK": company_pk(company_id), "SK": office_sk(office_id)}),
                "UpdateExpression": f"ADD {OFFICE_AGENT_COUNT} :change",
                "ConditionExpression": f"attribute_exists({OFFICE_AGENT_COUNT})",
                "ExpressionAttributeValues": to_item({":change": change}),
            }
        }

    def delete_office(self, company_id: str, office_id: str, expected_version: int) -> None:
        self._delete_at_version(company_id, office_sk(office_id), expected_version)

    # Routes: written only if the configuration is still the one validated against (priorities unique among
    # active routes, members existing), so two concurrent writes cannot both take the same priority.

    def put_route(
        self, company_id: str, route: Route, must_exist: bool, expected_version: int, priorities: ActivePriorities
    ) -> None:
        values = route.model_dump(mode="json")
        held = [self._priorities_put(company_id, priorities)]
        self._put_at_version(company_id, route_sk(route.route_id), values, must_exist, expected_version, held)

    def delete_route(self, company_id: str, route_id: str, expected_version: int, priorities: ActivePriorities) -> None:
        self._delete_at_version(
            company_id, route_sk(route_id), expected_version, [self._priorities_put(company_id, priorities)]
        )

    def _priorities_put(self, company_id: str, priorities: ActivePriorities) -> "TransactWriteItemTypeDef":
        # Whole, as of the version this transaction checks: no condition of its own is needed.
        item = {"PK": company_pk(company_id), "SK": ROUTE_PRIORITIES_SK, **encode_priorities(priorities)}
        return {"Put": {"TableName": self._table, "Item": to_item(item)}}

    def _delete_at_version(
        self, company_id: str, sk: str, expected_version: int, also: "list[TransactWriteItemTypeDef] | None" = None
    ) -> None:
        delete: TransactWriteItemTypeDef = {
            "Delete": {
                "TableName": self._table,
                "Key": to_item({"PK": company_pk(company_id), "SK": sk}),
                "ConditionExpression": "attribute_exists(PK)",
            }
        }
        self._commit(company_id, expected_version, new_write_token(), write=delete, deletes=[sk], also=also)

    def _put_at_version(
        self,
        company_id: str,
        sk: str,
        values: dict[str, Any],
        must_exist: bool,
        expected_version: int,
        also: "list[TransactWriteItemTypeDef] | None" = None,
    ) -> None:
        token = new_write_token()
        stored = {"SK": sk, **values}
        put: PutTypeDef = {
            "TableName": self._table,
            "Item": to_item({"PK": company_pk(company_id), **stored, TOKEN_ATTRIBUTE: token}),
            "ConditionExpression": "attribute_exists(PK)" if must_exist else "attribute_not_exists(PK)",
        }
        self._commit(company_id, expected_version, token, write={"Put": put}, written=sk, puts=[stored], also=also)

    def _commit(
        self,
        company_id: str,
        expected_version: int,
        token: str,
        write: "TransactWriteItemTypeDef | None" = None,
        written: str | None = None,
        puts: list[dict[str, Any]] | None = None,
        deletes: list[str] | None = None,
        settings: dict[str, Any] | None = None,
        also: "list[TransactWriteItemTypeDef] | None" = None,
    ) -> None:
        """One transaction: `write` (if any) and what goes `also` with it, the version bump conditional on
        `expected_version` (with the settings, for a settings write), and the new version's log entry.
        written: the sort key of the item a put writes (it carries the token too)."""
        assignments = f"config_version = config_version + :one, {TOKEN_ATTRIBUTE} = :token"
        values: dict[str, Any] = {":one": 1, ":seen": expected_version, ":token": token}
        if settings is not None:
            assignments = f"settings = :settings, {assignments}"
            values[":settings"] = settings
        bump: TransactWriteItemTypeDef = {
            "Update": {
                "TableName": self._table,
                "Key": to_item({"PK": company_pk(company_id), "SK": META}),
                "UpdateExpression": f"SET {assignments}",
                "ConditionExpression": "config_version = :seen",
                "ExpressionAttributeValues": to_item(values),
            }
        }
        entry = log_entry(self._table, company_id, expected_version + 1, puts, deletes, settings)
        items = [*([write] if write is not None else []), *(also or []), bump, entry]
        # The META's token is what a retry looks for; another write landing between the first attempt and
        # the retry replaces it, so a put also finds its token on the item it wrote.
        with domain_errors(_stale):
            write_once(
                lambda: self._db.transact_write_items(TransactItems=items),
                landed=lambda: (
                    self._carries(company_id, META, token)
                    or (written is not None and self._carries(company_id, written, token))
                ),
            )

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
