"""API keys (admins): issue (the secret is in this answer only), list, revoke."""

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import ConfigDict, Field

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router, no_content
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.agents import OfficeId
from leadrouter.domain.credentials import Credential
from leadrouter.domain.key_secrets import KEY_ID_PATTERN
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.scopes import check_scope
from leadrouter.wiring import services

if TYPE_CHECKING:
    from leadrouter.service.companies import IssuedKey

router = new_router()


class NewKey(Model):
    model_config = ConfigDict(extra="forbid")

    role: Role
    agent_id: AgentNumber | None = None
    office_ids: list[OfficeId] = Field(default_factory=list, max_length=100)
    label: Annotated[str, Field(max_length=200)] | None = None


class KeyView(Model):
    key_id: str
    role: Role
    agent_id: int | None
    office_ids: list[str]
    label: str | None
    created_at: datetime
    issued_by: str | None = Field(
        description="Who issued the key: the issuing key's id, or the command line tool and its user."
    )

    @classmethod
    def of(cls, credential: Credential) -> "KeyView":
        return cls(**credential.model_dump(include=set(cls.model_fields)))


class IssuedKeyView(KeyView):
    key: str = Field(description="The secret: shown in this answer only.")

    @classmethod
    def of_issued(cls, issued: "IssuedKey") -> "IssuedKeyView":
        return cls(**KeyView.of(issued.credential).model_dump(), key=issued.secret)


class KeyList(Model):
    keys: list[KeyView]


def issue_as(principal: Principal, body: NewKey) -> "IssuedKey":
    """An admin issues a key of a role and scope the company has (domain/scopes.py): the API's and the
    console's one way to make a key."""
    principal.require(Role.ADMIN)
    check_scope(services().configuration.load(principal.company), body.role, body.agent_id, body.office_ids, "key")
    return services().keys.issue(
        body.role, principal.company, body.agent_id, body.office_ids, body.label, issued_by=principal.key_id
    )


@router.post(
    "/v1/keys",
    security=KEY_REQUIRED,
    summary="Issue a key",
    tags=["Admin"],
    responses=documented(400, 401, 403, 422, ok=201, model=IssuedKeyView, description="Issued"),
)
def issue_key(body: Annotated[NewKey, Body()]) -> Response[str]:
    view = IssuedKeyView.of_issued(issue_as(caller(router, Role.ADMIN), body))
    return Response(201, content_types.APPLICATION_JSON, json.dumps(view.model_dump(mode="json")))


@router.get(
    "/v1/keys",
    security=KEY_REQUIRED,
    summary="List keys (never their secrets)",
    tags=["Admin"],
    responses=documented(401, 403),
)
def list_keys() -> KeyList:
    principal = caller(router, Role.ADMIN)
    return KeyList(keys=[KeyView.of(credential) for credential in services().keys.list(principal.company)])


@router.delete(
    "/v1/keys/<key_id>",
    security=KEY_REQUIRED,
    summary="Revoke a key",
    tags=["Admin"],
    responses=documented(401, 403, 404, 409, ok=204, description="Revoked (409: the company's last admin key)"),
)
def revoke_key(key_id: Annotated[str, Path(pattern=KEY_ID_PATTERN)]) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    services().keys.revoke(principal.company, key_id)
    return no_content()
