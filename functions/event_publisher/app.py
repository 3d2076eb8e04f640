"""The lead table's stream consumer: publishes each stored lead change's new events on the bus.

Partial batch responses (ReportBatchItemFailures): a record that could not be published, and every record
after it, are reported, and Lambda gives them again, in order, until EventBridge takes them."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.adapters.stream_records import StoredLeadChange, process_lead_changes
from leadrouter.observability import logger, metrics, traced
from leadrouter.wiring import services


def publish(change: StoredLeadChange) -> None:
    services().event_outbox.publish_change(change.lead, change.history_before)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_lead_changes(event, context, publish, "lead events not published yet; the stream gives them again")
