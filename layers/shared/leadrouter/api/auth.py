"""The caller, as the Lambda authorizer described it in requestContext.authorizer."""

from typing import Any

from leadrouter.domain.errors import Unauthorized
from leadrouter.domain.principals import Principal, Role


def authorizer_context(principal: Principal) -> dict[str, str]:
    """What the authorizer hands API Gateway: a flat map of strings."""
    return {
        "role": principal.role.value,
        "company_id": principal.company_id or "",
        "key_id": principal.key_id,
        "agent_id": str(principal.agent_id or ""),
        "office_ids": ",".join(principal.office_ids),
    }


def principal_from_event(event: dict[str, Any]) -> Principal:
    context = (event.get("requestContext") or {}).get("authorizer") or {}
    role = context.get("role")
    if not role:
        raise Unauthorized("A valid API key is required: Authorization: Bearer <key>.")
    agent_id = str(context.get("agent_id") or "")
    offices = str(context.get("office_ids") or "")
    return Principal(
        role=Role(role),
        company_id=context.get("company_id") or None,
        key_id=str(context.get("key_id", "")),
        agent_id=int(agent_id) if agent_id.isdigit() else None,
        office_ids=tuple(office for office in offices.split(",") if office),
    )
