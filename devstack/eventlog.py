"""The events published on the template's buses, as captured by the local-only queue.

A rule on each bus copies every event into the capture queue; an after-request hook of the moto server
(run inside its request lock, devstack/moto_server.py) takes them out of moto's queue as they arrive. The
queue is not drained with ReceiveMessage when someone asks: nobody may ask for hours, and moto's SendMessage
counts the messages of a queue each time (its attributes), so a queue that kept every event of a benchmark
made each PutEvents slower than the one before. Events published from a table stream (devstack.streams)
are caught up first, so the log shows the events of every change stored before it was read.
"""

import collections
import contextlib
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

LOGGER = logging.getLogger("devstack.events")


class EventLog:
    def __init__(
        self,
        queue_url: str,
        account_id: str,
        region: str,
        catch_up: Callable[[], None] | None = None,
    ) -> None:
        self.catch_up = catch_up
        self.queue_name = queue_url.rstrip("/").rsplit("/", 1)[-1]
        self.account_id = account_id
        self.region = region
        self._taken: collections.deque[str] = collections.deque()  # bodies; appended inside moto's lock
        self._events: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def take_captured(self) -> None:
        """Move the capture queue's messages out of moto's queue (call with the backends locked)."""
        from moto.sqs.models import sqs_backends

        queue = sqs_backends[self.account_id][self.region].queues.get(self.queue_name)
        if queue is None or not queue._messages:
            return
        self._taken.extend(message.body for message in queue._messages)
        queue._messages.clear()

    def events(self) -> list[dict[str, Any]]:
        """Every captured event envelope, oldest first (detail parsed from its JSON)."""
        if self.catch_up is not None:
            self.catch_up()
        with self._lock:
            while self._taken:
                self._add(self._taken.popleft())
            return list(self._events)

    def _add(self, body: str) -> None:
        try:
            event = json.loads(body)
        except ValueError:
            LOGGER.warning("a captured event is not JSON: %r", body[:200])
            return
        if isinstance(event.get("detail"), str):
            with contextlib.suppress(ValueError):
                event["detail"] = json.loads(event["detail"])
        # moto's copy for a queue leaves the account out of the envelope.
        event.setdefault("account", self.account_id)
        self._events.append(event)
