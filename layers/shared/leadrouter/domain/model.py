"""The base of every pydantic model of the service: a model's validation schema is built the first time it
is used, not when its module is imported, so a cold start pays only for the models its request touches
(about 100 ms less for a function that imports many routers)."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Annotated, Any, Final

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, PositiveInt, ValidationInfo


class Model(BaseModel):
    model_config = ConfigDict(defer_build=True)


# The validation context of an item read back from the table. What a write checked against the world (that
# a phone is a number a text can reach, that a phone region exists) is not checked again on every read: the
# item holds what the check kept (the phone as +<country><number>), and the check costs phonenumbers' import
# and metadata, about 30 ms of a cold start and 15-25 us per agent of a company's configuration.
STORED: Final[Mapping[str, Any]] = {"stored": True}


def is_stored(info: ValidationInfo) -> bool:
    """Whether the model is being read back from the table (validated with the STORED context)."""
    return bool((info.context or {}).get("stored"))


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


def _iso_8601(value: object) -> object:
    # pydantic's lax mode reads a number (0, "0", "1767225600") as seconds since 1970: a moment is written as
    # ISO 8601, as the contract says, and anything else is a 422, not the year 1970.
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("an ISO 8601 date and time is expected (2026-12-02T09:30:00-06:00)") from None
    raise ValueError("an ISO 8601 date and time is expected (2026-12-02T09:30:00-06:00), as text")


def _iso_day(value: object) -> object:
    # As for moments: a number is not a day (pydantic would read 0 as 1970-01-01).
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("an ISO 8601 date is expected (2026-12-24)") from None
    raise ValueError("an ISO 8601 date is expected (2026-12-24), as text")


Moment = Annotated[AwareDatetime, BeforeValidator(_iso_8601)]
"""A moment with its offset, read from text as ISO 8601 only."""

Day = Annotated[date, BeforeValidator(_iso_day)]
"""A calendar day, read from text as ISO 8601 only."""

IsoDatetime = Annotated[datetime, BeforeValidator(_iso_8601)]
"""A date and time, with or without its offset, read from text as ISO 8601 only."""
