"""Operators create companies."""

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import ConfigDict, Field

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.model import Model
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()


class NewCompany(Model):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=200)]
    time_zone: Annotated[str, Field(min_length=1, max_length=64, examples=["America/Chicago"])]


class CreatedCompany(Model):
    company_id: str
    admin_key: str


@router.post(
    "/v1/companies",
    security=KEY_REQUIRED,
    summary="Create a company (operator key)",
    responses=documented(400, 401, 403, 422, ok=201, model=CreatedCompany, description="Created"),
    tags=["Operator"],
)
def create_company(body: Annotated[NewCompany, Body()]) -> Response[str]:
    caller(router, Role.OPERATOR)
    company, key = services().companies.create(body.name, body.time_zone)
    answer = CreatedCompany(company_id=company.company_id, admin_key=key.secret)
    return Response(201, content_types.APPLICATION_JSON, json.dumps(answer.model_dump()))
