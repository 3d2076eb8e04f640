"""Every router of the API and the OpenAPI document built from all of them (served by its own function).

Powertools builds the document from the routes' signatures; what it cannot know is added here, so that the
document says all a client (and a fuzzer) needs: the bodies the intake and the offer links read themselves
(JSON, form-encoded, multipart), agent id bounds as the exact integers they are (not 1e+38), and the links
from each created resource to the operations on it (followed by schemathesis' stateful phase), and 204s
without a body."""

import json
from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from leadrouter.api import (
    agents,
    back_links,
    companies,
    document,
    intake,
    keys,
    leads_admin,
    me,
    offer_links,
    offices,
    people,
    pool,
    presence,
    queue,
    reports,
    routing,
    settings,
    users,
)
from leadrouter.api.offer_links import ActionBody
from leadrouter.api.resolver import build_resolver
from leadrouter.domain.leads import LeadSubmission
from leadrouter.domain.model import MAX_AGENT_ID

ALL_ROUTERS: tuple[Router, ...] = (
    intake.router,
    companies.router,
    settings.router,
    agents.router,
    offices.router,
    routing.router,
    queue.router,
    keys.router,
    users.router,
    leads_admin.router,
    people.router,
    offer_links.router,
    back_links.router,
    me.router,
    presence.router,
    pool.router,
    reports.router,
    document.router,
)

TITLE = "Lead Router API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Routes real-estate leads from website forms to agents. Authenticate with `Authorization: Bearer <api key>`; "
    "the public endpoints (intake, agent directory, offer links, this document) need no key."
)


FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
SCHEMAS = "#/components/schemas/{model}"

# The bodies the routes read themselves (api/bodies.py parse_document), by operation: model, media types.
SELF_READ_BODIES: dict[tuple[str, str], tuple[type[LeadSubmission] | type[ActionBody], tuple[str, ...]]] = {
    ("/v1/companies/{company_id}/leads", "post"): (LeadSubmission, ("application/json", FORM, MULTIPART)),
    ("/v1/offers/{token}", "post"): (ActionBody, ("application/json", FORM)),
}

# (path, method, status) of a created resource -> {link name: (path, method, {parameter: runtime expression})}
Links = dict[str, tuple[str, str, dict[str, str]]]


def _each(path: str, methods: tuple[str, ...], parameter: str) -> Links:
    expression = f"$response.body#/{parameter}"
    return {f"{method.upper()} {path}": (path, method, {parameter: expression}) for method in methods}


LINKS: dict[tuple[str, str, str], Links] = {
    ("/v1/agents", "post", "201"): _each("/v1/agents/{agent_id}", ("get", "put", "patch", "delete"), "agent_id"),
    ("/v1/offices", "post", "201"): _each("/v1/offices/{office_id}", ("get", "put", "delete"), "office_id"),
    ("/v1/routes", "post", "201"): _each("/v1/routes/{route_id}", ("get", "put", "delete"), "route_id"),
    ("/v1/keys", "post", "201"): _each("/v1/keys/{key_id}", ("delete",), "key_id"),
    ("/v1/companies/{company_id}/leads", "post", "202"): {
        **_each("/v1/leads/{lead_id}", ("get",), "lead_id"),
        **_each("/v1/leads/{lead_id}/assign", ("post",), "lead_id"),
        **_each("/v1/leads/{lead_id}/claim", ("post",), "lead_id"),
        **_each("/v1/leads/{lead_id}/release", ("post",), "lead_id"),
    },
}


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _exact_integer_bounds(node: Any) -> None:
    """Agent ids go up to 38 digits: Powertools writes a path parameter's bound as the float 1e+38 (which
    admits 10**38), and pydantic leaves a bound after a before-validator (`AgentNumber`, `WholeNumber`)
    unconverted (`ge`, `le`): each becomes the exact JSON Schema keyword."""
    if isinstance(node, list):
        for item in node:
            _exact_integer_bounds(item)
    if not isinstance(node, dict):
        return
    if node.get("type") == "integer":
        for pydantic_name, keyword in _BOUNDS.items():
            if pydantic_name in node:
                node[keyword] = node.pop(pydantic_name)
        if isinstance(node.get("maximum"), float) and node["maximum"] >= float(MAX_AGENT_ID):
            node["maximum"] = MAX_AGENT_ID
    for value in node.values():
        _exact_integer_bounds(value)


def _add_self_read_bodies(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for (path, method), (model, media_types) in SELF_READ_BODIES.items():
        schema = model.model_json_schema(ref_template=SCHEMAS)
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
        if model is LeadSubmission:
            _needs_a_way_to_reach(schema)
        reference = {"$ref": SCHEMAS.format(model=model.__name__)}
        document["paths"][path][method]["requestBody"] = {
            "required": True,
            "content": {media_type: {"schema": reference} for media_type in media_types},
        }


def _needs_a_way_to_reach(lead: dict[str, Any]) -> None:
    """A lead without an email or a phone is refused (422): the schema says one of them is there."""
    fields = lead["properties"]
    lead["anyOf"] = [
        {"required": [name], "properties": {name: fields[name]["anyOf"][0]}} for name in ("email", "phone")
    ]


def _no_content_is_empty(document: dict[str, Any]) -> None:
    """A 204 has no body, so no media type either (api/resolver.py no_content)."""
    for operations in document["paths"].values():
        for operation in operations.values():
            operation.get("responses", {}).get("204", {}).pop("content", None)


def _operation_id(document: dict[str, Any], path: str, method: str) -> str:
    return str(document["paths"][path][method]["operationId"])


def _add_links(document: dict[str, Any]) -> None:
    for (path, method, status), links in LINKS.items():
        response = document["paths"][path][method]["responses"][status]
        response["links"] = {
            name: {"operationId": _operation_id(document, target, verb), "parameters": parameters}
            for name, (target, verb, parameters) in links.items()
        }


def openapi_document(server_url: str | None = None) -> str:
    app = build_resolver(*ALL_ROUTERS)
    document: dict[str, Any] = json.loads(
        app.get_openapi_json_schema(
            title=TITLE,
            version=VERSION,
            description=DESCRIPTION,
            servers=[Server(url=server_url)] if server_url else None,
            security_schemes={"apiKey": HTTPBearer(description="An API key issued through /v1/keys or the CLI.")},
        )
    )
    _add_self_read_bodies(document)
    _exact_integer_bounds(document)
    _add_links(document)
    _no_content_is_empty(document)
    return json.dumps(document, indent=2)
