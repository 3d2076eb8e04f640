"""API Gateway's REST (v1) Lambda proxy integration: request to event, result to response."""

import base64
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from werkzeug.datastructures import Headers
from werkzeug.wrappers import Request, Response

from devstack.routes import RouteMatch
from devstack.template import Api

_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/javascript",
    "application/problem+json",
)


class MalformedProxyResponse(ValueError):
    """The function answered something API Gateway cannot turn into HTTP (it answers 502)."""


@dataclass(frozen=True)
class StackInfo:
    """The parts of a request context that belong to the deployment, not the request."""

    account_id: str
    stage: str
    domain_name: str


def proxy_event(request: Request, body: bytes, match: RouteMatch, api: Api, info: StackInfo) -> dict[str, Any]:
    headers: dict[str, str] = {}
    multi_headers: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        headers[name] = value  # API Gateway keeps the last value in the single-value map
        multi_headers.setdefault(name, []).append(value)
    # Headers API Gateway adds to every request it forwards.
    forwarded = {
        "X-Forwarded-For": request.remote_addr or "127.0.0.1",
        "X-Forwarded-Port": info.domain_name.rpartition(":")[2],
        "X-Forwarded-Proto": "http",
    }
    for name, value in forwarded.items():
        headers.setdefault(name, value)
        multi_headers.setdefault(name, [value])
    query: dict[str, str] = {}
    multi_query: dict[str, list[str]] = {}
    for name, values in request.args.lists():
        query[name] = values[-1]
        multi_query[name] = list(values)
    text, is_base64 = encode_body(body, request.headers.get("Content-Type", ""))
    now = datetime.now(UTC)
    request_id = str(uuid.uuid4())
    return {
        "resource": match.route.path,
        "path": request.path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": match.path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": match.route.resource_id,
            "resourcePath": match.route.path,
            "httpMethod": request.method,
            "extendedRequestId": request_id,
            "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "path": request.path,
            "accountId": info.account_id,
            "protocol": request.environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
            "stage": info.stage,
            "domainPrefix": info.domain_name.split(".")[0].split(":")[0],
            "requestTimeEpoch": int(time.time() * 1000),
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": request.remote_addr or "127.0.0.1",
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": request.headers.get("User-Agent"),
                "user": None,
            },
            "domainName": info.domain_name,
            "apiId": api.api_id,
        },
        "body": text,
        "isBase64Encoded": is_base64,
    }


def encode_body(body: bytes, content_type: str) -> tuple[str | None, bool]:
    """The body as the event carries it: text for text types, base64 for anything else."""
    if not body:
        return None, False
    media_type = content_type.split(";", maxsplit=1)[0].strip().lower()
    if media_type.startswith(_TEXT_TYPES) or media_type.endswith("+json") or media_type.endswith("+xml"):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


def proxy_response(result: Any, request_id: str) -> Response:
    """The HTTP response for a proxy integration result; MalformedProxyResponse if it is not one."""
    if not isinstance(result, Mapping):
        raise MalformedProxyResponse("the result is not an object")
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedProxyResponse(f"statusCode {status!r} is not an HTTP status")
    headers = _response_headers(result)
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedProxyResponse("body is not a string")
    payload = (body or "").encode("utf-8")
    if result.get("isBase64Encoded") and body:
        payload = base64.b64decode(body)
    typeless = any(
        name.lower() == "content-type" and value is None for name, value in (result.get("headers") or {}).items()
    )
    if not typeless:
        # API Gateway's default for a proxy answer that names no type; a null Content-Type means none at all.
        headers.setdefault("Content-Type", "application/json")
    headers.set("x-amzn-RequestId", request_id)
    response = Response(payload, status=status, headers=headers)
    if typeless:
        response.headers.remove("Content-Type")  # werkzeug's own default, which API Gateway does not add
    return response


def _response_headers(result: Mapping[str, Any]) -> Headers:
    headers = Headers()
    for name, value in (result.get("headers") or {}).items():
        if value is not None:  # a null header is left out, as API Gateway does
            headers.set(str(name), _header_value(value))
    for name, values in (result.get("multiValueHeaders") or {}).items():
        if not isinstance(values, list):
            raise MalformedProxyResponse(f"multiValueHeaders.{name} is not a list")
        if name in headers:
            headers.remove(str(name))  # the multi-value list wins over the single value
        for value in values:
            headers.add(str(name), _header_value(value))
    return headers


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)) or value is None:
        raise MalformedProxyResponse(f"header value {value!r} is not a scalar")
    return str(value)
