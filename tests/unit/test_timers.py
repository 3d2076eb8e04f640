"""Which timer serves a deadline: a delayed message within SQS's 15 minutes, else a schedule that fires
early enough for its message to wait out the rest in the queue; a delay rounded to the nearest second, a
message early by the fraction waiting it out on arrival, so never early and at most half a second late."""

from datetime import UTC, datetime, timedelta

import pytest

from leadrouter.domain.timers import (
    QUEUE_MAX_DELAY,
    SCHEDULE_LEAD,
    QueueTimer,
    ScheduleTimer,
    delay_seconds,
    is_early,
    timer_for,
    wait_before,
)

NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
# Scheduler's precision: a schedule fires within the minute after its at() time.
SCHEDULER_PRECISION = timedelta(seconds=60)


@pytest.mark.parametrize(
    ("window", "delay"),
    [
        (timedelta(seconds=1), 1),
        (timedelta(seconds=1, milliseconds=400), 1),  # rounded to the nearest: the rest is waited out
        (timedelta(seconds=1, milliseconds=600), 2),  # at most half a second late
        (timedelta(seconds=29, milliseconds=997), 30),  # a whole-second window timed a moment after its offer
        (timedelta(seconds=30), 30),
        (QUEUE_MAX_DELAY, 900),
        (timedelta(seconds=-5), 0),  # already due: at once
    ],
)
def test_a_window_within_fifteen_minutes_is_a_delayed_message(window: timedelta, delay: int) -> None:
    assert timer_for(NOW + window, NOW) == QueueTimer(delay)


@pytest.mark.parametrize("window", [QUEUE_MAX_DELAY + timedelta(seconds=1), timedelta(hours=2), timedelta(days=7)])
def test_a_longer_window_is_a_schedule_whose_message_can_wait_out_the_rest_in_the_queue(window: timedelta) -> None:
    deadline = NOW + window
    timer = timer_for(deadline, NOW)
    assert isinstance(timer, ScheduleTimer)
    earliest, latest = timer.fire_at, timer.fire_at + SCHEDULER_PRECISION
    # However late in its minute the schedule fires, the message it sends is still early, and the rest of
    # the wait fits one delayed message.
    assert deadline - latest > timedelta(seconds=60)
    assert deadline - earliest <= QUEUE_MAX_DELAY
    assert timer_for(deadline, latest) == QueueTimer(int((deadline - latest).total_seconds()))
    assert SCHEDULE_LEAD < QUEUE_MAX_DELAY


def test_delays_are_whole_seconds_within_what_sqs_takes() -> None:
    assert delay_seconds(timedelta(milliseconds=1)) == 0
    assert delay_seconds(timedelta(seconds=59, milliseconds=600)) == 60
    assert delay_seconds(timedelta(hours=1)) == 900


@pytest.mark.parametrize("left_ms", [1, 400, 500, 999, 60_001, 60_499, 60_500, 899_999])
def test_a_delayed_message_never_ends_a_window_early_nor_more_than_half_a_second_late(left_ms: int) -> None:
    deadline = NOW + timedelta(milliseconds=left_ms)
    timer = timer_for(deadline, NOW)
    assert isinstance(timer, QueueTimer)
    arrived = NOW + timedelta(seconds=timer.delay_seconds)  # SQS delivers at its delay, not before
    assert not is_early(deadline, arrived, timedelta(seconds=1))
    acted = arrived + timedelta(seconds=wait_before(deadline, arrived))
    assert deadline <= acted <= deadline + timedelta(milliseconds=500)


def test_a_timer_that_is_due_does_not_wait() -> None:
    assert wait_before(NOW, NOW) == 0
    assert wait_before(NOW - timedelta(seconds=3), NOW) == 0


def test_a_timer_is_early_only_beyond_the_tolerance() -> None:
    tolerance = timedelta(seconds=1)
    assert is_early(NOW + timedelta(seconds=5), NOW, tolerance)
    assert not is_early(NOW + timedelta(milliseconds=900), NOW, tolerance)
    assert not is_early(NOW - timedelta(seconds=5), NOW, tolerance)
