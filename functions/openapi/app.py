"""Serves the OpenAPI document of the whole API (every function's routes)."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api.catalog import openapi_document
from leadrouter.observability import logger

app = APIGatewayRestResolver()
_document: dict[str, str] = {}


@app.get("/v1/openapi.json")
def serve() -> Response[str]:
    # The document depends only on the code: build it once per container.
    if "body" not in _document:
        _document["body"] = openapi_document()
    return Response(200, content_types.APPLICATION_JSON, _document["body"], headers={"Cache-Control": "max-age=300"})


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
