"""The lead table's stream consumer: publishes each stored lead change's new events on the bus.

Partial batch responses (ReportBatchItemFailures): a record that could not be published, and every record
after it, are reported, and Lambda gives them again, in order, until EventBridge takes them."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.adapters.partial_batches import ordered_stream_batch
from leadrouter.adapters.stream_records import lead_change
from leadrouter.observability import correlated, logger, metrics, traced
from leadrouter.wiring import services


def publish(record: dict[str, Any]) -> None:
    change = lead_change(record)
    if change is not None:
        with correlated(change.lead.lead_id):
            services().event_outbox.publish_change(change)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    answer = ordered_stream_batch(event, publish)
    failed = answer["batchItemFailures"]
    if failed:
        logger.warning("lead events not published yet; the stream gives them again", extra={"records": len(failed)})
    return dict(answer)
