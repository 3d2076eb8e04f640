"""Which timer serves an offer's deadline, and what a timer that arrives early does: pure, so the choice is
tested without AWS.

EventBridge Scheduler fires a one-time schedule somewhere in the minute it names (60-second precision), so
a schedule alone ends a 30-second window up to 89 seconds late. An SQS message delayed by DelaySeconds is
delivered within about a second of its delay, but a delay is at most 15 minutes. So a deadline within the
queue's reach is served by a delayed message; a later one by a schedule set to fire well inside the last 15
minutes, whose message (sent at once to the same queue) arrives early and is put back with the delay left.
A delay is whole seconds, rounded to the nearest: a message that arrives before the deadline (by half a
second at most) waits out what is left in the timeout function (`wait_before`), one after it is at most half
a second late for the rounding, so no window ends early. A window of whole seconds timed from its offer (the
usual case) arrives just after its deadline, with no wait. Until 2026-12-03 delays were rounded up: half a
second late on average."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

# SQS's longest DelaySeconds.
QUEUE_MAX_DELAY: Final = timedelta(seconds=900)
# How long before the deadline a long window's schedule is set: Scheduler fires within the following minute
# and retries a failed delivery, so its message reaches the queue between 10 and 9 minutes before the
# deadline, with the rest of its wait (under the queue's 15 minutes) left to a delayed message.
SCHEDULE_LEAD: Final = timedelta(minutes=10)


@dataclass(frozen=True)
class QueueTimer:
    """A message delayed by `delay_seconds` (0 to 900)."""

    delay_seconds: int


@dataclass(frozen=True)
class ScheduleTimer:
    """A one-time schedule at `fire_at` (Scheduler's `at()`, fired within the minute after it)."""

    fire_at: datetime


def timer_for(deadline: datetime, now: datetime) -> QueueTimer | ScheduleTimer:
    """The timer that ends a window at `deadline`, started at `now`."""
    left = deadline - now
    if left <= QUEUE_MAX_DELAY:
        return QueueTimer(delay_seconds(left))
    return ScheduleTimer(deadline - SCHEDULE_LEAD)


def delay_seconds(left: timedelta) -> int:
    """Whole seconds, rounded to the nearest (a message early by a fraction waits it out on arrival:
    `wait_before`), within what SQS takes."""
    seconds = math.floor(left.total_seconds() + 0.5)
    return max(0, min(seconds, int(QUEUE_MAX_DELAY.total_seconds())))


def wait_before(deadline: datetime, now: datetime) -> float:
    """Seconds a timer that is not early (`is_early`) waits before it acts: what is left of its deadline (a
    rounded delay's fraction of a second), none once it is due."""
    return max(0.0, (deadline - now).total_seconds())


def is_early(deadline: datetime, now: datetime, tolerance: timedelta) -> bool:
    """A timer arriving now is early when more than `tolerance` is left: it is started again for the rest."""
    return deadline - now > tolerance
