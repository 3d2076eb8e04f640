"""Records the AWS requests made in this process (a botocore hook on every client)."""

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient

from tests.support.aws_calls import AwsCalls

# The same counts the tests read (names, routing requests, emails and texts apart), recorded here for a run.
Recorded = AwsCalls


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
