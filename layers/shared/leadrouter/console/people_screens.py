"""People, for admins: the company's console users (invite with a role and scope, remove) and its API keys
(issue with a role and scope, revoke).

Guarantees: the same services and rules as /v1/users and /v1/keys: a form is read by the API's own body
model (api/users.NewUser, api/keys.NewKey), an invitation goes through the people desk (the scope check,
the email, removal signing the user out everywhere), a key is made by api/keys.issue_as (the scope check,
who issued it) and revoked by the key service (never the company's last admin key). A new key's secret is
on the answer to its form only (no redirect, no cookie, never stored in clear, `Cache-Control: no-store`);
the list shows key ids, never secrets."""

from collections.abc import Mapping
from typing import Any, Final

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.keys import IssuedKeyView, KeyView, NewKey, issue_as
from leadrouter.api.resolver import new_router
from leadrouter.api.users import NewUser, UserView
from leadrouter.console.web import (
    Session,
    acted,
    back_with_notice,
    checked_form,
    known_id,
    model_of,
    page,
    session_of,
)
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.console_users import CONSOLE_ROLES, USER_ID_PATTERN
from leadrouter.domain.errors import DomainError
from leadrouter.domain.key_secrets import KEY_ID_PATTERN
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()

# Each office of a scope is a checkbox of its own (a form keeps one value a name): `office:<office id>`.
_OFFICE: Final = "office:"


def _admin() -> Session:
    return session_of(router, Role.ADMIN)


def _scope(form: Mapping[str, str]) -> dict[str, Any]:
    """A role and its scope from the form, as the API's bodies name them (the API's models check them)."""
    agent = form.get("agent_id", "").strip()
    scope: dict[str, Any] = {
        "role": form.get("role", ""),
        "office_ids": [name.removeprefix(_OFFICE) for name in form if name.startswith(_OFFICE)],
    }
    if agent:
        scope["agent_id"] = int(agent) if agent.isdigit() else agent
    return scope


def _choices(config: CompanyConfig) -> dict[str, Any]:
    agents = sorted((agent for agent in config.agents.values() if agent.active), key=lambda agent: agent.name)
    return {
        "roles": [role.value for role in CONSOLE_ROLES],
        "agents": agents,
        "offices": sorted(config.offices.values(), key=lambda office: office.name),
        "agent_names": {agent_id: agent.name for agent_id, agent in config.agents.items()},
        "office_names": {office_id: office.name for office_id, office in config.offices.items()},
    }


@router.get("/app/people")
def people() -> Response[str]:
    session = _admin()
    company = session.principal.company
    return page(
        router,
        "people.html.j2",
        session=session,
        title="People",
        active="people",
        users=[UserView.of(user) for user in services().user_desk.users(session.principal)],
        keys=[KeyView.of(credential) for credential in services().keys.list(company)],
        **_choices(services().configuration.load(company)),
    )


@router.post("/app/people/users")
def invite() -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    location = f"{session.place.root}/people"

    def invite_them() -> None:
        body = model_of(NewUser, {"email": form.get("email", "").strip(), **_scope(form)})
        services().user_desk.invite(session.principal, body.invitation(), session.place.url)

    done = f"Invited {form.get('email', '').strip().lower()}: an email with a temporary password is on its way."
    return acted(session, invite_them, done, location)


@router.post("/app/people/users/<user_id>/remove")
def remove(user_id: str) -> Response[str]:
    session = _admin()
    checked_form(router, session)
    known_id(USER_ID_PATTERN, user_id, "user")
    return acted(
        session,
        lambda: services().user_desk.remove(session.principal, user_id),
        "The user is removed and signed out everywhere.",
        f"{session.place.root}/people",
    )


@router.post("/app/people/keys")
def issue() -> Response[str]:
    """The new key's secret, on this answer only."""
    session = _admin()
    form = checked_form(router, session)
    try:
        body = model_of(NewKey, {**_scope(form), "label": form.get("label", "").strip() or None})
        issued = issue_as(session.principal, body)
    except DomainError as error:
        return back_with_notice(session, f"{session.place.root}/people", error.message)
    config = services().configuration.load(session.principal.company)
    return page(
        router,
        "key_issued.html.j2",
        201,
        session=session,
        title="New API key",
        active="people",
        key=IssuedKeyView.of_issued(issued),
        **_choices(config),
    )


@router.post("/app/people/keys/<key_id>/revoke")
def revoke(key_id: str) -> Response[str]:
    session = _admin()
    checked_form(router, session)
    known_id(KEY_ID_PATTERN, key_id, "key")
    return acted(
        session,
        lambda: services().keys.revoke(session.principal.company, key_id),
        f"Key {key_id} is revoked: it no longer works.",
        f"{session.place.root}/people",
    )
