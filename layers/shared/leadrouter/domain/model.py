"""The base of every pydantic model of the service: a model's validation schema is built the first time it
is used, not when its module is imported, so a cold start pays only for the models its request touches
(about 100 ms less for a function that imports many routers)."""

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PositiveInt


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


# DynamoDB numbers hold 38 significant digits: a longer id could not be stored or looked up.
MAX_AGENT_ID = 10**38 - 1


def _not_a_boolean(what: str) -> Callable[[object], object]:
    """pydantic's lax mode reads `true` as 1 and `false` as 0: a boolean is no number."""

    def check(value: object) -> object:
        if isinstance(value, bool):
            raise ValueError(f"{what}, not a boolean")
        return value

    return check


AgentNumber = Annotated[
    PositiveInt, BeforeValidator(_not_a_boolean("an agent id is a whole number")), Field(le=MAX_AGENT_ID)
]
"""An agent's id wherever one is read: a positive whole number DynamoDB can hold."""

WholeNumber = Annotated[int, BeforeValidator(_not_a_boolean("a whole number is expected"))]
"""A count, price, priority or number of seconds: pydantic's lax mode would read `true` as 1 and `false` as 0."""
