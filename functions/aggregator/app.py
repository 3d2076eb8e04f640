"""The lead table's second stream consumer: adds each stored lead change to the report tallies
(service/report_desk.py), apart from the event publisher, so that neither waits for the other's retries.

In order per shard, as the publisher (adapters/partial_batches.py): a change that could not be counted,
and every record after it, are given again; a change counted before is not counted twice (its marker)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.adapters.partial_batches import ordered_stream_batch
from leadrouter.adapters.stream_leads import stored_lead
from leadrouter.observability import correlated, logger, metrics, traced
from leadrouter.wiring import services


def count(record: dict[str, Any]) -> None:
    stored = stored_lead(record)
    if stored is not None:
        with correlated(stored.lead.lead_id):
            services().report_tallies.count_change(stored.lead, stored.history_before)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    errors: list[str] = []
    answer = ordered_stream_batch(event, count, lambda error: errors.append(type(error).__name__))
    failed = answer["batchItemFailures"]
    if failed:
        logger.warning(
            "lead changes not counted yet; the stream gives them again",
            extra={"records": len(failed), "error": errors[0]},
        )
    return dict(answer)
