"""A route's day and time conditions drawn as a week: seven days by 24 hours on the company's wall clock,
each hour marked as covered, partly covered (with the minutes) or not.

Why a module of its own: the grid must show exactly what the cascade does, so it asks the cascade's own
check (domain/route_checks.RouteCheck) rather than re-deriving the rules (a window's start included and its
end not, a window that crosses midnight belonging to the day it opened). The check's verdict only changes at
a window's start, its end and midnight, so each hour is asked once per piece between those minutes (at most
three times), not once per minute. Dates and sources cannot be drawn on a week: the page lists them beside
the grid, and the grid leaves them out (it answers "on the days the route's dates allow, at these hours").

Pure: no I/O; the same route always draws the same grid.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import pairwise
from typing import Final, Literal

from leadrouter.domain.route_checks import RouteCheck, Trial
from leadrouter.domain.routes import WEEKDAYS, Route, RouteConditions

# Any Monday: the grid is a week of weekdays, and a check needs real days to name them and the day before.
_A_MONDAY: Final = date(2024, 1, 1)

Coverage = Literal["all", "part", "none"]


@dataclass(frozen=True)
class Cell:
    """One hour of one weekday."""

    coverage: Coverage
    spans: tuple[tuple[int, int], ...]  # the covered minutes of the day, [start, end)

    @property
    def words(self) -> str:
        """What a screen reader says for the cell (the colour only repeats it)."""
        if self.coverage == "all":
            return "applies"
        if self.coverage == "none":
            return "does not apply"
        return "applies " + ", ".join(f"{_clock(start)}-{_clock(end)}" for start, end in self.spans)


@dataclass(frozen=True)
class WeekGrid:
    days: tuple[str, ...]  # monday ... sunday
    rows: tuple[tuple[Cell, ...], ...]  # one per hour 0-23, one cell per day

    def covered(self) -> set[tuple[str, int]]:
        """(day, hour) of the hours the route covers, wholly or partly."""
        return {
            (day, hour)
            for hour, row in enumerate(self.rows)
            for day, cell in zip(self.days, row, strict=True)
            if cell.coverage != "none"
        }


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@cache  # at most 7 x 1440 of them, the same for every route: a page of many routes makes each once
def _trial(index: int, minute: int) -> Trial:
    day = _A_MONDAY + timedelta(days=index)
    return Trial(
        words="",
        clock=_clock(minute),
        minute=minute,
        today=day,
        yesterday=day - timedelta(days=1),
        source="",
        source_key="",
    )


def _timing_only(route: Route) -> RouteCheck:
    conditions = route.conditions
    timing = RouteConditions(days=conditions.days, start_time=conditions.start_time, end_time=conditions.end_time)
    return RouteCheck(route.model_copy(update={"conditions": timing}))


def _minutes_of(clock: str | None) -> int | None:
    if clock is None:
        return None
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def week_grid(route: Route) -> WeekGrid:
    check = _timing_only(route)
    edges = {
        minute
        for minute in (_minutes_of(route.conditions.start_time), _minutes_of(route.conditions.end_time))
        if minute is not None
    }
    rows: list[tuple[Cell, ...]] = []
    for hour in range(24):
        first, last = hour * 60, hour * 60 + 60
        cuts = sorted({first, last, *(edge for edge in edges if first < edge < last)})
        row: list[Cell] = []
        for index in range(len(WEEKDAYS)):
            spans: list[tuple[int, int]] = []
            for start, end in pairwise(cuts):
                failed, _ = check.reasons(_trial(index, start))
                if failed:
                    continue
                if spans and spans[-1][1] == start:
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
            coverage: Coverage = "none" if not spans else "all" if spans == [(first, last)] else "part"
            row.append(Cell(coverage, tuple(spans)))
        rows.append(tuple(row))
    return WeekGrid(WEEKDAYS, tuple(rows))


def window_words(conditions: RouteConditions) -> str:
    """`22:00-02:00 (past midnight, into the next day)`, or `all day`."""
    start, end = _minutes_of(conditions.start_time), _minutes_of(conditions.end_time)
    if start is None or end is None:
        return "all day"
    crossing = " (past midnight, into the next day)" if end < start else ""
    return f"{conditions.start_time}-{conditions.end_time}{crossing}"
