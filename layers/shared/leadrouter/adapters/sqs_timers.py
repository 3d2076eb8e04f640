"""Offer timers that end a window within about a second of its deadline, on AWS as locally.

`DeadlineTimers` is the one Timers port the services use. A deadline within 15 minutes is a message on the
timer queue delayed by SQS (DelaySeconds, whole seconds rounded up); a later one a one-time schedule that
sends the same message to the queue about ten minutes early, and the timeout function puts an early message
back with the delay left. SQS messages cannot be taken back: cancelling deletes the schedule, if any, and a
message that arrives for a closed offer changes nothing. The message holds ids and the deadline only."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from leadrouter.adapters.aws_errors import domain_errors
from leadrouter.adapters.scheduler import SchedulerTimers
from leadrouter.domain.ports import Clock
from leadrouter.domain.timers import QueueTimer, timer_for

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


def timer_message(company_id: str, lead_id: str, offer_id: str, deadline: datetime) -> dict[str, str]:
    return {"company_id": company_id, "lead_id": lead_id, "offer_id": offer_id, "due_at": deadline.isoformat()}


class QueueTimers:
    def __init__(self, client: "Callable[[], SQSClient]", queue_url: str) -> None:
        self._client = client
        self._queue_url = queue_url

    def send(self, message: dict[str, str], delay_seconds: int) -> None:
        with domain_errors():
            self._client().send_message(
                QueueUrl=self._queue_url, MessageBody=json.dumps(message), DelaySeconds=delay_seconds
            )


class DeadlineTimers:
    def __init__(self, queue: QueueTimers, schedules: SchedulerTimers, clock: Clock) -> None:
        self._queue = queue
        self._schedules = schedules
        self._clock = clock

    def start(self, company_id: str, lead_id: str, offer_id: str, expires_at: datetime) -> None:
        message = timer_message(company_id, lead_id, offer_id, expires_at)
        timer = timer_for(expires_at, self._clock.now())
        if isinstance(timer, QueueTimer):
            self._queue.send(message, timer.delay_seconds)
        else:
            self._schedules.start(lead_id, offer_id, timer.fire_at, message)

    def cancel(self, offer_id: str) -> None:
        self._schedules.cancel(offer_id)
