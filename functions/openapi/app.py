"""Serves the OpenAPI document of the whole API (every function's routes), as a file: no resolver."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api import openapi_file
from leadrouter.observability import logger


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return openapi_file.answer(event)
