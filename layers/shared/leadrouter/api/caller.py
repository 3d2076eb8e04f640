"""The principal of the current request, with role checks."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from leadrouter.api.auth import principal_from_event
from leadrouter.domain.principals import Principal, Role


def caller(router: Router, *roles: Role) -> Principal:
    principal = principal_from_event(router.current_event.raw_event)
    if roles:
        principal.require(*roles)
    return principal
