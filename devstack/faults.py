"""Faults the local stack injects into its emulated AWS, to try by hand what tests inject in process.

``POST /_local/faults`` with ``{"operation": "TransactWriteItems", "count": 1}`` makes the next such
DynamoDB request land and then answer 500 InternalServerError, as when AWS stored a write but its answer
was lost (a read timeout, a dropped connection). The SDK then sends the same write again, exactly as it
would in AWS, and that retry meets its own landed write. ``GET /_local/faults`` lists what is still armed;
``DELETE /_local/faults`` disarms everything. Nothing here exists in a deployed stack.
"""

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

DYNAMODB_TARGET: Final = "DynamoDB_20120810."
# The operations a lost answer matters for: writes whose retry can meet themselves.
WRITES: Final = frozenset({"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems"})
_LOST_ANSWER: Final = json.dumps(
    {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "injected by the local stack"}
).encode()


class FaultRequestError(ValueError):
    """The fault asked for is not one the local stack can inject."""


@dataclass
class _Armed:
    operation: str
    left: int


class AwsFaults:
    """Armed faults, taken one request at a time (the moto server runs one request at a time anyway)."""

    def __init__(self) -> None:
        self._armed: list[_Armed] = []
        self._lock = threading.Lock()

    def arm(self, request: dict[str, Any]) -> dict[str, Any]:
        operation, count = request.get("operation"), request.get("count", 1)
        if operation not in WRITES:
            raise FaultRequestError(f"operation: one of {', '.join(sorted(WRITES))}")
        if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 100:
            raise FaultRequestError("count: a whole number from 1 to 100")
        with self._lock:
            self._armed.append(_Armed(operation, count))
        return {"operation": operation, "count": count, "effect": "lands, then answers 500 (the SDK retries)"}

    def armed(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"operation": armed.operation, "count": armed.left} for armed in self._armed]

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def take(self, environ: "WSGIEnvironment") -> bool:
        """Whether this request's answer is to be lost (it still runs)."""
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        if not target.startswith(DYNAMODB_TARGET):
            return False
        operation = target.removeprefix(DYNAMODB_TARGET)
        with self._lock:
            for armed in self._armed:
                if armed.operation == operation:
                    armed.left -= 1
                    if armed.left == 0:
                        self._armed.remove(armed)
                    return True
        return False


def lose_answer(app: "WSGIApplication", environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
    """Run the request (it lands), then answer as AWS does when it cannot say how it went."""
    result = app(environ, lambda _status, _headers, _exc_info=None: lambda _data: None)
    try:
        for _chunk in result:
            pass
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    start_response(
        "500 Internal Server Error",
        [("Content-Type", "application/x-amz-json-1.0"), ("Content-Length", str(len(_LOST_ANSWER)))],
    )
    return [_LOST_ANSWER]
