"""An agent's presence schedule (ROUTING.md "Presence"): working hours in the agent's time zone and
out-of-office periods, and the one answer routing needs from them: is the agent available at a moment, and
if not, why, in words ("outside working hours, Mon 18:40 America/Chicago").

Hours are wall-clock times of the agent's zone (IANA, from the shipped tzdata; null: the company's), so a
9:00-17:00 block stays 9:00-17:00 across DST. A block whose end is not after its start crosses midnight: it
belongs to the day it starts on (Friday 22:00-02:00 covers Saturday 01:00). Out-of-office dates are days of
the same zone, both included.

Guarantees: pure and deterministic. `Schedule.valid_until(at)` is never later than the first moment after
`at` at which the answer can change (an edge of a block or of a period, or a change of the zone's offset,
which moves the wall clock under the hours), so a caller may reuse an answer until then: the routing index
does, for many agents at once (domain/routing_index.py).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import ConfigDict, Field, model_validator

from leadrouter.domain.company import TimeZoneName
from leadrouter.domain.model import AgentNumber, Day, Model

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
DAYS: tuple[Weekday, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
HoursClock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="Wall-clock time, HH:MM")]

# How far ahead an answer is looked at when nothing changes sooner (an agent with no hours on any day).
_HORIZON = timedelta(days=7)
_MINUTE = timedelta(minutes=1)


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


class HoursBlock(Model):
    model_config = ConfigDict(extra="forbid")

    start: HoursClock
    end: HoursClock = Field(description="Not after `start`: the block ends the next day (crosses midnight).")

    @model_validator(mode="after")
    def _not_empty(self) -> "HoursBlock":
        if self.start == self.end:
            raise ValueError("a block's start and end must differ (00:00-00:00 is not a day; use 00:00-23:59)")
        return self

    @property
    def crosses_midnight(self) -> bool:
        return self.end < self.start


class WorkingHours(Model):
    model_config = ConfigDict(extra="forbid")

    time_zone: TimeZoneName | None = Field(
        default=None, description="IANA time zone of the hours and of out-of-office dates; null: the company's."
    )
    days: dict[Weekday, Annotated[list[HoursBlock], Field(max_length=8)]] = Field(default_factory=dict)


class OutOfOffice(Model):
    model_config = ConfigDict(extra="forbid")

    start: Day
    end: Day = Field(description="Included, like `start`: a one-day period has start == end.")
    backup_agent_id: AgentNumber | None = None

    @model_validator(mode="after")
    def _in_order(self) -> "OutOfOffice":
        if self.end < self.start:
            raise ValueError("an out-of-office period cannot end before it starts")
        return self

    def words(self) -> str:
        if self.start == self.end:
            return f"out of office on {self.start.isoformat()}"
        return f"out of office {self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True)
class Schedule:
    """One agent's hours and periods in one zone, as routing reads them."""

    zone: ZoneInfo
    hours: WorkingHours | None
    periods: tuple[OutOfOffice, ...]

    def period(self, at: datetime) -> OutOfOffice | None:
        """The out-of-office period `at` falls in, the first listed if several overlap."""
        today = at.astimezone(self.zone).date()
        return next((period for period in self.periods if period.start <= today <= period.end), None)

    def reason(self, at: datetime) -> str | None:
        """Why the agent is not available at `at` by this schedule, or None."""
        period = self.period(at)
        if period is not None:
            return period.words()
        if self.hours is not None and not self._working(at.astimezone(self.zone)):
            local = at.astimezone(self.zone)
            return f"outside working hours, {local:%a %H:%M} {self.zone.key}"
        return None

    def _working(self, local: datetime) -> bool:
        assert self.hours is not None
        now = local.time().replace(second=0, microsecond=0, tzinfo=None)
        for block in self.hours.days.get(DAYS[local.weekday()], ()):
            start, end = _clock(block.start), _clock(block.end)
            if start <= now and (block.crosses_midnight or now < end):
                return True
        for block in self.hours.days.get(DAYS[(local.weekday() - 1) % 7], ()):
            if block.crosses_midnight and now < _clock(block.end):
                return True
        return False

    def valid_until(self, at: datetime) -> datetime:
        """A moment after `at` before which `reason` answers as it does at `at` (see the module's guarantee)."""
        today = at.astimezone(self.zone).date()
        candidates = [self._instant(wall) for wall in self._edges(today)]
        soonest = min((moment for moment in candidates if moment > at), default=at + _HORIZON)
        return min(soonest, self._offset_change(at, soonest))

    def _edges(self, today: date) -> list[datetime]:
        """The wall-clock moments near `today` at which a block or a period starts or ends."""
        edges: list[datetime] = []
        for shift in range(-1, 8):
            day = today + timedelta(days=shift)
            for block in self.hours.days.get(DAYS[day.weekday()], ()) if self.hours is not None else ():
                ends_on = day + timedelta(days=1) if block.crosses_midnight else day
                edges.append(datetime.combine(day, _clock(block.start)))
                edges.append(datetime.combine(ends_on, _clock(block.end)))
        for period in self.periods:
            edges.append(datetime.combine(period.start, time()))
            edges.append(datetime.combine(period.end + timedelta(days=1), time()))
        return edges

    def _instant(self, wall: datetime) -> datetime:
        """The earliest instant a wall-clock time can stand for: in a gap (spring forward) or an overlap (fall
        back), the earlier reading, so that a reused answer never outlives a change."""
        return min(wall.replace(tzinfo=self.zone, fold=fold).astimezone(UTC) for fold in (0, 1))

    def _offset_change(self, at: datetime, until: datetime) -> datetime:
        """The first minute after `at` (up to `until`) at which the zone's offset differs from the one at `at`:
        a change of offset moves the wall clock (back into a block, for one) without any edge being reached."""
        offset = at.astimezone(self.zone).utcoffset()
        if until.astimezone(self.zone).utcoffset() == offset:
            return until
        low, high = at, until  # same offset at low, another one at high
        while high - low > _MINUTE:
            middle = low + (high - low) / 2
            if middle.astimezone(self.zone).utcoffset() == offset:
                low = middle
            else:
                high = middle
        return low
