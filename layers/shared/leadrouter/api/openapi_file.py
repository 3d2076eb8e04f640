"""The OpenAPI document as the OpenAPI function serves it: the file `make openapi` builds from the code and the
layer ships (a test keeps it current), answered without Powertools' resolver or pydantic.

The function sits behind one route, `GET /v1/openapi.json` (template.yaml), so there is nothing to resolve:
its cold start is the interpreter, Powertools' logger and a file read. Through the resolver it imported the
event handler, its OpenAPI models and pydantic, 1.55x "boto3 alone" (issue 10 item 4; docs/PERFORMANCE.md).
The route itself stays declared in api/document.py, so the document describes it."""

import json
from functools import cache
from importlib.resources import files
from typing import Any

PATH = "/v1/openapi.json"
# A shared cache may keep it five minutes: it changes only with a deployment.
CACHE_CONTROL = "max-age=300"


@cache
def body() -> str:
    return files("leadrouter.api").joinpath("openapi.json").read_text(encoding="utf-8")


def answer(event: dict[str, Any]) -> dict[str, Any]:
    """The proxy answer: the document for its route, the contract's 404 for anything else (the gateway routes
    nothing else here; an invocation by hand may)."""
    if event.get("httpMethod") == "GET" and event.get("resource", event.get("path")) == PATH:
        return _proxy(200, body(), {"Cache-Control": [CACHE_CONTROL]})
    error = {"error": {"code": "not_found", "message": "No such route."}}
    return _proxy(404, json.dumps(error), {})


def _proxy(status: int, text: str, headers: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "body": text,
        "isBase64Encoded": False,
        "multiValueHeaders": {"Content-Type": ["application/json"], **headers},
    }
