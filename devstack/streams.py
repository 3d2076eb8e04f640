"""Lambda's DynamoDB stream event source mappings, which moto leaves out: polling a table's stream and
invoking the function with batches of records.

Moto keeps a table's stream records (``dynamodbstreams``) but invokes nothing. This reads the template's
``Type: DynamoDB`` events of its functions and does what Lambda's poller does, shard by shard and in
order: a batch of up to BatchSize records that match the FilterCriteria goes to the function; a partial
batch response (ReportBatchItemFailures) moves the checkpoint to just before the first failed record and
retries from there after a backoff; a function error retries the whole batch (halved, with
BisectBatchOnFunctionError); records older than MaximumRecordAgeInSeconds, or retried more than
MaximumRetryAttempts times, are skipped and the batch's place in the stream is sent to the OnFailure
destination (an SQS queue), as Lambda sends it. Nothing is skipped while retries are unlimited.

``drain()`` catches up at once, ignoring the backoff (tests, and the event log before it is read).
"""

import base64
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import boto3

from devstack.cfn_yaml import load_yaml
from devstack.intrinsics import Resolver, TemplateError, as_string
from devstack.lambdas import InvocationError, LambdaRuntime
from devstack.template import FUNCTION_TYPE, Template

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

LOGGER = logging.getLogger("devstack.streams")

# Between retries of a failing batch (Lambda backs off too); the last delay repeats.
RETRY_DELAYS: Final = (1.0, 2.0, 4.0, 8.0)
_TABLE_OF_STREAM = re.compile(r":table/([^/]+)/stream/")


@dataclass(frozen=True)
class StreamMapping:
    function_id: str
    function_arn: str
    event_name: str
    table_name: str
    starting_position: str
    batch_size: int
    bisect_on_error: bool
    max_retry_attempts: int  # -1: until the record is too old (or leaves the stream)
    max_record_age_seconds: int  # -1: no limit
    reports_item_failures: bool
    filters: tuple[Mapping[str, Any], ...]
    on_failure_arn: str | None


def stream_mappings(template: Template) -> tuple[StreamMapping, ...]:
    """The template's DynamoDB stream event sources (SAM ``Events`` of ``Type: DynamoDB``)."""
    document = load_yaml(template.path)
    overrides = {name: as_string(value) for name, value in template.parameters.items()}
    resolver = Resolver(document, template.context, overrides)
    found: list[StreamMapping] = []
    for logical_id, resource in resolver.resources.items():
        if resource.get("Type") != FUNCTION_TYPE or not resolver.is_active(logical_id):
            continue
        events = resolver.resolve((resource.get("Properties") or {}).get("Events") or {})
        for event_name, event in events.items():
            if event.get("Type") == "DynamoDB":
                found.append(_mapping(template, logical_id, event_name, event.get("Properties") or {}))
    return tuple(found)


