"""Reading a website's lead leniently (ROUTING.md, "Intake leniency").

A 422 loses the lead unless the website shows it to the person, and most forms do not. So an optional
field that cannot be read (a price of "4.5m", a phone of "call me" beside an email, an agent choice that is
not an id) is left out, and the lead keeps a note of it in its history. Only a lead with neither a readable
email nor a readable phone is still refused, and then with what was wrong with them, so a form that does
show errors can say which field to fix.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pydantic import ValidationError

from leadrouter.domain.leads import LeadSubmission

# Each round drops every field the last one could not read; nested models can only add a few more rounds.
_ROUNDS: Final = 5


@dataclass(frozen=True)
class ReadSubmission:
    submission: LeadSubmission
    # Dotted names of the fields left out, as forms name them ("interest.price").
    left_out: tuple[str, ...] = ()


def read_submission(document: Mapping[str, Any]) -> ReadSubmission:
    """The lead, with the optional fields it could not read left out; raises the first ValidationError when
    what remains is not a lead (no readable email or phone)."""
    remaining: dict[str, Any] = dict(document)
    left_out: list[str] = []
    first: ValidationError | None = None
    for _ in range(_ROUNDS):
        try:
            return ReadSubmission(LeadSubmission.model_validate(remaining), tuple(left_out))
        except ValidationError as error:
            first = first or error
            fields = {_field_path(remaining, problem["loc"]) for problem in error.errors()}
            # Not left out: a rule of the whole lead (no email, no phone), and a value of the wrong JSON type
            # (a boolean or a number out of range as an id): that is the integration's bug, not a person's
            # typing, and a 422 shows it to whoever tests the integration.
            if None in fields:
                raise first from None
            for path in sorted(field for field in fields if field is not None):
                remaining = _without(remaining, path)
                left_out.append(".".join(path))
    raise first or AssertionError("unreachable")


def _field_path(document: Mapping[str, Any], loc: tuple[int | str, ...]) -> tuple[str, ...] | None:
    """The path of the deepest field of `document` that `loc` names, when what was sent there is text;
    None for a rule of the whole lead, or a value that is not text."""
    path: list[str] = []
    here: Any = document
    for part in loc:
        if not isinstance(here, Mapping) or not isinstance(part, str) or part not in here:
            break
        path.append(part)
        here = here[part]
    return tuple(path) if path and isinstance(here, str) else None


def _without(document: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    head, *rest = path
    copy = dict(document)
    if rest and isinstance(copy.get(head), Mapping):
        copy[head] = _without(copy[head], tuple(rest))
    else:
        copy.pop(head, None)
    return copy
