"""Faults injected at the adapter boundary: a rule per `service.Operation` decides whether a botocore call
fails and how (the `faults` fixture of tests/integration/conftest.py patches `BaseClient._make_api_call`,
so production code is not edited for tests and botocore's own retries sit below the fault)."""

import threading
from collections.abc import Callable
from typing import Any

import boto3
from botocore.exceptions import ClientError

Fault = Callable[[str, str, dict[str, Any]], Exception | None]


class Faults:
    """Decides, per AWS call, whether it fails (and how); counts the calls it saw per service.operation."""

    def __init__(self) -> None:
        self.rules: dict[str, Fault] = {}
        self.seen: dict[str, int] = {}
        self._lock = threading.Lock()

    def on(self, name: str, fault: Fault) -> None:
        self.rules[name] = fault

    def clear(self) -> None:
        self.rules.clear()

    def check(self, service: str, operation: str, params: dict[str, Any]) -> Exception | None:
        name = f"{service}.{operation}"
        with self._lock:
            self.seen[name] = self.seen.get(name, 0) + 1
            count = self.seen[name]
        rule = self.rules.get(name)
        return rule(name, str(count), params) if rule else None


def client_error(code: str, operation: str, status: int = 400, **extra: Any) -> ClientError:
    response: Any = {"Error": {"Code": code, "Message": "injected"}, "ResponseMetadata": {"HTTPStatusCode": status}}
    response.update(extra)
    return ClientError(response, operation)


def always(error: Callable[[], Exception]) -> Fault:
    return lambda _name, _count, _params: error()


def first(n: int, error: Callable[[], Exception]) -> Fault:
    """Fail the first n calls of the operation (counted from when the rule was set), then let them through."""
    state = {"left": n}
    lock = threading.Lock()

    def fault(_name: str, _count: str, _params: dict[str, Any]) -> Exception | None:
        with lock:
            if state["left"] > 0:
                state["left"] -= 1
                return error()
        return None

    return fault


def lands_then_fails(operation: str, matches: Callable[[dict[str, Any]], bool] = lambda _params: True) -> Fault:
    """The first matching write lands, but its caller sees the failed condition that the SDK's retry of it
    would see (after a read timeout on the first attempt, say)."""
    landed: list[dict[str, Any]] = []
    method = {"PutItem": "put_item", "UpdateItem": "update_item", "TransactWriteItems": "transact_write_items"}[
        operation
    ]

    def fault(_name: str, _count: str, params: dict[str, Any]) -> Exception | None:
        if landed or not matches(params):
            return None
        landed.append(params)
        getattr(boto3.client("dynamodb"), method)(**params)
        if operation == "TransactWriteItems":
            reasons = [{"Code": "ConditionalCheckFailed"} for _ in params["TransactItems"]]
            return client_error("TransactionCanceledException", operation, CancellationReasons=reasons)
        return client_error("ConditionalCheckFailedException", operation)

    return fault
