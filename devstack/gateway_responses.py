"""API Gateway's own answers (gateway responses), as the template customizes them.

A response type the template sets wins; else DEFAULT_4XX or DEFAULT_5XX of the template; else
API Gateway's built-in answer.
"""

import json
from typing import Final

from werkzeug.wrappers import Response

from devstack.template import Api

_BUILT_IN: Final[dict[str, tuple[int, str]]] = {
    "UNAUTHORIZED": (401, '{"message":"Unauthorized"}'),
    "ACCESS_DENIED": (403, '{"message":"User is not authorized to access this resource with an explicit deny"}'),
    "MISSING_AUTHENTICATION_TOKEN": (403, '{"message":"Missing Authentication Token"}'),
    "REQUEST_TOO_LARGE": (413, '{"message":"Request Too Long"}'),
    "THROTTLED": (429, '{"message":"Too Many Requests"}'),
    "AUTHORIZER_FAILURE": (500, '{"message":null}'),
    "AUTHORIZER_CONFIGURATION_ERROR": (500, '{"message":null}'),
    "INTEGRATION_FAILURE": (504, '{"message":null}'),
}
_JSON: Final = "application/json"


def gateway_response(api: Api | None, response_type: str, request_id: str) -> Response:
    status, body = _BUILT_IN[response_type]
    headers: dict[str, str] = {}
    if api is not None:
        own = api.gateway_responses.get(response_type)
        if own is not None and own.status_code is not None:
            status = own.status_code
        group = api.gateway_responses.get("DEFAULT_4XX" if status < 500 else "DEFAULT_5XX")
        for candidate in (group, own):
            if candidate is not None:
                headers.update(candidate.headers)
        template = next(
            (candidate.templates[_JSON] for candidate in (own, group) if candidate and _JSON in candidate.templates),
            None,
        )
        if template is not None:
            body = template
    response = Response(body, status=status, headers=headers, content_type=_JSON)
    response.headers["x-amzn-RequestId"] = request_id
    response.headers["x-amzn-ErrorType"] = _error_type(response_type)
    return response


def customizes_missing_route(api: Api | None) -> bool:
    """Whether the template says what API Gateway answers for a path or method without a route."""
    return api is not None and any(
        name in api.gateway_responses for name in ("MISSING_AUTHENTICATION_TOKEN", "DEFAULT_4XX")
    )


def contract_error(status: int, code: str, message: str, request_id: str) -> Response:
    body = json.dumps({"error": {"code": code, "message": message}})
    response = Response(body, status=status, content_type=_JSON)
    response.headers["x-amzn-RequestId"] = request_id
    return response


def _error_type(response_type: str) -> str:
    return {
        "UNAUTHORIZED": "UnauthorizedException",
        "ACCESS_DENIED": "AccessDeniedException",
        "MISSING_AUTHENTICATION_TOKEN": "MissingAuthenticationTokenException",
        "REQUEST_TOO_LARGE": "RequestTooLargeException",
        "THROTTLED": "TooManyRequestsException",
        "AUTHORIZER_CONFIGURATION_ERROR": "AuthorizerConfigurationException",
    }.get(response_type, "InternalServerErrorException")
