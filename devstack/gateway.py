"""The local API Gateway: a threaded HTTP server that routes requests to the template's functions.

It answers like API Gateway (REST API, Lambda proxy integration): the authorizer runs first on
routes that have it, a function that fails answers 502 without a trace, API Gateway's own
answers follow the template's GatewayResponses, and a body over 10 MB answers 413.
"""

import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Final, Protocol

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from devstack.authorizer import (
    AuthorizerConfigurationError,
    authorizer_event,
    decide,
    method_arn,
    missing_identity,
)
from devstack.background import BackgroundServer
from devstack.gateway_responses import contract_error, customizes_missing_route, gateway_response
from devstack.lambdas import InvocationError, LambdaRuntime
from devstack.proxy import MalformedProxyResponse, StackInfo, proxy_event, proxy_response
from devstack.routes import RouteMatch, RouteTable
from devstack.template import Api, Template

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

LOGGER = logging.getLogger("devstack.gateway")

MAX_BODY_BYTES: Final = 10 * 1024 * 1024  # API Gateway's limit on a request body
LOCAL_STAGE: Final = "local"
LOCAL_PREFIX: Final = "/_local"
# A body somewhat over the limit is read and thrown away, so the client gets the 413 rather than
# a reset connection; beyond this, the connection is simply closed.
_DRAIN_LIMIT: Final = 64 * 1024 * 1024


class LocalPages(Protocol):
    def respond(self, request: Request) -> Response | None: ...


class _BodyTooLarge(Exception):
    pass


class _QuietHandler(WSGIRequestHandler):
    # The gateway writes its own access log line, with the time the request took.
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return

    def log(self, type: str, message: str, *args: Any) -> None:
        LOGGER.log(logging.ERROR if type == "error" else logging.DEBUG, message, *args)


class Gateway(BackgroundServer):
    """The HTTP server. The port is bound on construction (port 0 picks a free one)."""

    def __init__(
        self,
        template: Template,
        runtime: LambdaRuntime,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        local_pages: LocalPages | None = None,
        access_log: Callable[[str], None] | None = None,
    ) -> None:
        self.template = template
        self.runtime = runtime
        self.routes = RouteTable(template.routes)
        self.local_pages = local_pages
        self.access_log = access_log or (lambda line: LOGGER.info("%s", line))
        server = make_server(host, port, self.wsgi, threaded=True, request_handler=_QuietHandler)
        super().__init__(server, "devstack-gateway")
        self.info = StackInfo(
            account_id=template.context.account_id, stage=LOCAL_STAGE, domain_name=f"127.0.0.1:{self.port}"
        )

    # -- WSGI ---------------------------------------------------------------------------------------

    def wsgi(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
        request = Request(environ)
        started = time.monotonic()
        try:
            response = self.handle(request)
        except Exception:
            LOGGER.exception("the local gateway failed on %s %s", request.method, request.path)
            response = Response('{"message": "Internal server error"}', status=500, content_type="application/json")
        elapsed_ms = (time.monotonic() - started) * 1000
        self.access_log(f"{request.method} {request.full_path.rstrip('?')} {response.status_code} {elapsed_ms:.0f}ms")
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        if self.local_pages is not None and (
            request.path == LOCAL_PREFIX or request.path.startswith(LOCAL_PREFIX + "/")
        ):
            page = self.local_pages.respond(request)
            if page is not None:
                return page
        request_id = str(uuid.uuid4())
        raw_path = str(request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path)
        match, path_known = self.routes.match(request.method, raw_path.split("?", 1)[0])
        api = self.template.apis[match.route.api_logical_id] if match else next(iter(self.template.apis.values()), None)
        try:
            body = _read_body(request)
        except _BodyTooLarge:
            return gateway_response(api, "REQUEST_TOO_LARGE", request_id)
        if match is None or api is None:
            return self._no_route(api, request, path_known=path_known, request_id=request_id)
        event = proxy_event(request, body, match, api, self.info)
        event["requestContext"]["requestId"] = request_id
        if match.route.authorizer is not None:
            denied = self._authorize(api, match, event, request_id)
            if denied is not None:
                return denied
        return self._integrate(match, event, request_id)

    def _no_route(self, api: Api | None, request: Request, *, path_known: bool, request_id: str) -> Response:
        if customizes_missing_route(api):
            return gateway_response(api, "MISSING_AUTHENTICATION_TOKEN", request_id)
        # API Gateway's built-in answer (403 "Missing Authentication Token") is not in the
        # contract's error shape; the template does not customize it, so answer in that shape.
        if path_known:
            message = f"{request.method} is not allowed on {request.path}."
            return contract_error(403, "method_not_allowed", message, request_id)
        return contract_error(404, "not_found", f"No such resource: {request.path}.", request_id)

    def _authorize(self, api: Api, match: RouteMatch, event: dict[str, Any], request_id: str) -> Response | None:
        """None when the request may go on (its event then carries requestContext.authorizer)."""
        authorizer = api.authorizers[str(match.route.authorizer)]
        if missing_identity(authorizer, event):
            return gateway_response(api, "UNAUTHORIZED", request_id)
        arn = method_arn(
            self.template.context.region,
            self.template.context.account_id,
            api.api_id,
            LOCAL_STAGE,
            event["httpMethod"],
            event["path"],
        )
        try:
            result = self.runtime.invoke(authorizer.function_logical_id, authorizer_event(authorizer, arn, event))
        except InvocationError as error:
            if error.kind == "Unhandled" and error.message.endswith(": Unauthorized"):
                return gateway_response(api, "UNAUTHORIZED", request_id)
            # The runtime has logged the traceback; API Gateway answers 500 for any other failure.
            return gateway_response(api, "AUTHORIZER_CONFIGURATION_ERROR", request_id)
        try:
            decision = decide(result, arn)
        except AuthorizerConfigurationError as error:
            LOGGER.error("authorizer %s answered something API Gateway rejects: %s", authorizer.name, error)
            return gateway_response(api, "AUTHORIZER_CONFIGURATION_ERROR", request_id)
        if not decision.allowed:
            return gateway_response(api, "ACCESS_DENIED", request_id)
        event["requestContext"]["authorizer"] = decision.context
        return None

    def _integrate(self, match: RouteMatch, event: dict[str, Any], request_id: str) -> Response:
        try:
            result = self.runtime.invoke(match.route.function_logical_id, event)
            return proxy_response(result, request_id)
        except InvocationError:
            pass  # the runtime has logged it with its traceback
        except MalformedProxyResponse as error:
            LOGGER.error("%s: malformed Lambda proxy response: %s", match.route.function_logical_id, error)
        # What API Gateway answers when the function fails: never the error itself.
        response = Response(
            json.dumps({"message": "Internal server error"}), status=502, content_type="application/json"
        )
        response.headers["x-amzn-RequestId"] = request_id
        response.headers["x-amzn-ErrorType"] = "InternalServerErrorException"
        return response


def _read_body(request: Request) -> bytes:
    length = request.content_length
    stream = request.stream
    if length is not None and length > MAX_BODY_BYTES:
        _drain(stream, length)
        raise _BodyTooLarge
    body = stream.read(MAX_BODY_BYTES + 1) if length is None else stream.read(length)
    if len(body) > MAX_BODY_BYTES:
        _drain(stream, _DRAIN_LIMIT)
        raise _BodyTooLarge
    return body


def _drain(stream: Any, length: int) -> None:
    remaining = min(length, _DRAIN_LIMIT)
    while remaining > 0:
        chunk = stream.read(min(remaining, 1024 * 1024))
        if not chunk:
            return
        remaining -= len(chunk)
