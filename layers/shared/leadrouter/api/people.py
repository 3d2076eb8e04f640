"""A person's erasure request (admins): the right privacy laws give every lead (API.md, ROUTING.md)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router, no_content
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.people import PERSON_ID_PATTERN
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()
PersonId = Annotated[str, Path(pattern=PERSON_ID_PATTERN, description="The person's id (`person_id` of a lead).")]


@router.delete(
    "/v1/people/<person_id>",
    security=KEY_REQUIRED,
    summary="Erase a person",
    tags=["Admin"],
    description="Every lead of the person loses its contact details, message and page for good; the routing "
    "history stays, with the person shown as erased, and one `person.erased` event is published per lead. "
    "Later leads of the same email or phone are new people. Idempotent: 204 whether or not anything was left "
    "to erase (an unknown id too, so the answer tells nobody whether a person was ever known).",
    # 404: a path whose id the router cannot read at all (characters no id has), like every path with an id.
    responses=documented(401, 403, 404, 422, ok=204, description="Erased"),
)
def erase_person(person_id: PersonId) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    services().people.erase(principal.company, person_id, by=principal.key_id)
    return no_content()
