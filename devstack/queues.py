"""SQS queues of the template and Lambda's SQS event source mappings, which moto leaves out.

Moto keeps queues (DelaySeconds, visibility timeouts, receive counts and the move to a dead-letter queue
after maxReceiveCount all behave as in SQS) but nothing reads them for a function. `QueuePoller` does what
an event source mapping does: a few pollers per `SQS` event of a function poll its queue, invoke the
function with a batch in Lambda's event shape, and delete what succeeded. A record named in
`batchItemFailures` (with ReportBatchItemFailures), or the whole batch when the invocation fails, stays on
the queue: SQS shows it again after the visibility timeout, and moves it to the dead-letter queue after
maxReceiveCount receives.
"""

import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from devstack.cfn_yaml import load_yaml
from devstack.intrinsics import Resolver
from devstack.lambdas import InvocationError, LambdaRuntime
from devstack.template import Template

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

LOGGER = logging.getLogger("devstack.queues")

QUEUE_TYPE: Final = "AWS::SQS::Queue"
# CreateQueue attributes that AWS::SQS::Queue properties map onto one to one.
_ATTRIBUTES: Final = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
)
# Lambda starts five pollers per SQS event source; two are enough for one laptop.
POLLERS_PER_SOURCE: Final = 2
# Short polls this far apart: moto's long poll looks again only once a second, which would make a delayed
# message up to a second later than SQS delivers it.
POLL_INTERVAL: Final = 0.2


@dataclass(frozen=True)
class Queue:
    logical_id: str
    name: str
    attributes: Mapping[str, str]

    @property
    def dead_letter_target(self) -> str | None:
        redrive = self.attributes.get("RedrivePolicy")
        return str(json.loads(redrive)["deadLetterTargetArn"]) if redrive else None


@dataclass(frozen=True)
class SqsEventSource:
    function_id: str
    event_name: str
    queue_arn: str
    batch_size: int
    report_item_failures: bool


def _resolver(template: Template) -> tuple[Resolver, Mapping[str, Any]]:
    document = load_yaml(template.path)
    parameters = {name: str(value) for name, value in template.parameters.items() if isinstance(value, str | int)}
    return Resolver(document, template.context, parameters), document


def template_queues(template: Template) -> tuple[Queue, ...]:
    resolver, _ = _resolver(template)
    queues: list[Queue] = []
    for logical_id, resource in resolver.resources.items():
        if resource.get("Type") != QUEUE_TYPE or not resolver.is_active(logical_id):
            continue
        properties = resolver.resolve(resource.get("Properties") or {})
        attributes = {key: str(properties[key]) for key in _ATTRIBUTES if key in properties}
        if "RedrivePolicy" in properties:
            attributes["RedrivePolicy"] = json.dumps(properties["RedrivePolicy"])
        queues.append(Queue(logical_id, resolver.physical_name(logical_id), attributes))
    return tuple(queues)


def sqs_event_sources(template: Template) -> tuple[SqsEventSource, ...]:
    resolver, _ = _resolver(template)
    sources: list[SqsEventSource] = []
    for function_id in template.functions:
        events = (resolver.resources[function_id].get("Properties") or {}).get("Events") or {}
        for event_name, raw in events.items():
            if raw.get("Type") != "SQS":
                continue
            properties = resolver.resolve(raw.get("Properties") or {})
            sources.append(
                SqsEventSource(
                    function_id=function_id,
                    event_name=str(event_name),
                    queue_arn=str(properties["Queue"]),
                    batch_size=int(properties.get("BatchSize", 10)),
                    report_item_failures="ReportBatchItemFailures" in (properties.get("FunctionResponseTypes") or []),
                )
            )
    return tuple(sources)


def create_queues(template: Template, sqs: "SQSClient") -> dict[str, str]:
    """Create the template's queues, dead-letter targets first; answers their URLs by name."""
    queues = sorted(template_queues(template), key=lambda queue: queue.dead_letter_target is not None)
    urls: dict[str, str] = {}
    for queue in queues:
        attributes: Any = dict(queue.attributes)  # names checked by SQS, not by the type of the mapping
        urls[queue.name] = sqs.create_queue(QueueName=queue.name, Attributes=attributes)["QueueUrl"]
    return urls


def lambda_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """One record of Lambda's SQS event for a received message."""
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": dict(message.get("MessageAttributes") or {}),
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class QueuePoller:
    def __init__(
        self,
        template: Template,
        runtime: LambdaRuntime,
        sqs: "SQSClient",
        *,
        pollers_per_source: int = POLLERS_PER_SOURCE,
        interval: float = POLL_INTERVAL,
    ) -> None:
        self.template = template
        self.runtime = runtime
        self.sqs = sqs
        self.sources = sqs_event_sources(template)
        self.pollers_per_source = pollers_per_source
        self.interval = interval
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for source in self.sources:
            queue_url = self.sqs.get_queue_url(QueueName=source.queue_arn.rsplit(":", 1)[-1])["QueueUrl"]
            for index in range(self.pollers_per_source):
                thread = threading.Thread(
                    target=self._run,
                    args=(source, queue_url),
                    name=f"devstack-sqs-{source.function_id}-{index}",
                    daemon=True,
                )
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _run(self, source: SqsEventSource, queue_url: str) -> None:
        while not self._stopping.is_set():
            try:
                handled = self.poll(source, queue_url)
            except Exception:
                LOGGER.exception("polling %s for %s failed; trying again", queue_url, source.function_id)
                handled = 0
            if not handled:
                self._stopping.wait(self.interval)

    def poll(self, source: SqsEventSource, queue_url: str) -> int:
        """Receive one batch and hand it to the function; answers how many records it was given."""
        received = self.sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=min(source.batch_size, 10),
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = received.get("Messages") or []
        if not messages:
            return 0
        records = [lambda_record(message, source.queue_arn, self.template.context.region) for message in messages]
        try:
            result = self.runtime.invoke(source.function_id, {"Records": records})
        except InvocationError:
            LOGGER.warning("%s failed a batch of %d: SQS shows it again", source.function_id, len(records))
            return len(records)
        failed = self._failed_ids(source, result)
        done = [record for record in records if record["messageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": record["receiptHandle"]} for i, record in enumerate(done)],
            )
        return len(records)

    @staticmethod
    def _failed_ids(source: SqsEventSource, result: Any) -> set[str]:
        if not source.report_item_failures or not isinstance(result, Mapping):
            return set()
        return {str(item.get("itemIdentifier")) for item in result.get("batchItemFailures") or []}
