"""Every router of the API and the OpenAPI document built from all of them (served by its own function)."""

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

from leadrouter.api import (
    agents,
    companies,
    document,
    intake,
    keys,
    leads_admin,
    me,
    offer_links,
    offices,
    pool,
    routing,
    settings,
)
from leadrouter.api.resolver import build_resolver

ALL_ROUTERS: tuple[Router, ...] = (
    intake.router,
    companies.router,
    settings.router,
    agents.router,
    offices.router,
    routing.router,
    keys.router,
    leads_admin.router,
    offer_links.router,
    me.router,
    pool.router,
    document.router,
)

TITLE = "Lead Router API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Routes real-estate leads from website forms to agents. Authenticate with `Authorization: Bearer <api key>`; "
    "the public endpoints (intake, agent directory, offer links, this document) need no key."
)


def openapi_document(server_url: str | None = None) -> str:
    app = build_resolver(*ALL_ROUTERS)
    return app.get_openapi_json_schema(
        title=TITLE,
        version=VERSION,
        description=DESCRIPTION,
        servers=[Server(url=server_url)] if server_url else None,
        security_schemes={"apiKey": HTTPBearer(description="An API key issued through /v1/keys or the CLI.")},
    )
