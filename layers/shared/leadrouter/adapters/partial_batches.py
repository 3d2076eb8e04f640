"""Lambda's partial batch responses (ReportBatchItemFailures) for the queue and stream consumers.

Plain code, not Powertools' batch utility: the utility imports asyncio and every event class of its data
classes, about 30 ms of each consumer's cold start, for a loop and a list (docs/DECISIONS.md, "Cold
starts: plain code on the hot paths"). The answers are the utility's:
- a queue's batch: every record is handled, in order; each one whose handler raised is reported by its
  message id, and SQS gives it again after the visibility timeout (then to the dead-letter queue). When
  every record failed, the invocation fails (EveryRecordFailed), as Powertools' BatchProcessingError did:
  the batch comes back whole, and the failure shows as the function's error.
- a stream's batch, in order: the first record whose handler raised and every record after it are
  reported, by sequence number, without trying the later ones; Lambda gives them again from the first
  failed one, so a later change is never handled before an earlier one, nor twice after a failure. A batch
  that fails whole is answered, not raised: Lambda retries it from its first record either way.

A record's content never reaches a log line or an exception message here (a stream image holds contact
details): the handlers decide what to say."""

from collections.abc import Callable, Mapping
from typing import Any

type BatchResponse = dict[str, list[dict[str, str]]]


class EveryRecordFailed(Exception):
    """Every record of a queue's batch failed: the invocation fails, and the batch is given again whole."""


def queue_batch(event: Mapping[str, Any], handle: Callable[[str], object]) -> BatchResponse:
    """Each SQS record's body to `handle`; the ids of the records it failed on."""
    records = event["Records"]
    failed: list[dict[str, str]] = []
    first_error: Exception | None = None
    for record in records:
        try:
            handle(record["body"])
        except Exception as error:  # any failure of one record is reported, not raised
            first_error = first_error or error
            failed.append({"itemIdentifier": record["messageId"]})
    if records and len(failed) == len(records):
        raise EveryRecordFailed(f"All {len(records)} records of the batch failed.") from first_error
    return {"batchItemFailures": failed}


def ordered_stream_batch(
    event: Mapping[str, Any],
    handle: Callable[[dict[str, Any]], object],
    failed: Callable[[Exception], object] = lambda error: None,
) -> BatchResponse:
    """Each DynamoDB stream record to `handle`, in order, up to the first that fails; that one and the rest
    reported. `failed` is told what the first failure raised: a record held up again and again must say why
    in the logs (the error's class; its message may quote the record)."""
    records = event["Records"]
    for position, record in enumerate(records):
        try:
            handle(record)
        except Exception as error:  # the stream gives this record again: reported, not raised
            failed(error)
            later = records[position:]
            return {"batchItemFailures": [{"itemIdentifier": one["dynamodb"]["SequenceNumber"]} for one in later]}
    return {"batchItemFailures": []}
