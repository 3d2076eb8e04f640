"""One way to build a function's resolver: validation on, the error mapping, the given routers, and a body
reader that turns every unreadable body (not UTF-8, not JSON, too deep, a number too long) into a 400 before
any route or Powertools' validation sees it."""

import base64
from functools import cached_property
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from leadrouter.api.bodies import json_document
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


class _Resolver(APIGatewayRestResolver):
    def _to_proxy_event(self, event: dict[str, Any]) -> APIGatewayProxyEvent:
        # Every request of every function passes here: the one place its body is decoded.
        return _ProxyEvent(event, json_document)


def build_resolver(*routers: Router) -> APIGatewayRestResolver:
    app = _Resolver(enable_validation=True, json_body_deserializer=json_document)
    register_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


def new_router() -> Router:
    return Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is not annotated
