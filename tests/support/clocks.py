"""The clock the in-process services run on in the integration tests (the `clock` fixture wires it in)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


class MovableClock:
    """The services' clock: real time until a test moves it (offers expire without waiting)."""

    def __init__(self) -> None:
        self._offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, **delta: float) -> None:
        self._offset += timedelta(**delta)

    def sleep(self, seconds: float) -> None:
        """A wait in the services (a timer's last fraction of a second) moves this clock, not the test."""
        self._offset += timedelta(seconds=seconds)

    def advance_to_local(self, hour: int, time_zone: str) -> None:
        """Forward to the next `hour`:00 in `time_zone`: a test whose figures count per local day (reports,
        daily caps) then runs far from midnight, whatever the time of day the suite runs at."""
        zone = ZoneInfo(time_zone)
        local = self.now().astimezone(zone)
        target = datetime.combine(local.date(), time(hour), tzinfo=zone)
        if target <= local:
            target = datetime.combine(local.date() + timedelta(days=1), time(hour), tzinfo=zone)
        self._offset += target - local
