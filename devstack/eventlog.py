"""The events published on the template's buses, as captured by the local-only queue.

The queue is drained whenever someone asks (never with long polling: every request to the
emulated AWS holds its one lock, so a waiting receive would stall the whole stack). Events published
from a table stream (devstack.streams) are caught up first, so the log shows the events of every change
stored before it was read.
"""

import contextlib
import json
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

LOGGER = logging.getLogger("devstack.events")


class EventLog:
    def __init__(
        self,
        sqs: "SQSClient",
        queue_url: str,
        account_id: str | None = None,
        catch_up: Callable[[], None] | None = None,
    ) -> None:
        self.sqs = sqs
        self.catch_up = catch_up
        self.queue_url = queue_url
        self.account_id = account_id
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def events(self) -> list[dict[str, Any]]:
        """Every captured event envelope, oldest first (detail parsed from its JSON)."""
        if self.catch_up is not None:
            self.catch_up()
        with self._lock:
            self._drain()
            return list(self._events)

    def _drain(self) -> None:
        while True:
            answer = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
            messages = answer.get("Messages", [])
            if not messages:
                return
            for message in messages:
                try:
                    event = json.loads(message["Body"])
                except ValueError:
                    LOGGER.warning("a captured event is not JSON: %r", message["Body"][:200])
                    continue
                if isinstance(event.get("detail"), str):
                    with contextlib.suppress(ValueError):
                        event["detail"] = json.loads(event["detail"])
                if self.account_id:
                    # moto's copy for a queue leaves the account out of the envelope.
                    event.setdefault("account", self.account_id)
                self._events.append(event)
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(index), "ReceiptHandle": m["ReceiptHandle"]} for index, m in enumerate(messages)],
            )
