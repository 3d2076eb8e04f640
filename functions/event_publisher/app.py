"""The lead table's stream consumer: publishes each stored lead change's new events on the bus, and each
stored agent change that changed the agent's presence as `agent.status_changed`.

Partial batch responses (ReportBatchItemFailures): a record that could not be published, and every record
after it, are reported, and Lambda gives them again, in order, until EventBridge takes them."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.adapters.partial_batches import ordered_stream_batch
from leadrouter.adapters.stream_records import agent_presence_change, lead_change
from leadrouter.observability import correlated, logger, metrics, traced
from leadrouter.wiring import services


def publish(record: dict[str, Any]) -> None:
    change = lead_change(record)
    if change is not None:
        with correlated(change.lead.lead_id):
            services().event_outbox.publish_change(change)
        return
    presence = agent_presence_change(record)
    if presence is not None:
        services().event_outbox.publish_presence(presence)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    errors: list[str] = []
    answer = ordered_stream_batch(event, publish, lambda error: errors.append(type(error).__name__))
    failed = answer["batchItemFailures"]
    if failed:
        logger.warning(
            "lead events not published yet; the stream gives them again",
            extra={"records": len(failed), "error": errors[0]},
        )
    return dict(answer)
