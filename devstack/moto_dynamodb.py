"""Moto's DynamoDB at the cost of what a request touches, not of the table: transactions and reads.

Transactions: moto backs up a transaction by deep-copying every table it names, once per item of the
transaction, and puts the copy back when the transaction is cancelled. With a few thousand items in the
table (a big company's agents, the leads of a benchmark) a three-item transaction took seconds, where
DynamoDB takes milliseconds, and every configuration write is such a transaction. Here the backup is a copy
of the touched items alone (and the length of the table's stream): a cancelled transaction is undone item
by item, its stream records dropped, which leaves the table as moto's whole-table copy would. Moto's own
code still checks the conditions and applies the writes; only its backup is replaced, while it runs (the
module's `copy` hands a table back by reference; every other deep copy it makes stays a deep copy).

Reads: moto 5.2 turns every response into JSON through a generic serializer that walks the output shape
member by member; for a query of 5,000 agents that was 85% of the time (tens of seconds, past a Lambda's
timeout). The answers of GetItem, BatchGetItem, Query and Scan are already DynamoDB's wire form (attribute
values as {"S": ...}), so they are written with json.dumps; anything json cannot write as is (binary
values, dates) still goes through moto's serializer.
"""

import copy
import json
import threading
import types
from collections.abc import Callable
from typing import Any

_installed = threading.Lock()
_state: dict[str, Any] = {}


def install() -> None:
    """Idempotent: the first call patches this process's moto (transactions, then reads)."""
    from moto.dynamodb import models

    with _installed:
        if _state:
            return
        original: Callable[[Any, list[dict[str, Any]]], None] = models.DynamoDBBackend.transact_write_items
        by_reference = _copy_sharing_tables(models.Table)  # type: ignore[attr-defined]
        calls = threading.Lock()

        def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
            with calls:  # the module's `copy` is swapped for the call: one transaction at a time
                backup = _Backup(backend, transact_items)
                models.copy = by_reference  # type: ignore[assignment, attr-defined]
                try:
                    original(backend, transact_items)
                except Exception:
                    backup.restore()
                    raise
                finally:
                    models.copy = copy  # type: ignore[attr-defined]

        models.DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[assignment]
        _state["original"] = original
        _install_plain_reads()


_READS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan"})


def _install_plain_reads() -> None:
    from moto.dynamodb.responses import DynamoResult

    serialized = DynamoResult.execute_result

    def execute_result(result: Any, context: Any) -> Any:
        if context.operation_model.name in _READS:
            try:
                body = json.dumps({key: value for key, value in result.result.items() if value is not None})
            except TypeError:
                pass  # bytes or a date inside: moto's serializer knows their wire form
            else:
                return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
        return serialized(result, context)

    DynamoResult.execute_result = execute_result  # type: ignore[assignment]


def _copy_sharing_tables(table_type: type) -> types.SimpleNamespace:
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, table_type) else copy.deepcopy(value, memo)

    return types.SimpleNamespace(deepcopy=deepcopy, copy=copy.copy)


class _Backup:
    """The touched items as they were (None: absent), and each table's stream length."""

    def __init__(self, backend: Any, transact_items: list[dict[str, Any]]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        self._backend = backend
        self._items: list[tuple[str, Any, Any, Any]] = []
        self._streams: dict[str, int] = {}
        for entry in transact_items:
            _, operation = next(iter(entry.items()))
            table = backend.tables.get(operation.get("TableName"))
            key = operation.get("Key") or operation.get("Item")
            if table is None or not isinstance(key, dict) or table.hash_key_attr not in key:
                continue  # moto refuses this one itself, before it writes anything of it
            hash_key = DynamoType(key[table.hash_key_attr])
            range_key = DynamoType(key[table.range_key_attr]) if table.range_key_attr in key else None
            if table.range_key_attr is not None and range_key is None:
                continue
            self._items.append((table.name, hash_key, range_key, copy.deepcopy(table.get_item(hash_key, range_key))))
            if table.stream_shard is not None:
                self._streams.setdefault(table.name, len(table.stream_shard.items))

    def restore(self) -> None:
        for name, hash_key, range_key, item in reversed(self._items):
            table = self._backend.tables[name]
            if range_key is None:
                if item is None:
                    table.items.pop(hash_key, None)
                else:
                    table.items[hash_key] = item
            elif item is None:
                table.items[hash_key].pop(range_key, None)
            else:
                table.items[hash_key][range_key] = item
        for name, length in self._streams.items():
            shard = self._backend.tables[name].stream_shard
            if shard is not None:
                del shard.items[length:]
