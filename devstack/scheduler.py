"""EventBridge Scheduler's part that moto leaves out: firing one-time schedules.

Moto stores schedules but never runs them. This thread looks at the template's schedule groups
about twice a second, and when an ``at(...)`` schedule is due it invokes its Lambda target with
the schedule's Input, or sends the Input to its SQS queue target, as Scheduler does (a failure is
retried a few times, then sent to the target's DeadLetterConfig queue, if any, and dropped).

Scheduler fires with 60-second precision (a schedule for 1:00 runs between 1:00:00 and 1:00:59),
so each schedule here fires at a random moment within ``precision`` seconds after its time: code
that would be late in AWS is late here too.
"""

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devstack.lambdas import InvocationError, LambdaRuntime
from devstack.template import Template

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient  # type: ignore[import-not-found, unused-ignore]
    from mypy_boto3_sqs import SQSClient

LOGGER = logging.getLogger("devstack.scheduler")

_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
# Lambda tries an asynchronous event three times in all: the first attempt, then after each delay.
RETRY_DELAYS: Final = (1.0, 2.0)
# Scheduler's precision, in seconds.
PRECISION: Final = 60.0


class _DeliveryFailed(Exception):
    """The target queue refused the message."""


@dataclass
class _Schedule:
    group: str
    name: str
    version: Any  # LastModificationDate: a changed schedule is read again
    due_at: datetime | None
    function_id: str | None
    event: Any
    delete_after: bool
    queue_url: str | None = None  # an SQS target: the Input is sent there
    dead_letter_url: str | None = None
    attempts: int = 0
    next_try: float = 0.0
    fired: bool = False
    in_flight: bool = False


