"""The people desk: admins invite and remove the company's console users; the console asks who a session is.

Guarantees: a user's role and scope pass the same check as an API key's (domain/scopes.py); an invitation
is answered only once its email was taken (otherwise the new user is removed again and the caller gets a
503, so nobody holds an account they never heard of); a company's admin sees and removes only its own
users (another company's is "not found"); removing a user signs them out everywhere first; a session of an
agent who is no longer active counts no more than that agent's keys do (service/callers.py)."""

import base64
from dataclasses import dataclass
from typing import Protocol

from aws_lambda_powertools import Logger

from leadrouter.domain.console_users import CONSOLE_ROLES, ConsoleUser, NewPasswordRequired, Tokens
from leadrouter.domain.errors import InvalidInput, NotFound, Unavailable
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.scopes import check_scope
from leadrouter.service.ports import ConfigRepository, Email, Mailer, Renderer, SendFailed

logger = Logger(child=True)


class UserDirectory(Protocol):
    def create(
        self, email: str, company_id: str, role: Role, agent_id: int | None, office_ids: tuple[str, ...], password: str
    ) -> ConsoleUser: ...

    def list_for_company(self, company_id: str) -> list[ConsoleUser]: ...

    def find(self, user_id: str) -> ConsoleUser | None: ...

    def delete(self, user_id: str) -> None: ...

    def set_password(self, user_id: str, password: str, *, permanent: bool) -> None: ...

    def sign_in(self, email: str, password: str) -> Tokens | NewPasswordRequired: ...

    def choose_password(self, email: str, session: str, password: str) -> Tokens | NewPasswordRequired: ...

    def refresh(self, refresh_token: str) -> Tokens | None: ...

    def who(self, access_token: str) -> ConsoleUser | None: ...

    def sign_out(self, access_token: str) -> None: ...


@dataclass(frozen=True)
class Invitation:
    email: str
    role: Role
    agent_id: int | None
    office_ids: tuple[str, ...]


def temporary_password(rng: RandomSource) -> str:
    """Twenty unguessable characters that meet the pool's policy (upper and lower case, digits)."""
    secret = base64.b32encode(rng.token_bytes(10)).decode().rstrip("=")
    return f"{secret[:8]}-{secret[8:].lower()}-7"


class UserDesk:
    def __init__(
        self,
        directory: UserDirectory,
        config: ConfigRepository,
        mailer: Mailer,
        renderer: Renderer,
        rng: RandomSource,
        sender: str,
    ) -> None:
        self._directory = directory
        self._config = config
        self._mailer = mailer
        self._renderer = renderer
        self._rng = rng
        self._sender = sender

    def invite(self, principal: Principal, invitation: Invitation, console_url: str) -> ConsoleUser:
        principal.require(Role.ADMIN)
        if invitation.role not in CONSOLE_ROLES:
            raise InvalidInput("role: console users are admins, office managers or agents")
        config = self._config.load(principal.company)
        check_scope(config, invitation.role, invitation.agent_id, invitation.office_ids, "user")
        password = temporary_password(self._rng)
        user = self._directory.create(
            invitation.email, principal.company, invitation.role, invitation.agent_id, invitation.office_ids, password
        )
        intro = f"{config.company.name} invites you to its lead console, where you claim and follow your leads."
        subject = f"You are invited to the {config.company.name} lead console"
        try:
            self._send_password(user, password, console_url, subject, intro)
        except SendFailed as error:
            logger.warning("the invitation was not sent; the user is removed", extra={"reason": error.reason})
            self._directory.delete(user.user_id)
            raise Unavailable("The invitation email could not be sent; try again.") from error
        logger.info("invited a console user", extra={"user_id": user.user_id, "role": user.role.value})
        return user

    def send_new_password(self, email: str, console_url: str) -> None:
        """A forgotten password: a new temporary one by email, the user chooses their own with it. Nothing
        is said about whether the address has an account (the caller answers the same either way)."""
        user = self._directory.find(email)
        if user is None:
            return
        password = temporary_password(self._rng)
        self._directory.set_password(user.user_id, password, permanent=False)
        intro = "You asked for a new password for the lead console. Sign in with this one and choose your own."
        try:
            self._send_password(user, password, console_url, "Your new password for the lead console", intro)
        except SendFailed as error:
            logger.warning("the new password was not sent", extra={"reason": error.reason, "user_id": user.user_id})
            raise Unavailable("The email could not be sent; try again.") from error
        logger.info("sent a console user a new password", extra={"user_id": user.user_id})

    def _send_password(self, user: ConsoleUser, password: str, console_url: str, subject: str, intro: str) -> None:
        config = self._config.load(user.company_id)
        context = {"intro": intro, "console_url": console_url, "email": user.email, "password": password}
        self._mailer.send(
            Email(
                to=user.email,
                sender=config.settings.sender_email or self._sender,
                subject=subject,
                text=self._renderer.render("console_password.txt.j2", **context),
                html=self._renderer.render("console_password.html.j2", **context),
                tags={"kind": "console_password"},
            )
        )

    def users(self, principal: Principal) -> list[ConsoleUser]:
        principal.require(Role.ADMIN)
        return self._directory.list_for_company(principal.company)

    def remove(self, principal: Principal, user_id: str) -> None:
        principal.require(Role.ADMIN)
        user = self._directory.find(user_id)
        if user is None or user.company_id != principal.company:
            raise NotFound("No such user.")
        self._directory.delete(user_id)
        logger.info("removed a console user", extra={"user_id": user_id})

    def session_user(self, access_token: str) -> ConsoleUser | None:
        """Who a session's token stands for now; None when it ended (signed out, expired, removed, or an
        agent made inactive)."""
        user = self._directory.who(access_token)
        if user is None or user.role not in CONSOLE_ROLES:
            return None
        if user.role is Role.AGENT:
            agent = self._config.load(user.company_id).agents.get(user.agent_id or 0)
            if agent is None or not agent.active:
                return None
        return user

    def sign_in(self, email: str, password: str) -> Tokens | NewPasswordRequired:
        return self._directory.sign_in(email, password)

    def choose_password(self, email: str, session: str, password: str) -> Tokens | NewPasswordRequired:
        return self._directory.choose_password(email, session, password)

    def renew(self, refresh_token: str) -> Tokens | None:
        """A session's new access token, from its refresh token; None once the session ended (signed out,
        the user removed, the working day over). Who it stands for is still `session_user`'s question."""
        tokens = self._directory.refresh(refresh_token)
        if tokens is not None:
            logger.info("renewed a console session")
        return tokens

    def sign_out(self, access_token: str) -> None:
        self._directory.sign_out(access_token)
