"""Logger, tracer and metrics, shared by every function. Lead contact details never reach a log line or a
trace: services log ids, and handlers' answers (API bodies that carry contact details and messages) are
not recorded in X-Ray metadata.

The tracer is built on a handler's first call, and only when tracing is on: building Powertools' Tracer
starts the X-Ray SDK's recorder, which creates its own botocore client (about 350 ms of a cold start),
even when tracing is disabled. It patches botocore only (the service's one outgoing client). The layer
ships the X-Ray SDK without a botocore of its own: the Lambda runtime's serves it."""

import contextlib
import functools
import os
import warnings
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

# Endpoints such as the directory publish no metric; the empty flush is expected, not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")

# The template sets the service and the namespace; the defaults keep a process that imported this before the
# functions' environment was set (a test, a tool) working: the services' child loggers (named after the
# service) reach this logger, and metrics keep their `service` dimension.
SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "lead-router")
logger = Logger(service=SERVICE)


class _Metrics(Metrics):
    """Powertools' metrics, which record nothing while metrics are off (the local stack): Powertools would
    keep every invocation's values then, never flushed, and print the set anyway at its 100th value (metric
    blobs in `make run`'s log and the benchmarks' output, and a set that grows between the hundreds)."""

    def add_metric(self, name: str, unit: Any, value: float, resolution: Any = 60) -> None:
        if is_metrics_disabled():
            return
        super().add_metric(name=name, unit=unit, value=value, resolution=resolution)


metrics = _Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "LeadRouter"), service=SERVICE)


def correlate(lead_id: str) -> None:
    """The rest of this API invocation's log lines carry the lead id as their correlation id (instead of the
    request's id), so one lead is followed across functions: intake, links, timers, events."""
    logger.set_correlation_id(lead_id)


@contextlib.contextmanager
def correlated(lead_id: str) -> Iterator[None]:
    """The lead id as the correlation id of the log lines within: one record of a batch about one lead."""
    earlier = logger.get_correlation_id()
    logger.set_correlation_id(lead_id)
    try:
        yield
    finally:
        logger.set_correlation_id(earlier)


def tracing_enabled() -> bool:
    """Powertools' own rule: on in Lambda unless POWERTOOLS_TRACE_DISABLED; off elsewhere and in SAM local."""
    if resolve_truthy_env_var_choice(env=os.getenv(constants.TRACER_DISABLED_ENV, "false")):
        return False
    in_lambda = bool(os.getenv(constants.LAMBDA_TASK_ROOT_ENV))
    return in_lambda and not os.getenv(constants.SAM_LOCAL_ENV) and not os.getenv(constants.CHALICE_LOCAL_ENV)


# The X-Ray SDK patches every library it knows that is importable (sqlite3, requests, httpx...), importing
# each one into the cold start; the service's only outgoing calls are AWS requests, made with botocore.
_TRACED_MODULES = ("botocore",)


@functools.cache
def tracer() -> "Tracer":
    from aws_lambda_powertools import Tracer

    return Tracer(patch_modules=_TRACED_MODULES)


def traced[Handler: Callable[..., Any]](handler: Handler) -> Handler:
    """Powertools' `capture_lambda_handler`, with the tracer made on the first call when tracing is on."""
    captured: list[Callable[..., Any]] = []

    @functools.wraps(handler)
    def wrapper(event: Any, context: Any) -> Any:
        if not tracing_enabled():
            return handler(event, context)
        if not captured:
            # Powertools records the answer as metadata by default: an admin's or agent's answer carries the
            # lead's contact details and message, and the other functions' answers are in their logs anyway.
            captured.append(tracer().capture_lambda_handler(handler, capture_response=False))
        return captured[0](event, context)

    return wrapper  # type: ignore[return-value]