def _mapping(template: Template, function_id: str, event_name: str, properties: Mapping[str, Any]) -> StreamMapping:
    where = f"{function_id}.{event_name}"
    match = _TABLE_OF_STREAM.search(str(properties.get("Stream", "")))
    if match is None:
        raise TemplateError(f"{where}: Stream must be a table's StreamArn")
    filters = tuple(json.loads(item["Pattern"]) for item in (properties.get("FilterCriteria") or {}).get("Filters", []))
    for pattern in filters:
        _check_pattern(where, pattern)
    destination = ((properties.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return StreamMapping(
        function_id=function_id,
        function_arn=template.functions[function_id].arn,
        event_name=event_name,
        table_name=match.group(1),
        starting_position=str(properties.get("StartingPosition", "TRIM_HORIZON")),
        batch_size=int(properties.get("BatchSize", 100)),
        bisect_on_error=str(properties.get("BisectBatchOnFunctionError", False)).lower() == "true",
        max_retry_attempts=int(properties.get("MaximumRetryAttempts", -1)),
        max_record_age_seconds=int(properties.get("MaximumRecordAgeInSeconds", -1)),
        reports_item_failures="ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or []),
        filters=filters,
        on_failure_arn=str(destination) if destination else None,
    )


def _check_pattern(where: str, pattern: Any) -> None:
    """Only exact values and prefixes are emulated; anything else fails loudly rather than matching wrongly."""
    if not isinstance(pattern, dict):
        raise TemplateError(f"{where}: a filter pattern must be a JSON object")
    for value in pattern.values():
        if isinstance(value, dict):
            _check_pattern(where, value)
        elif not isinstance(value, list) or not all(_known_option(option) for option in value):
            raise TemplateError(
                f"{where}: the local stack matches only lists of exact values and prefixes in FilterCriteria"
            )


def _known_option(option: Any) -> bool:
    if isinstance(option, dict):
        return list(option) == ["prefix"] and isinstance(option["prefix"], str)
    return not isinstance(option, list)


def _admits(option: Any, actual: Any) -> bool:
    if isinstance(option, dict):  # {"prefix": "..."}, as _check_pattern allows
        return isinstance(actual, str) and actual.startswith(option["prefix"])
    return bool(option == actual)


def matches(pattern: Mapping[str, Any], record: Any) -> bool:
    for key, expected in pattern.items():
        actual = record.get(key) if isinstance(record, dict) else None
        if isinstance(expected, dict):
            if not matches(expected, actual):
                return False
        elif not any(_admits(option, actual) for option in expected):
            return False
    return True


@dataclass
class _Shard:
    mapping: StreamMapping
    stream_arn: str
    shard_id: str
    checkpoint: str | None = None  # the last sequence number handled
    started: bool = False
    attempts: int = 0
    limit: int = 0
    next_try: float = 0.0


class StreamPoller:
    def __init__(
        self,
        template: Template,
        runtime: LambdaRuntime,
        session: boto3.session.Session | None = None,
        *,
        interval: float = 0.5,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        session = session or boto3.session.Session(region_name=template.context.region)
        region = template.context.region
        self.template = template
        self.runtime = runtime
        self.mappings = stream_mappings(template)
        self.interval = interval
        self.retry_delays = retry_delays
        self._now = now
        self._dynamodb = session.client("dynamodb", region_name=region)
        self._streams = session.client("dynamodbstreams", region_name=region)
        self._sqs: SQSClient = session.client("sqs", region_name=region)
        self._shards: dict[tuple[str, str], _Shard] = {}
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._queue_urls = {arn: self._queue_url(arn) for arn in {m.on_failure_arn for m in self.mappings} if arn}

    def _queue_url(self, arn: str) -> str:
        """The destination queue, created if the stack has not created it (an existing one is kept)."""
        return self._sqs.create_queue(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]

    def start(self) -> None:
        if not self.mappings:
            return
        self._thread = threading.Thread(target=self._run, name="devstack-streams", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll()
            except Exception:
                LOGGER.exception("reading the table streams failed; trying again")
            self._stopping.wait(self.interval)

    def poll(self, *, ignore_backoff: bool = False) -> int:
        """One pass over every shard of every mapping; answers how many records were handled (done or
        given up on). A shard in backoff is skipped unless ``ignore_backoff``."""
        handled = 0
        with self._lock:
            for mapping in self.mappings:
                for shard in self._shards_of(mapping):
                    if ignore_backoff or shard.next_try <= time.monotonic():
                        handled += self._step(shard)
        return handled

    def drain(self) -> None:
        """Deliver every record stored so far, retrying failed ones at once; stops when a pass makes no
        progress (nothing new, or the function keeps failing)."""
        with self._lock:
            while self.poll(ignore_backoff=True):
                pass

    def _shards_of(self, mapping: StreamMapping) -> list[_Shard]:
        table = self._dynamodb.describe_table(TableName=mapping.table_name)["Table"]
        stream_arn = table.get("LatestStreamArn")
        if not stream_arn:
            return []
        description = self._streams.describe_stream(StreamArn=stream_arn)["StreamDescription"]
        shards = []
        for shard in description.get("Shards", []):
            key = (mapping.function_id + "." + mapping.event_name, str(shard["ShardId"]))
            if key not in self._shards:
                self._shards[key] = _Shard(mapping, stream_arn, str(shard["ShardId"]), limit=mapping.batch_size)
            shards.append(self._shards[key])
        return shards

    def _read(self, shard: _Shard) -> list[dict[str, Any]]:
        request: dict[str, Any] = {"StreamArn": shard.stream_arn, "ShardId": shard.shard_id}
        if shard.checkpoint is not None:
            request.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=shard.checkpoint)
        else:
            request["ShardIteratorType"] = "TRIM_HORIZON"
        iterator = self._streams.get_shard_iterator(**request)["ShardIterator"]
        records = self._streams.get_records(ShardIterator=iterator, Limit=shard.limit)["Records"]
        return [dict(record) for record in records]

    def _step(self, shard: _Shard) -> int:
        mapping = shard.mapping
        records = self._read(shard)
        if not shard.started:
            shard.started = True
            if mapping.starting_position == "LATEST" and records:
                # LATEST: what was in the stream before the mapping started is not delivered.
                while records:
                    shard.checkpoint = _sequence(records[-1])
                    records = self._read(shard)
                return 0
        if not records:
            return 0
        batch = [record for record in records if any(matches(p, record) for p in mapping.filters)]
        if mapping.filters and not batch:
            shard.checkpoint = _sequence(records[-1])
            return len(records)
        batch = batch if mapping.filters else records
        if self._too_old(mapping, batch) or self._retries_exhausted(mapping, shard):
            condition = "RecordAgeExceeded" if self._too_old(mapping, batch) else "RetryAttemptsExhausted"
            self._give_up(shard, batch, condition)
            shard.checkpoint = _sequence(records[-1])
            shard.attempts, shard.limit = 0, mapping.batch_size
            return len(records)
        failed_at = self._invoke(shard, batch)
        if failed_at is None:
            shard.checkpoint = _sequence(records[-1])
            shard.attempts, shard.limit = 0, mapping.batch_size
            return len(records)
        before = [record for record in records if int(_sequence(record)) < int(failed_at)]
        if before:
            shard.checkpoint = _sequence(before[-1])
        shard.attempts += 1
        delay = self.retry_delays[min(shard.attempts, len(self.retry_delays)) - 1] if self.retry_delays else 0.0
        shard.next_try = time.monotonic() + delay
        LOGGER.warning(
            "%s: records from %s failed (attempt %d); retrying in %.0fs",
            mapping.function_id,
            failed_at,
            shard.attempts,
            delay,
        )
        return len(before)

    def _invoke(self, shard: _Shard, batch: list[dict[str, Any]]) -> str | None:
        """Invoke the function; answers the sequence number to retry from, None when the batch is done."""
        mapping = shard.mapping
        event = {"Records": [self._lambda_record(shard, record) for record in batch]}
        try:
            answer = self.runtime.invoke(mapping.function_id, event)
        except InvocationError as error:
            LOGGER.warning("%s failed on a batch of %d records: %s", mapping.function_id, len(batch), error.kind)
            if mapping.bisect_on_error and len(batch) > 1:
                shard.limit = max(1, len(batch) // 2)
                shard.attempts -= 1  # Lambda does not count a split against the retries
            return _sequence(batch[0])
        if not mapping.reports_item_failures or not isinstance(answer, dict):
            return None
        failures = answer.get("batchItemFailures") or []
        sequences = {_sequence(record) for record in batch}
        identifiers = [str(item.get("itemIdentifier") or "") for item in failures if isinstance(item, dict)]
        if not failures:
            return None
        if len(identifiers) != len(failures) or not set(identifiers) <= sequences:
            return _sequence(batch[0])  # Lambda treats a response it cannot read as a failed batch
        return min(identifiers, key=int)

    def _lambda_record(self, shard: _Shard, record: dict[str, Any]) -> dict[str, Any]:
        """The record as Lambda hands it over: the stream's ARN added, times as epoch seconds."""
        change = dict(record["dynamodb"])
        created = change.get("ApproximateCreationDateTime")
        if isinstance(created, datetime):
            change["ApproximateCreationDateTime"] = created.timestamp()
        plain = {**record, "dynamodb": change, "eventSourceARN": shard.stream_arn}
        plain["awsRegion"] = self.template.context.region
        converted: dict[str, Any] = _jsonable(plain)
        return converted

    def _too_old(self, mapping: StreamMapping, batch: list[dict[str, Any]]) -> bool:
        if mapping.max_record_age_seconds < 0:
            return False
        created = batch[0]["dynamodb"].get("ApproximateCreationDateTime")
        if not isinstance(created, datetime):
            return False
        return (self._now() - created).total_seconds() > mapping.max_record_age_seconds

    @staticmethod
    def _retries_exhausted(mapping: StreamMapping, shard: _Shard) -> bool:
        return 0 <= mapping.max_retry_attempts < shard.attempts

    def _give_up(self, shard: _Shard, batch: list[dict[str, Any]], condition: str) -> None:
        mapping = shard.mapping
        LOGGER.error("%s: %d records skipped (%s)", mapping.function_id, len(batch), condition)
        if mapping.on_failure_arn is None:
            return
        first, last = batch[0]["dynamodb"], batch[-1]["dynamodb"]
        message = {
            "requestContext": {
                "functionArn": mapping.function_arn,
                "condition": condition,
                "approximateInvokeCount": shard.attempts + 1,
            },
            "version": "1.0",
            "timestamp": self._now().isoformat(),
            "DDBStreamBatchInfo": {
                "shardId": shard.shard_id,
                "startSequenceNumber": first["SequenceNumber"],
                "endSequenceNumber": last["SequenceNumber"],
                "approximateArrivalOfFirstRecord": _iso(first.get("ApproximateCreationDateTime")),
                "approximateArrivalOfLastRecord": _iso(last.get("ApproximateCreationDateTime")),
                "batchSize": len(batch),
                "streamArn": shard.stream_arn,
            },
        }
        self._sqs.send_message(QueueUrl=self._queue_urls[mapping.on_failure_arn], MessageBody=json.dumps(message))


def _sequence(record: Mapping[str, Any]) -> str:
    return str(record["dynamodb"]["SequenceNumber"])


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _jsonable(value: Any) -> Any:
    """Binary attributes as base64 text, as Lambda's JSON event carries them."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {key: _jsonable(inner) for key, inner in value.items()}
    if isinstance(value, list | set | tuple):
        return [_jsonable(inner) for inner in value]
    return value
