"""SES's bounce and complaint events for the service's emails (the configuration set publishes them to SNS,
which puts them on the email-events queue): a hard bounce marks the agent, every one is written in the
offer's lead history (service/email_bounces.py). Partial batch responses: a record that failed (a busy
table) is retried after the visibility timeout, then dead-lettered; one that is not an SES event is dropped."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.adapters.partial_batches import queue_batch
from leadrouter.adapters.ses_feedback import read_feedback
from leadrouter.observability import correlated, logger, metrics, traced
from leadrouter.wiring import services


def _received(body: str) -> list[str]:
    try:
        feedback = read_feedback(body)
    except ValueError:
        # Retrying cannot help a message that is not an SES event: it is dropped, not failed.
        logger.error("email events queue message that is not an SES event: ignored")
        return []
    outcomes = []
    for one in feedback:
        with correlated(one.lead_id):
            outcomes.append(services().email_bounces.received(one))
    return outcomes


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return queue_batch(event, _received)
