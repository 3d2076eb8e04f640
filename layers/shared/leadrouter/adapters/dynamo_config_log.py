"""The configuration's change log: what each configuration version changed, so that a warm cache catches up
by reading the changes, not the company.

Every configuration write puts one log entry, keyed by the version it creates, in the same transaction that
bumps the version: an entry exists exactly when its version does, and holds the items that version put (as
stored, without the write token), the sort keys it deleted, or the settings it stored (only configuration
writes change the company item after its creation). A cache at version v that finds the
company at V reads entries v+1..V with one query (one page for any ordinary burst of edits) and applies them
to a copy of its configuration. It falls back to reading the whole partition when it is more than
MAX_BEHIND versions behind, or when an entry is missing (trimmed by the TTL, or a version bumped by a
writer that logs nothing, such as a seeding script): applying a log with a gap would keep a stale item.

The log lives under its own partition key (`C#<company>#CONFIGLOG`), so the whole-partition read of the
configuration never pays for it, and it holds agents, offices and routes only: no lead, so no lead's
contact details.
"""

import time
from typing import TYPE_CHECKING, Any

from leadrouter.adapters.dynamo_codec import to_item
from leadrouter.adapters.dynamo_config_items import AGENT_PREFIX, OFFICE_PREFIX, ROUTE_PREFIX, decode, query_items
from leadrouter.adapters.dynamo_keys import config_log_pk, config_log_sk
from leadrouter.domain.company import CompanySettings
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.model import STORED

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# Beyond this many versions behind, one read of the whole partition is as cheap as the log and bounded.
MAX_BEHIND = 100
# A warm container older than this (Lambda recycles them within hours) reads the whole partition instead.
RETENTION_SECONDS = 7 * 24 * 3600


def log_entry(
    table: str,
    company_id: str,
    version: int,
    puts: list[dict[str, Any]] | None = None,
    deletes: list[str] | None = None,
    settings: dict[str, Any] | None = None,
) -> "TransactWriteItemTypeDef":
    """The entry of `version`, written in the transaction that creates that version."""
    entry: dict[str, Any] = {
        "PK": config_log_pk(company_id),
        "SK": config_log_sk(version),
        "version": version,
        "puts": puts or [],
        "deletes": deletes or [],
        # Only trims the log; the entry's meaning never depends on when it goes.
        "expiration": int(time.time()) + RETENTION_SECONDS,
    }
    if settings is not None:
        entry["settings"] = settings
    return {"Put": {"TableName": table, "Item": to_item(entry)}}


def read_changes(
    db: "DynamoDBClient", table: str, company_id: str, after: int, upto: int
) -> list[dict[str, Any]] | None:
    """The entries of versions after+1..upto in order, or None when the log cannot bring a cache that far."""
    if upto - after > MAX_BEHIND:
        return None
    request: dict[str, Any] = {
        "TableName": table,
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :first AND :last",
        "ExpressionAttributeValues": to_item(
            {":pk": config_log_pk(company_id), ":first": config_log_sk(after + 1), ":last": config_log_sk(upto)}
        ),
        "ConsistentRead": True,
    }
    entries = query_items(db, request)
    if [entry["version"] for entry in entries] != list(range(after + 1, upto + 1)):
        return None
    return entries


def applied(config: CompanyConfig, entries: list[dict[str, Any]]) -> CompanyConfig:
    """A new configuration: `config` with the entries' changes, at the last entry's version. A new object,
    so that nothing derived from the old one (an index, a queue) is taken for the new one."""
    company = config.company
    collections: dict[str, dict[Any, Any]] = {
        AGENT_PREFIX: dict(config.agents),
        OFFICE_PREFIX: dict(config.offices),
        ROUTE_PREFIX: dict(config.routes),
    }
    for entry in entries:
        update: dict[str, Any] = {"config_version": entry["version"]}
        if "settings" in entry:
            update["settings"] = CompanySettings.model_validate(entry["settings"], context=STORED)
        company = company.model_copy(update=update)
        for item in entry["puts"]:
            prefix, key = _split(str(item["SK"]))
            collections[prefix][key] = decode(item)
        for sk in entry["deletes"]:
            prefix, key = _split(sk)
            collections[prefix].pop(key, None)
    return CompanyConfig(
        company=company,
        agents=collections[AGENT_PREFIX],
        offices=collections[OFFICE_PREFIX],
        routes=collections[ROUTE_PREFIX],
    )


def _split(sk: str) -> tuple[str, int | str]:
    """The collection a sort key belongs to, and the item's key in it (agents are keyed by number)."""
    prefix, _, key = sk.partition("#")
    prefix += "#"
    return prefix, int(key) if prefix == AGENT_PREFIX else key
