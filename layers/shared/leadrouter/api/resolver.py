"""One way to build a function's resolver: validation on, the error mapping, the given routers, a body
reader that turns every unreadable body (not UTF-8, not JSON, too deep, a number too long) into a 400 before
any route or Powertools' validation sees it, JSON alone on the routes whose body Powertools validates (415
for anything else, a multipart body without a boundary included), and a 204 without a body or a type."""

import base64
from collections.abc import Mapping
from functools import cached_property
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.middlewares.openapi_validation import OpenAPIRequestValidationMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType
from aws_lambda_powertools.event_handler.types import EventHandlerInstance
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api.bodies import content_type, is_json, json_document
from leadrouter.api.errors import register_error_handlers
from leadrouter.domain.errors import BadRequest


class _ProxyEvent(APIGatewayProxyEvent):
    @cached_property
    def decoded_body(self) -> str | None:
        # Powertools' own decoding raises UnicodeDecodeError, which its validation does not catch (a 500).
        body: str | None = self.body
        if not (self.is_base64_encoded and body):
            return body
        try:
            return base64.b64decode(body.encode()).decode()
        except ValueError as error:  # binascii.Error and UnicodeDecodeError are both ValueErrors
            raise BadRequest("The body is not UTF-8 text.") from error


class _JsonBodiesOnly(OpenAPIRequestValidationMiddleware):
    """Powertools' request validation, reading a route's body as JSON only: its own reader also takes
    form-encoded and multipart bodies (which the document does not offer on these routes) and raises a bare
    ValueError, a 500, for a multipart type without a boundary."""

    def _get_body(self, app: EventHandlerInstance) -> dict[str, Any]:
        kind = content_type(app.current_event)
        if not is_json(kind):
            problem = {"type": "unsupported_content_type", "loc": ("body",), "msg": kind, "input": {}, "ctx": {}}
            raise RequestUnsupportedContentType(f"Unsupported content type: {kind}", errors=[problem])
        return self._parse_json_data(app)


class _Resolver(APIGatewayRestResolver):
    def _to_proxy_event(self, event: dict[str, Any]) -> APIGatewayProxyEvent:
        # Every request of every function passes here: the one place its body is decoded.
        return _ProxyEvent(event, json_document)

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        result: dict[str, Any] = super().resolve(event, context)
        if result.get("statusCode") == HTTPStatus.NO_CONTENT:
            # API Gateway gives a proxy answer without a Content-Type `application/json`; an explicit null
            # is how a function says it has none. Powertools drops null headers, so it is set here.
            multi = {name: values for name, values in (result.get("multiValueHeaders") or {}).items()}
            multi.pop("Content-Type", None)
            result["multiValueHeaders"] = multi
            result["headers"] = {**(result.get("headers") or {}), "Content-Type": None}
            result["body"] = ""
        return result


def no_content(headers: dict[str, str] | None = None) -> Response[str]:
    """A 204: no body, and so no content type (docs/DECISIONS.md, "A 204 has no content type")."""
    return Response(HTTPStatus.NO_CONTENT.value, None, "", headers=headers)


def build_resolver(*routers: Router) -> APIGatewayRestResolver:
    app = _Resolver(enable_validation=True, json_body_deserializer=json_document)
    # Powertools builds its validation middleware once per app unless one is there already.
    app._request_validation_middleware = _JsonBodiesOnly()  # type: ignore[no-untyped-call]  # not annotated
    register_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


def new_router() -> Router:
    return Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is not annotated
