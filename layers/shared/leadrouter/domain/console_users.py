"""The people who sign in to the console: who they are (a Cognito user), for which company, in which role
and scope. A console user acts exactly as an API key of the same role and scope would: `principal()` is the
same Principal the authorizer builds for a key, so every rule the services apply to keys applies here."""

from dataclasses import dataclass, field

from leadrouter.domain.principals import Principal, Role

# A user's id is Cognito's sub, a UUID: paths that carry one are checked against this (the API's and the console's).
USER_ID_PATTERN = r"^[0-9a-f-]{36}$"

# Roles a company gives its people; operators are the service's own and have no console.
CONSOLE_ROLES = (Role.ADMIN, Role.OFFICE_MANAGER, Role.AGENT)


@dataclass(frozen=True)
class ConsoleUser:
    user_id: str
    email: str
    company_id: str
    role: Role
    agent_id: int | None = None
    office_ids: tuple[str, ...] = field(default_factory=tuple)

    def principal(self) -> Principal:
        # The key id of a session names the user (never their email): logs and histories show who acted.
        return Principal(
            role=self.role,
            company_id=self.company_id,
            key_id=f"user_{self.user_id}",
            agent_id=self.agent_id,
            office_ids=self.office_ids,
        )


@dataclass(frozen=True)
class Tokens:
    """What a successful sign-in hands the console's server (never the browser's script): the access token
    (an hour) and, at a sign-in, the refresh token that renews it for a working day (a renewal has none)."""

    access_token: str
    expires_in: int
    refresh_token: str | None = None


@dataclass(frozen=True)
class NewPasswordRequired:
    """The user signed in with a temporary password (an invitation): they must choose their own."""

    session: str
