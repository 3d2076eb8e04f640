"""Offices (admins write; office managers read their own)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import ConfigDict

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router, no_content
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.agents import Office, OfficeId, Text
from leadrouter.domain.model import Model
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()
OfficeIdPath = Annotated[str, Path(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


class OfficeBody(Model):
    model_config = ConfigDict(extra="forbid")

    office_id: OfficeId | None = None
    name: Text


class OfficeList(Model):
    offices: list[Office]


@router.post(
    "/v1/offices",
    security=KEY_REQUIRED,
    summary="Add an office",
    tags=["Admin"],
    responses=documented(400, 401, 403, 409, 422, ok=201, model=Office, description="Created"),
)
def create_office(body: Annotated[OfficeBody, Body()]) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    office = services().configuration.create_office(principal.company, body.model_dump(exclude_none=True))
    return Response(201, content_types.APPLICATION_JSON, office.model_dump_json())


@router.get(
    "/v1/offices",
    security=KEY_REQUIRED,
    summary="List offices",
    tags=["Admin"],
    responses=documented(401, 403),
)
def list_offices() -> OfficeList:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    return OfficeList(offices=services().configuration.offices(principal))


@router.get(
    "/v1/offices/<office_id>",
    security=KEY_REQUIRED,
    summary="Read an office",
    tags=["Admin"],
    responses=documented(401, 403, 404),
)
def get_office(office_id: OfficeIdPath) -> Office:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    return services().configuration.office(principal, office_id)


@router.put(
    "/v1/offices/<office_id>",
    security=KEY_REQUIRED,
    summary="Rename an office",
    tags=["Admin"],
    responses=documented(400, 401, 403, 404, 422),
)
def put_office(office_id: OfficeIdPath, body: Annotated[OfficeBody, Body()]) -> Office:
    principal = caller(router, Role.ADMIN)
    return services().configuration.replace_office(principal.company, office_id, body.model_dump(exclude={"office_id"}))


@router.delete(
    "/v1/offices/<office_id>",
    security=KEY_REQUIRED,
    summary="Delete an office that has no agents",
    tags=["Admin"],
    responses=documented(401, 403, 404, 409, ok=204, description="Deleted"),
)
def delete_office(office_id: OfficeIdPath) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    services().configuration.delete_office(principal.company, office_id)
    return no_content()
