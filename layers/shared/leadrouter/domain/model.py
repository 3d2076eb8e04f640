"""The base of every pydantic model of the service: a model's validation schema is built the first time it
is used, not when its module is imported, so a cold start pays only for the models its request touches
(about 100 ms less for a function that imports many routers)."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


def problem_text(problem: Mapping[str, Any]) -> str:
    """One validation problem in words for the person who sent the request: without pydantic's own prefix
    on our rules ("Value error, ...") and without the regular expression a pattern stands for."""
    kind, message = problem.get("type"), str(problem.get("msg", "invalid"))
    if kind == "value_error":
        return message.removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        return "is not in the expected format"
    return message
