"""One way to build a function's resolver: validation on, the error mapping, the given routers."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router

from leadrouter.api.errors import register_error_handlers


def build_resolver(*routers: Router) -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True)
    register_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


def new_router() -> Router:
    return Router()  # type: ignore[no-untyped-call]  # Powertools' Router.__init__ is not annotated
