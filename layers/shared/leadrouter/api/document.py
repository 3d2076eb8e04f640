"""The OpenAPI document's own route (served by the OpenAPI function)."""

from aws_lambda_powertools.event_handler import Response, content_types

from leadrouter.api.resolver import new_router
from leadrouter.api.views import documented

router = new_router()
_built: dict[str, str] = {}


@router.get(
    "/v1/openapi.json",
    summary="The OpenAPI document of the whole API",
    tags=["Public"],
    responses=documented(description="OpenAPI 3 document"),
)
def serve_document() -> Response[str]:
    from leadrouter.api.catalog import openapi_document

    # The document depends only on the code: build it once per container.
    if "body" not in _built:
        _built["body"] = openapi_document()
    return Response(200, content_types.APPLICATION_JSON, _built["body"], headers={"Cache-Control": "max-age=300"})
