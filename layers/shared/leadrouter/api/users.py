"""Console users (admins): invite one by email, list the company's, remove one (signed out everywhere)."""

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import ConfigDict, Field

from leadrouter.api.caller import caller
from leadrouter.api.links import link_base_url
from leadrouter.api.resolver import new_router, no_content
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.agents import OfficeId
from leadrouter.domain.company import EMAIL_PATTERN
from leadrouter.domain.console_users import USER_ID_PATTERN, ConsoleUser
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.principals import Role
from leadrouter.service.console_users import Invitation
from leadrouter.wiring import services

router = new_router()

UserId = Annotated[str, Path(pattern=USER_ID_PATTERN, description="The user's id (Cognito's sub).")]


class NewUser(Model):
    model_config = ConfigDict(extra="forbid")

    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]
    role: Role
    agent_id: AgentNumber | None = None
    office_ids: list[OfficeId] = Field(default_factory=list, max_length=100)

    def invitation(self) -> Invitation:
        """What the people desk is asked (addresses are kept in lower case: one account per address)."""
        return Invitation(str(self.email).lower(), self.role, self.agent_id, tuple(self.office_ids))


class UserView(Model):
    user_id: str
    email: str
    role: Role
    agent_id: int | None
    office_ids: list[str]

    @classmethod
    def of(cls, user: ConsoleUser) -> "UserView":
        return cls(
            user_id=user.user_id,
            email=user.email,
            role=user.role,
            agent_id=user.agent_id,
            office_ids=list(user.office_ids),
        )


class UserList(Model):
    users: list[UserView]


@router.post(
    "/v1/users",
    security=KEY_REQUIRED,
    summary="Invite a console user: they get an email with a temporary password and the console's address",
    tags=["Admin"],
    responses=documented(400, 401, 403, 409, 422, 503, ok=201, model=UserView, description="Invited"),
)
def invite_user(body: Annotated[NewUser, Body()]) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    base = link_base_url(router.current_event) or ""
    user = services().user_desk.invite(principal, body.invitation(), f"{base}/app/")
    return Response(201, content_types.APPLICATION_JSON, json.dumps(UserView.of(user).model_dump(mode="json")))


@router.get(
    "/v1/users",
    security=KEY_REQUIRED,
    summary="The company's console users",
    tags=["Admin"],
    responses=documented(401, 403),
)
def list_users() -> UserList:
    principal = caller(router, Role.ADMIN)
    return UserList(users=[UserView.of(user) for user in services().user_desk.users(principal)])


@router.delete(
    "/v1/users/<user_id>",
    security=KEY_REQUIRED,
    summary="Remove a console user: their sessions end at once",
    tags=["Admin"],
    responses=documented(401, 403, 404, ok=204, description="Removed"),
)
def remove_user(user_id: UserId) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    services().user_desk.remove(principal, user_id)
    return no_content()
