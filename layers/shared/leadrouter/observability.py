"""Logger, tracer and metrics, shared by every function. Lead contact details never reach a log line:
services log ids, and `masked()` erases contact fields from anything that must be logged whole."""

import os
import warnings
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.data_masking import DataMasking

# Endpoints such as the directory publish no metric; the empty flush is expected, not worth a warning.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger()
tracer = Tracer()
# The template sets the namespace; the default keeps a process that imported this first (a test, a tool) working.
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "LeadRouter"))

_CONTACT_FIELDS = ["first_name", "last_name", "email", "phone", "contact", "message"]
_masking = DataMasking()


def masked(data: dict[str, Any]) -> dict[str, Any]:
    present = [field for field in _CONTACT_FIELDS if field in data]
    if not present:
        return data
    erased: dict[str, Any] = _masking.erase(data, fields=present)
    return erased
