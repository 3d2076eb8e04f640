"""The configuration's items in the company's partition, and what each one decodes to.

One decoder for every way an item reaches a cache (the whole-partition query, a write's targeted read, an
entry of the change log), so an agent read one way is the same agent read another way.
"""

from typing import TYPE_CHECKING, Any

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.dynamo_codec import from_item
from leadrouter.adapters.dynamo_keys import META
from leadrouter.adapters.retried_writes import TOKEN_ATTRIBUTE
from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.company import Company
from leadrouter.domain.model import STORED
from leadrouter.domain.routes import ActivePriorities, PriorityHolder, Route

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

AGENT_PREFIX = "AGENT#"
OFFICE_PREFIX = "OFFICE#"
ROUTE_PREFIX = "ROUTE#"
# The number of agents in the office, on its item, kept by every write that moves an agent in or out
# (docs/DECISIONS.md, "An office counts its agents"); not part of the Office model.
OFFICE_AGENT_COUNT = "agent_count"
# The priorities the active routes hold, rewritten by every route write (domain/routes.ActivePriorities):
# not a route (its key does not start with ROUTE#), and no model of the configuration.
ROUTE_PRIORITIES_SK = "ROUTE_PRIORITIES"

type ConfigItem = Company | Agent | Office | Route


def strip_keys(item: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in item.items() if key not in ("PK", "SK", TOKEN_ATTRIBUTE)}


def decode(item: dict[str, Any]) -> ConfigItem | None:
    """The model a stored item holds, by its sort key; None for items that are not configuration."""
    sk = str(item["SK"])
    if sk == META:
        return Company.model_validate(item, context=STORED)
    if sk.startswith(AGENT_PREFIX):
        return Agent.model_validate(strip_keys(item), context=STORED)
    if sk.startswith(OFFICE_PREFIX):
        return Office.model_validate({k: v for k, v in strip_keys(item).items() if k != OFFICE_AGENT_COUNT})
    if sk.startswith(ROUTE_PREFIX):
        return Route.model_validate(strip_keys(item))
    return None


def encode_priorities(held: ActivePriorities) -> dict[str, Any]:
    """The item's attributes: each priority (as text: a map's keys are strings) and its holder."""
    return {"held": {str(priority): {"route_id": h.route_id, "name": h.name} for priority, h in held.items()}}


def decode_priorities(item: dict[str, Any]) -> ActivePriorities:
    return {int(priority): PriorityHolder(str(h["route_id"]), str(h["name"])) for priority, h in item["held"].items()}


def query_items(db: "DynamoDBClient", request: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item the query finds, page after page (pages of at most 1 MB)."""
    request = dict(request)
    items: list[dict[str, Any]] = []
    with domain_errors():
        while True:
            page = db.query(**request)
            items.extend(from_item(item) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
