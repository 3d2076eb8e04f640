"""The console (docs/DECISIONS.md, "The console"): pages at /app/, signed in through the Cognito user pool."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.console.application import build_console
from leadrouter.observability import logger, metrics, traced

app = build_console()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
