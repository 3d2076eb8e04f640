"""The lead table's stream consumer: publishes each stored lead change's new events on the bus, and each
stored agent change that changed the agent's presence as `agent.status_changed`.

Partial batch responses (ReportBatchItemFailures): a record that could not be published, and every record
after it, are reported, and Lambda gives them again, in order, until EventBridge takes them."""

from typing import Any

from aws_lambda_powertools.utilities.batch import process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.adapters.stream_records import OrderedStreamProcessor, agent_presence_change, lead_change
from leadrouter.observability import correlated, logger, metrics, traced
from leadrouter.wiring import services


def publish(record: DynamoDBRecord) -> None:
    change = lead_change(record.raw_event)
    if change is not None:
        with correlated(change.lead.lead_id):
            services().event_outbox.publish_change(change.lead, change.history_before)
        return
    presence = agent_presence_change(record.raw_event)
    if presence is not None:
        services().event_outbox.publish_presence(presence)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    processor = OrderedStreamProcessor()  # one per batch: it holds the batch's results
    answer = process_partial_response(event=event, record_handler=publish, processor=processor, context=context)
    failed = answer.get("batchItemFailures", [])
    if failed:
        logger.warning("lead events not published yet; the stream gives them again", extra={"records": len(failed)})
    return dict(answer)
