"""The lead table's second stream consumer: adds each stored lead change to the report tallies
(service/report_desk.py), apart from the event publisher, so that neither waits for the other's retries.

Partial batch responses, in order per shard as the publisher's: a change that could not be counted, and
every record after it, are given again; a change counted before is not counted twice (its marker)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.adapters.stream_records import StoredLeadChange, process_lead_changes
from leadrouter.observability import logger, metrics, traced
from leadrouter.wiring import services


def count(change: StoredLeadChange) -> None:
    services().report_tallies.count_change(change.lead, change.history_before)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_lead_changes(event, context, count, "lead changes not counted yet; the stream gives them again")
