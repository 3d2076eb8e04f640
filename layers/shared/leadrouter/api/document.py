"""The OpenAPI document's own route (served by the OpenAPI function)."""

from importlib.resources import files

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
    # Built from the code by `make openapi` and shipped in the layer (a test keeps it current): a cold
    # start reads a file instead of importing every function's routes and models.
    if "body" not in _built:
        _built["body"] = files("leadrouter.api").joinpath("openapi.json").read_text(encoding="utf-8")
    return Response(200, content_types.APPLICATION_JSON, _built["body"], headers={"Cache-Control": "max-age=300"})
