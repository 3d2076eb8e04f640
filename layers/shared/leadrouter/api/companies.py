"""Operators create companies, and give a company that lost its admin keys a new one."""

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import ConfigDict, Field

from leadrouter.api.caller import caller
from leadrouter.api.keys import IssuedKeyView
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
    operator = caller(router, Role.OPERATOR)
    company, key = services().companies.create(body.name, body.time_zone, issued_by=operator.key_id)
    answer = CreatedCompany(company_id=company.company_id, admin_key=key.secret)
    return Response(201, content_types.APPLICATION_JSON, json.dumps(answer.model_dump()))


class Recovery(Model):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[
        str,
        Field(
            min_length=1,
            max_length=150,
            description="Why the company needs a new admin key; recorded on the key.",
            examples=["The broker revoked the company's keys by mistake (ticket 4711)"],
        ),
    ]


@router.post(
    "/v1/companies/<company_id>/admin-keys",
    security=KEY_REQUIRED,
    summary="Issue a new admin key for a company (operator key): recovery when its admins lost access",
    responses=documented(400, 401, 403, 404, 422, ok=201, model=IssuedKeyView, description="Issued"),
    tags=["Operator"],
)
def recover_admin_key(
    company_id: Annotated[str, Path(min_length=1, max_length=64)], body: Annotated[Recovery, Body()]
) -> Response[str]:
    operator = caller(router, Role.OPERATOR)
    issued = services().companies.recover_admin_key(company_id, body.reason, issued_by=operator.key_id)
    view = IssuedKeyView.of_issued(issued)
    return Response(201, content_types.APPLICATION_JSON, json.dumps(view.model_dump(mode="json")))
