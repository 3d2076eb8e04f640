"""Records the AWS requests made in this process (a botocore hook on every client)."""

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient


@dataclass
class Recorded:
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)

    def names(self) -> list[str]:
        return [f"{service}.{operation}" for service, operation, _ in self.calls]

    def routing(self) -> list[str]:
        """The requests that store and route, without the emails and texts that tell agents afterwards."""
        return [name for name in self.names() if name.split(".")[0] not in TELLING]

    def telling(self) -> list[str]:
        return [name for name in self.names() if name.split(".")[0] in TELLING]


# Offer emails, assignment notices and texts: sent after the change they tell of, counted apart.
TELLING = frozenset({"sesv2", "sns"})


@contextmanager
def recording() -> Iterator[Recorded]:
    recorded = Recorded()
    # Not the local stack's own threads (its scheduler polls meanwhile); the service's threads (emails sent
    # in parallel) count.
    original: Callable[..., Any] = BaseClient._make_api_call  # type: ignore[attr-defined]

    def record(self: BaseClient, operation_name: str, api_params: Any) -> Any:
        if not threading.current_thread().name.startswith("devstack"):
            recorded.calls.append((self.meta.service_model.service_name, operation_name, copy.deepcopy(api_params)))
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = record  # type: ignore[attr-defined]
    try:
        yield recorded
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]
