"""Logger, tracer and metrics, shared by every function. Lead contact details never reach a log line:
services log ids, and `masked()` erases contact fields from anything that must be logged whole.

The tracer is built on a handler's first call, and only when tracing is on: building Powertools' Tracer
starts the X-Ray SDK's recorder, which creates its own botocore client (about 350 ms of a cold start),
even when tracing is disabled. It patches botocore only (the service's one outgoing client). The layer
ships the X-Ray SDK without a botocore of its own: the Lambda runtime's serves it."""

import functools
import os
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.shared import constants
from aws_lambda_powertools.shared.functions import resolve_truthy_env_var_choice

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

# Endpoints such as the directory publish no metric; the empty flush is expected, not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
# The template sets the namespace; the default keeps a process that imported this first (a test, a tool) working.
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "LeadRouter"))

_CONTACT_FIELDS = ["first_name", "last_name", "email", "phone", "contact", "message"]


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
            captured.append(tracer().capture_lambda_handler(handler))
        return captured[0](event, context)

    return wrapper  # type: ignore[return-value]


def masked(data: dict[str, Any]) -> dict[str, Any]:
    present = [field for field in _CONTACT_FIELDS if field in data]
    if not present:
        return data
    from aws_lambda_powertools.utilities.data_masking import DataMasking

    erased: dict[str, Any] = DataMasking().erase(data, fields=present)
    return erased
