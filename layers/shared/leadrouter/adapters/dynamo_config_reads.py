"""The configuration as of one version, read item by item: what a configuration write checks itself against.

A write needs a few items, not the company: the agent it patches, the office an agent joins, the agents a
route names, the priorities the active routes hold (one item beside the routes). Each is one strongly
consistent read of its own, so a write costs the same at 5 agents and at 5,000. Everything here is read
after the company item that gave the version, and the write is stored only if that version is still current
(service/config_writes.py): when it is, nothing read here can have changed since.
"""

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item, to_item
from leadrouter.adapters.dynamo_config_items import (
    AGENT_PREFIX,
    OFFICE_AGENT_COUNT,
    ROUTE_PREFIX,
    ROUTE_PRIORITIES_SK,
    decode,
    decode_priorities,
    query_items,
)
from leadrouter.adapters.dynamo_keys import agent_sk, company_pk, office_sk, route_sk
from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.company import Company
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.routes import ActivePriorities, Route, active_priorities

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_BATCH_GET = 100  # BatchGetItem takes at most 100 keys


class DynamoConfigReads:
    def __init__(
        self,
        client: "DynamoDBClient",
        table: str,
        company: Company,
        warm_copy: Callable[[int], CompanyConfig | None] = lambda version: None,
    ) -> None:
        self._db = client
        self._table = table
        self._company = company
        # The container's cached configuration brought to a version from the change log, or None where it has
        # no copy (a full read is never made for it).
        self._warm_copy = warm_copy
        self._priorities: ActivePriorities | None = None
        self._offices: dict[str, dict[str, Any] | None] = {}  # office items as read, for office_agent_count

    @property
    def company(self) -> Company:
        return self._company

    @property
    def version(self) -> int:
        return self._company.config_version

    def agent(self, agent_id: int) -> Agent | None:
        found = self._get(agent_sk(agent_id))
        return found if isinstance(found, Agent) else None

    def office(self, office_id: str) -> Office | None:
        item = self._office_item(office_id)
        found = decode(item) if item is not None else None
        return found if isinstance(found, Office) else None

    def office_agent_count(self, office_id: str) -> int | None:
        item = self._office_item(office_id)
        count = item.get(OFFICE_AGENT_COUNT) if item is not None else None
        return int(count) if count is not None else None

    def _office_item(self, office_id: str) -> dict[str, Any] | None:
        # A write asks of one office both whether it exists and what it counts: one read.
        if office_id not in self._offices:
            self._offices[office_id] = self._get_raw(office_sk(office_id))
        return self._offices[office_id]

    def missing_agents(self, agent_ids: Iterable[int]) -> list[int]:
        """Those of `agent_ids` that are no agent of the company, in the order given."""
        wanted = list(dict.fromkeys(agent_ids))
        found: set[str] = set()
        for start in range(0, len(wanted), _BATCH_GET):
            keys: Any = [self._key(agent_sk(agent_id)) for agent_id in wanted[start : start + _BATCH_GET]]
            request: Any = {self._table: {"Keys": keys, "ProjectionExpression": "SK", "ConsistentRead": True}}
            with domain_errors():
                while request:
                    answer = self._db.batch_get_item(RequestItems=request)
                    found.update(str(from_item(item)["SK"]) for item in answer["Responses"].get(self._table, []))
                    request = answer.get("UnprocessedKeys") or None
        return [agent_id for agent_id in wanted if agent_sk(agent_id) not in found]

    def highest_agent_id(self) -> int:
        """The largest agent id in use (0 when there is none). A warm container answers from its cached
        configuration caught up to this version, as office_members does; without a copy, agent keys sort by
        id, so one item of a Query answers (DynamoDB reads one item; moto sorts the whole partition for it,
        which was create-agent's median at 5,000 agents on the local stack)."""
        known = self._caught_up_copy()
        if known is not None:
            return max(known.agents, default=0)
        request = self._request(AGENT_PREFIX, ScanIndexForward=False, Limit=1, ProjectionExpression="agent_id")
        with domain_errors():
            items = self._db.query(**request).get("Items", [])
        return max((int(from_item(item)["agent_id"]) for item in items), default=0)

    def office_members(self, office_id: str) -> list[int]:
        """The agents in the office. A warm container answers from its cached configuration, caught up to
        this version from the change log (the write is stored only if the version is still current, so that
        copy is exact). Only a container without a copy filters every agent item, in pages of 1 MB; an office
        that counts its agents and has none is not asked (service/configuration.delete_office)."""
        known = self._caught_up_copy()
        if known is not None:
            return sorted(agent.agent_id for agent in known.agents.values() if agent.office_id == office_id)
        request = self._request(
            AGENT_PREFIX,
            {":office": office_id},
            FilterExpression="office_id = :office",
            ProjectionExpression="agent_id",
        )
        items = query_items(self._db, request)
        return sorted(int(item["agent_id"]) for item in items)

    def _caught_up_copy(self) -> CompanyConfig | None:
        """The container's cached configuration at exactly this version (the write is stored only if the
        version is still current, so it is exact), or None where the container has no copy."""
        known = self._warm_copy(self.version)
        return known if known is not None and known.version == self.version else None

    def route(self, route_id: str) -> Route | None:
        found = self._get(route_sk(route_id))
        return found if isinstance(found, Route) else None

    def route_priorities(self) -> ActivePriorities:
        """Read once, from the item every route write stores beside the routes; a company whose routes were
        last written before that item existed has its routes read instead (the next route write stores it)."""
        if self._priorities is None:
            item = self._get_raw(ROUTE_PRIORITIES_SK)
            if item is not None:
                self._priorities = decode_priorities(item)
            else:
                routes = [decode(item) for item in query_items(self._db, self._request(ROUTE_PREFIX))]
                self._priorities = active_priorities(route for route in routes if isinstance(route, Route))
        return self._priorities

    def _key(self, sk: str) -> Any:
        return to_item({"PK": company_pk(self._company.company_id), "SK": sk})

    def _get(self, sk: str) -> object:
        item = self._get_raw(sk)
        return decode(item) if item is not None else None

    def _get_raw(self, sk: str) -> dict[str, Any] | None:
        with domain_errors():
            answer = self._db.get_item(TableName=self._table, Key=self._key(sk), ConsistentRead=True)
        return from_item(answer["Item"]) if "Item" in answer else None

    def _request(self, prefix: str, extra_values: dict[str, Any] | None = None, **options: Any) -> dict[str, Any]:
        """A strongly consistent query of the company's items whose sort key starts with `prefix`."""
        values = {":pk": company_pk(self._company.company_id), ":prefix": prefix, **(extra_values or {})}
        return {
            "TableName": self._table,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :prefix)",
            "ExpressionAttributeValues": to_item(values),
            "ConsistentRead": True,
            **options,
        }
