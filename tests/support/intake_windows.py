"""Puts the services' clock where an intake's request counts are known: in the middle of the windows that
name intake requests (domain/intake_requests.py), or just inside one, where a repeat of a request made in
the previous window may still arrive and the intake looks that window's lead up."""

from datetime import UTC, datetime, timedelta
from typing import Protocol

from leadrouter.domain.intake_requests import KEYED, UNKEYED

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def advance(self, **delta: float) -> None: ...


def _move_to(clock: Clock, past_week_start: timedelta) -> None:
    now = clock.now()
    week_start = _EPOCH + (now - _EPOCH) // KEYED.window * KEYED.window
    clock.advance(seconds=(week_start + past_week_start - now).total_seconds())


def mid_window(clock: Clock) -> None:
    """Half a keyed window and half an unkeyed one from their starts: no previous window is looked up."""
    _move_to(clock, KEYED.window / 2 + UNKEYED.window / 2)


def just_inside_a_window(clock: Clock) -> None:
    """A minute into an unkeyed window (mid keyed window): an unkeyed intake looks up the previous window."""
    _move_to(clock, KEYED.window / 2 + timedelta(minutes=1))


def minutes_before_a_window_ends(clock: Clock, minutes: float, keyed: bool = False) -> None:
    """`minutes` before an unkeyed window ends (before a keyed one ends too with `keyed`): a repeat a few
    minutes later lands in the next window."""
    ends_at = KEYED.window if keyed else KEYED.window / 2 + UNKEYED.window
    _move_to(clock, ends_at - timedelta(minutes=minutes))
