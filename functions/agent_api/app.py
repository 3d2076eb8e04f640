"""The agent's side: the one-time offer links (public) and /v1/me (agent keys)."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api import me, offer_links
from leadrouter.api.resolver import build_resolver
from leadrouter.observability import logger, tracer

app = build_resolver(offer_links.router, me.router)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
