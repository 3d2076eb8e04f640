"""The OpenAPI document's own route, declared for the document (the OpenAPI function answers it without a
resolver: api/openapi_file.py)."""

from aws_lambda_powertools.event_handler import Response, content_types

from leadrouter.api import openapi_file
from leadrouter.api.resolver import new_router
from leadrouter.api.views import documented

router = new_router()


@router.get(
    "/v1/openapi.json",
    summary="The OpenAPI document of the whole API",
    tags=["Public"],
    responses=documented(description="OpenAPI 3 document"),
)
def serve_document() -> Response[str]:
    headers = {"Cache-Control": openapi_file.CACHE_CONTROL}
    return Response(200, content_types.APPLICATION_JSON, openapi_file.body(), headers=headers)
