"""Every minute (a schedule in the template): expires overdue offers whose timer never fired."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.observability import logger, metrics, traced
from leadrouter.wiring import services


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = services().sweeper.sweep()
    if report.leads:
        logger.info("sweep expired overdue offers", extra={"leads": report.leads, "outcomes": report.outcomes})
    return {"leads": report.leads, "outcomes": report.outcomes}
