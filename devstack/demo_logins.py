"""The demo company's console users: an admin, an office manager and two agents who take claim offers.

Each is invited through the public API (POST /v1/users, so the invitation lands in the local mailbox as a
real one would) and then given a known password directly in the user pool, as the operator key is written
directly: a new user of `make run` signs in at once, without first reading an email."""

import secrets
from collections.abc import Callable
from typing import Any, Final

from devstack.template import Template

DEMO_LOGINS: Final[tuple[dict[str, Any], ...]] = (
    {"email": "admin@demo-realty.test", "role": "admin"},
    {"email": "manager@demo-realty.test", "role": "office_manager", "office_ids": ["downtown"]},
    # Both take click-to-claim offers (bootstrap.DEMO_AGENTS): two agents can race for one lead.
    {"email": "avery@demo-realty.test", "role": "agent", "agent_id": 101},
    {"email": "casey@demo-realty.test", "role": "agent", "agent_id": 103},
)


def demo_password() -> str:
    """Fresh for every run, and within the pool's policy (upper and lower case, digits, 12 or more)."""
    return f"Demo-{secrets.token_hex(4)}-{secrets.token_hex(2).upper()}a1"


def create_demo_logins(
    call: Callable[[str, str, Any], tuple[int, Any]],
    template: Template,
    cognito: Any,
    warn: Callable[[str], None],
) -> list[dict[str, Any]]:
    """`call(method, path, body)` reaches the API with the demo admin key; answers the logins made."""
    if not template.user_pools:
        warn("the template declares no user pool: no console logins")
        return []
    pool_id = template.user_pools[0].pool_id
    logins: list[dict[str, Any]] = []
    for login in DEMO_LOGINS:
        status, answer = call("POST", "/v1/users", login)
        if status != 201 or not isinstance(answer, dict):
            warn(f"demo login {login['email']}: POST /v1/users answered {status} {str(answer)[:200]}")
            continue
        password = demo_password()
        cognito.admin_set_user_password(
            UserPoolId=pool_id, Username=answer["user_id"], Password=password, Permanent=True
        )
        logins.append({**login, "password": password})
    return logins
