"""Companies, settings, agents, offices, routes, keys, console users, the routing simulator, the admins'
view of leads and the reports."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api import (
    agents,
    companies,
    keys,
    leads_admin,
    offices,
    people,
    queue,
    reports,
    routing,
    settings,
    users,
)
from leadrouter.api.resolver import build_resolver
from leadrouter.observability import logger, metrics, traced

app = build_resolver(
    companies.router,
    settings.router,
    agents.router,
    offices.router,
    routing.router,
    queue.router,
    keys.router,
    leads_admin.router,
    people.router,
    users.router,
    reports.router,
)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
