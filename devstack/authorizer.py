"""What API Gateway does with a Lambda authorizer: the event it sends and how it reads the answer."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from devstack.template import Authorizer


class AuthorizerConfigurationError(ValueError):
    """The authorizer answered something API Gateway rejects (it answers 500 then)."""


@dataclass(frozen=True)
class AuthorizerDecision:
    allowed: bool
    # What the integration sees as requestContext.authorizer: principalId and the context map.
    context: dict[str, Any]


def method_arn(region: str, account_id: str, api_id: str, stage: str, method: str, path: str) -> str:
    return f"arn:aws:execute-api:{region}:{account_id}:{api_id}/{stage}/{method}{path}"


def authorizer_event(authorizer: Authorizer, arn: str, proxy_event: Mapping[str, Any]) -> dict[str, Any]:
    """The event for a REQUEST (or TOKEN) authorizer, from the proxy event of the same request."""
    if authorizer.payload_type == "TOKEN":
        headers = proxy_event.get("headers") or {}
        token = _header(headers, authorizer.identity_headers[0]) or ""
        return {"type": "TOKEN", "authorizationToken": token, "methodArn": arn}
    request_context = {key: value for key, value in proxy_event["requestContext"].items() if key != "authorizer"}
    return {
        "type": "REQUEST",
        "methodArn": arn,
        "resource": proxy_event["resource"],
        "path": proxy_event["path"],
        "httpMethod": proxy_event["httpMethod"],
        "headers": proxy_event["headers"],
        "multiValueHeaders": proxy_event["multiValueHeaders"],
        "queryStringParameters": proxy_event["queryStringParameters"],
        "multiValueQueryStringParameters": proxy_event["multiValueQueryStringParameters"],
        "pathParameters": proxy_event["pathParameters"],
        "stageVariables": proxy_event["stageVariables"],
        "requestContext": request_context,
    }


def missing_identity(authorizer: Authorizer, proxy_event: Mapping[str, Any]) -> bool:
    """True when an identity source is absent: API Gateway answers 401 without calling the function."""
    headers = proxy_event.get("headers") or {}
    queries = proxy_event.get("queryStringParameters") or {}
    return any(not _header(headers, name) for name in authorizer.identity_headers) or any(
        not queries.get(name) for name in authorizer.identity_query_strings
    )


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


def decide(result: Any, arn: str) -> AuthorizerDecision:
    """Read an authorizer's answer: is ``arn`` allowed, and what context does the integration get."""
    if not isinstance(result, Mapping) or "principalId" not in result:
        raise AuthorizerConfigurationError("the authorizer's answer has no principalId")
    policy = result.get("policyDocument")
    if not isinstance(policy, Mapping) or not isinstance(policy.get("Statement"), list):
        raise AuthorizerConfigurationError("the authorizer's answer has no policyDocument.Statement list")
    allowed = _evaluate(policy["Statement"], arn)
    context: dict[str, Any] = {"principalId": str(result["principalId"])}
    for key, value in (result.get("context") or {}).items():
        if isinstance(value, (dict, list)):
            raise AuthorizerConfigurationError(f"context.{key} is an object or a list; API Gateway allows only scalars")
        if value is not None:
            # API Gateway hands every context value to the integration as a string.
            context[str(key)] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    context["integrationLatency"] = 0
    return AuthorizerDecision(allowed=allowed, context=context)


def _evaluate(statements: list[Any], arn: str) -> bool:
    """IAM's rule: an explicit Deny wins, else an Allow is needed; resources may use * and ?."""
    allowed = False
    for statement in statements:
        if not isinstance(statement, Mapping):
            raise AuthorizerConfigurationError("a policy statement is not an object")
        actions = _as_list(statement.get("Action"))
        resources = _as_list(statement.get("Resource"))
        if not any(_wildcard_match(action, "execute-api:Invoke") for action in actions):
            continue
        if not any(_wildcard_match(resource, arn) for resource in resources):
            continue
        effect = statement.get("Effect")
        if effect == "Deny":
            return False
        if effect == "Allow":
            allowed = True
    return allowed


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def _wildcard_match(pattern: str, value: str) -> bool:
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, flags=re.IGNORECASE if pattern.startswith("execute-api") else 0) is not None
