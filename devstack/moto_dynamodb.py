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
values, dates) still goes through moto's serializer. So are a stream's GetRecords answers, their times written
as moto writes them.

Queries: moto answers a Query of the table (not of an index) by sorting every item of the table, every
partition, then keeping the partition asked for; a Query of an index sorts them all as well, then keeps the
index's partition. With 200 companies' configurations and leads in the table, that sort was 70% of the local
stack's CPU in the many-companies benchmark (py-spy, 2026-12-03), and each company's cold configuration load
or list of leads paid for every other company's items: in DynamoDB a Query reads its own partition. Here
moto's query runs on a view of the table whose items are the ones it may answer: the table's partition (a
dictionary look-up), or the items whose index key matches (one pass over the table, no sort). The rest of
moto's code (key conditions, filters, order, limits, pages, projections) runs as it is, on the same items in
the same order.
"""

import calendar
import copy
import inspect
import json
import threading
import types
from collections.abc import Callable, Iterator
from datetime import datetime
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
        _install_plain_stream_records()
        _install_partition_queries(models.Table)  # type: ignore[attr-defined]


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


def _install_plain_stream_records() -> None:
    """A stream's GetRecords, read by the local Lambda event source after every write, is DynamoDB's wire form
    as well, but for its times: they are written as moto's serializer writes a JSON timestamp (epoch seconds,
    milliseconds truncated). In the reports benchmark's seed, moto's serializer of these answers was a quarter
    of the stack's CPU (py-spy, 2026-12-03)."""
    from moto.core.responses import ActionResult
    from moto.dynamodbstreams.responses import DynamoDBStreamsHandler

    records = DynamoDBStreamsHandler.get_records

    class PlainRecords(ActionResult):
        def execute_result(self, context: Any) -> Any:
            try:
                body = json.dumps(_without_none(self.result), default=_epoch_seconds)
            except TypeError:
                return super().execute_result(context)  # bytes in an image: moto's serializer knows their form
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body

    def get_records(handler: Any) -> Any:
        return PlainRecords(records(handler).result)

    DynamoDBStreamsHandler.get_records = get_records  # type: ignore[method-assign, assignment]


def _epoch_seconds(value: Any) -> float:
    if not isinstance(value, datetime):
        raise TypeError(type(value).__name__)
    seconds = calendar.timegm(value.timetuple())  # moto's times are UTC, naive or not
    return seconds + (value.microsecond // 1000) / 1000.0 if value.microsecond else seconds


def _without_none(value: Any) -> Any:
    """As the serializer leaves them out: members without a value (an INSERT's OldImage)."""
    if isinstance(value, dict):
        return {key: _without_none(inner) for key, inner in value.items() if inner is not None}
    if isinstance(value, list):
        return [_without_none(inner) for inner in value]
    return value


def _install_partition_queries(table_type: Any) -> None:
    query = table_type.query
    signature = inspect.signature(query)

    def partition_query(table: Any, *args: Any, **kwargs: Any) -> Any:
        # Bound by name: moto's backend passes the index's name positionally.
        named = signature.bind(table, *args, **kwargs).arguments
        if not named.get("index_name"):
            if named.get("hash_key") is None:
                return query(table, *args, **kwargs)
            found = table.items.get(named["hash_key"])  # .get: `items` is a defaultdict, and a read adds no key
            partition = [] if found is None else list(found.values()) if table.range_key_attr else [found]
            return query(_Items(table, partition), *args, **kwargs)  # moto's query sorts them
        conditions = named.get("hash_key_conditions")
        if not conditions:
            return query(table, *args, **kwargs)
        # An index's partition is spread over the table: the items whose index key matches, in the table's key
        # order, as moto's own scan of the table leaves them for its (stable) sort by the index's keys.
        matching = [item for item in _every_item(table) if _matches(item, conditions)]
        matching.sort(key=lambda item: (item.hash_key, item.range_key) if item.range_key else item.hash_key)
        return query(_Items(table, matching), *args, **kwargs)

    table_type.query = partition_query


def _every_item(table: Any) -> Iterator[Any]:
    for stored in table.items.values():
        if table.range_key_attr:
            yield from stored.values()
        else:
            yield stored


def _matches(item: Any, conditions: list[tuple[str, Any]]) -> bool:
    for name, expected in conditions:
        value = item.attrs.get(name)
        if not value or value != expected:  # moto's own test of an index's hash key
            return False
    return True


class _Items:
    """A table whose `all_items` is the items a query may answer: one partition of the table, or the items
    of one partition of an index. Every other attribute is the table's own (moto's query writes nothing)."""

    def __init__(self, table: Any, items: list[Any]) -> None:
        self._table = table
        self._items = items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        return self._items


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