class ScheduleRunner:
    def __init__(
        self,
        template: Template,
        runtime: LambdaRuntime,
        scheduler: "EventBridgeSchedulerClient",
        *,
        interval: float = 0.5,
        workers: int = 8,
        retry_delays: tuple[float, ...] = RETRY_DELAYS,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        precision: float = PRECISION,
        sqs: "SQSClient | None" = None,
        rng: random.Random | None = None,
    ) -> None:
        self.template = template
        self.runtime = runtime
        self.scheduler = scheduler
        self.interval = interval
        self.retry_delays = retry_delays
        self._now = now
        self.precision = precision
        self.sqs = sqs
        self._rng = rng or random.Random()  # noqa: S311  # when in the minute a schedule fires, not a secret
        self._known: dict[tuple[str, str], _Schedule] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="devstack-schedule")

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="devstack-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.poll()
            except Exception:
                LOGGER.exception("reading the schedules failed; trying again")
            self._stopping.wait(self.interval)

    def poll(self) -> int:
        """Fire what is due now; answers how many invocations were started."""
        seen: set[tuple[str, str]] = set()
        started = 0
        for group in self.template.schedule_groups:
            for summary in self._list(group.name):
                key = (group.name, str(summary["Name"]))
                seen.add(key)
                schedule = self._schedule(key, summary)
                if schedule is not None and self._due(schedule):
                    schedule.in_flight = True
                    self._executor.submit(self._fire, schedule)
                    started += 1
        with self._lock:
            for key in set(self._known) - seen:
                if not self._known[key].in_flight:
                    del self._known[key]  # deleted by someone else (the service cancels timers)
        return started

    def _list(self, group_name: str) -> list[dict[str, Any]]:
        summaries: list[dict[str, Any]] = []
        for page in self.scheduler.get_paginator("list_schedules").paginate(GroupName=group_name):
            summaries.extend(dict(item) for item in page.get("Schedules", []))
        return summaries

    def _schedule(self, key: tuple[str, str], summary: dict[str, Any]) -> _Schedule | None:
        version = summary.get("LastModificationDate")
        with self._lock:
            known = self._known.get(key)
            if known is not None and (known.version == version or known.in_flight):
                return known
        try:
            details = self.scheduler.get_schedule(GroupName=key[0], Name=key[1])
        except self.scheduler.exceptions.ResourceNotFoundException:
            return None
        schedule = self._parse(key, version, dict(details))
        with self._lock:
            self._known[key] = schedule
        return schedule

    def _parse(self, key: tuple[str, str], version: Any, details: dict[str, Any]) -> _Schedule:
        group, name = key
        target = details.get("Target") or {}
        target_arn = str(target.get("Arn", ""))
        function = self.runtime.function_for_arn(target_arn)
        schedule = _Schedule(
            group=group,
            name=name,
            version=version,
            due_at=None,
            function_id=function.logical_id if function else None,
            event=None,
            delete_after=details.get("ActionAfterCompletion") == "DELETE",
            queue_url=self._queue_url(target_arn),
            dead_letter_url=self._queue_url(str((target.get("DeadLetterConfig") or {}).get("Arn", ""))),
        )
        expression = str(details.get("ScheduleExpression", ""))
        match = _AT.match(expression)
        if details.get("State", "ENABLED") != "ENABLED":
            LOGGER.info("schedule %s/%s is disabled: not fired", group, name)
        elif match is None:
            LOGGER.warning(
                "schedule %s/%s: %r is not an at() expression; the local scheduler ignores it", group, name, expression
            )
        elif function is None and schedule.queue_url is None:
            LOGGER.warning(
                "schedule %s/%s targets %s, not a function of the template: not fired", group, name, target.get("Arn")
            )
        else:
            try:
                zone = ZoneInfo(str(details.get("ScheduleExpressionTimezone") or "UTC"))
                at = datetime.fromisoformat(match.group(1)).replace(tzinfo=zone)
                schedule.due_at = at + timedelta(seconds=self._rng.uniform(0, self.precision))
                schedule.event = json.loads(target["Input"]) if target.get("Input") else {}
            except (ZoneInfoNotFoundError, ValueError) as error:
                LOGGER.error("schedule %s/%s cannot be read (%s): not fired", group, name, error)
                schedule.due_at = None
        return schedule

    def _queue_url(self, arn: str) -> str | None:
        if self.sqs is None or not arn.startswith("arn:") or arn.split(":")[2] != "sqs":
            return None
        try:
            return self.sqs.get_queue_url(QueueName=arn.rsplit(":", 1)[-1])["QueueUrl"]
        except self.sqs.exceptions.QueueDoesNotExist:
            return None

    def _deliver(self, schedule: _Schedule) -> None:
        if schedule.queue_url is not None:
            assert self.sqs is not None
            try:
                self.sqs.send_message(QueueUrl=schedule.queue_url, MessageBody=json.dumps(schedule.event))
            except Exception as error:
                raise _DeliveryFailed(str(error)) from error
        else:
            self.runtime.invoke(str(schedule.function_id), schedule.event)

    def _dead_letter(self, schedule: _Schedule) -> None:
        if schedule.dead_letter_url is None or self.sqs is None:
            return
        try:
            self.sqs.send_message(QueueUrl=schedule.dead_letter_url, MessageBody=json.dumps(schedule.event))
        except Exception:
            LOGGER.exception("schedule %s/%s: its dead-letter queue refused it", schedule.group, schedule.name)

    def _due(self, schedule: _Schedule) -> bool:
        with self._lock:
            return (
                schedule.due_at is not None
                and not schedule.fired
                and not schedule.in_flight
                and schedule.due_at <= self._now()
                and schedule.next_try <= time.monotonic()
            )

    def _fire(self, schedule: _Schedule) -> None:
        schedule.attempts += 1
        try:
            self._deliver(schedule)
        except (InvocationError, _DeliveryFailed):
            if schedule.attempts <= len(self.retry_delays):
                delay = self.retry_delays[schedule.attempts - 1]
                LOGGER.warning(
                    "schedule %s/%s: attempt %d failed; retrying in %.0fs",
                    schedule.group,
                    schedule.name,
                    schedule.attempts,
                    delay,
                )
                with self._lock:
                    schedule.next_try = time.monotonic() + delay
                    schedule.in_flight = False
                return
            LOGGER.error("schedule %s/%s: failed %d times; dropped", schedule.group, schedule.name, schedule.attempts)
            self._dead_letter(schedule)
            schedule.delete_after = True
        except Exception:
            LOGGER.exception("schedule %s/%s could not be fired", schedule.group, schedule.name)
            schedule.delete_after = True
        with self._lock:
            schedule.fired = True
            schedule.in_flight = False
        if schedule.delete_after:
            self._delete(schedule)

    def _delete(self, schedule: _Schedule) -> None:
        try:
            self.scheduler.delete_schedule(GroupName=schedule.group, Name=schedule.name)
        except self.scheduler.exceptions.ResourceNotFoundException:
            pass  # the function deleted it itself
        except Exception:
            LOGGER.exception("schedule %s/%s fired but could not be deleted", schedule.group, schedule.name)
