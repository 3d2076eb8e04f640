"""The agent's side: the one-time offer links (public), /v1/me (agent keys), and the pool (claiming; sending a
lead back, also for admins and office managers)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api import back_links, me, offer_links, pool, presence
from leadrouter.api.resolver import build_resolver
from leadrouter.observability import logger, metrics, traced

app = build_resolver(offer_links.router, back_links.router, me.router, presence.router, pool.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
