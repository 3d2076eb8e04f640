"""Serves the OpenAPI document of the whole API (every function's routes)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api import document
from leadrouter.api.resolver import build_resolver
from leadrouter.observability import logger

app = build_resolver(document.router)


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
