"""Whether a route's conditions hold at a moment for a lead, and why (not) in words: the one implementation
of a route's verdict (ROUTING.md step 5).

A route's conditions are compiled once (`RouteCheck`: clock times as minutes of the day, days, dates and
sources as sets, the words of each condition rendered), and the lead at its moment once per decision
(`Trial`: the company's wall clock, the day before, the words of the history, the source as routes list
it), so trying 200 routes costs a few set lookups each and the sentences of the routes that fail, not 200
time-zone conversions. Past the first `NAMED_ROUTE_FAILURES` routes that fail, the cascade only asks whether
a route holds (`holds`: no sentence) and counts the rest in one (`more_failed_sentence`): a lead tried
against 200 routes keeps 20 reasons in its history, not 199 (~30 KB of the item), and the decision builds 20
sentences, not 199. A route is compiled from
the model as it is then: the routing index holds the checks of one configuration version.

Times compare at minute precision without losing anything: a window's ends are whole minutes, so
`start <= now < end` holds for a moment exactly when it holds for the moment's minute.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from leadrouter.domain.routes import WEEKDAYS, Route, describe_moment, local_moment

# The failed routes a decision names, in priority order (the ones a person reading the history asks about
# first); the same bound as a step's skipped agents (domain/skips.py).
NAMED_ROUTE_FAILURES: Final = 20


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()].capitalize()


def _did_not_match(name: str) -> str:
    return f"Route '{name}' did not match at "


@dataclass(frozen=True, slots=True)
class Trial:
    """A lead at a moment on the company's wall clock, as every route's conditions look at them; made once
    per decision."""

    words: str  # `Saturday 10:12 America/Chicago`
    clock: str  # `10:12`
    minute: int  # of the day
    today: date
    yesterday: date  # the day a window that crosses midnight opened, after midnight
    source: str  # as the lead gave it (the history quotes it)
    source_key: str  # as routes list sources: stripped, in lower case

    @classmethod
    def of(cls, at: datetime, time_zone: str, source: str) -> "Trial":
        local = local_moment(at, time_zone)
        today = local.date()
        return cls(
            words=describe_moment(local, time_zone),
            clock=f"{local:%H:%M}",
            minute=local.hour * 60 + local.minute,
            today=today,
            yesterday=today - timedelta(days=1),
            source=source,
            source_key=source.strip().lower(),
        )


def more_failed_sentence(count: int, trial: Trial) -> str:
    """ "180 more routes did not match at Tuesday 10:00 America/Chicago." """
    return f"{count:,} more route{'s' if count != 1 else ''} did not match at {trial.words}."


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a route's conditions hold at a moment for a lead, and why (not), in words."""

    route: Route
    matched: bool
    reasons: tuple[str, ...]  # why not, one per condition that failed
    moment: str  # `Saturday 10:12 America/Chicago`
    local_date: date
    window_day: date  # the day the conditions looked at (the day a midnight-crossing window opened)

    def sentence(self) -> str:
        name = self.route.name
        if self.matched:
            opened = ""
            if self.window_day != self.local_date:
                opened = f" (its {self.route.conditions.window()} window opened on {_weekday(self.window_day)})"
            return f"Route '{name}' matched: {self.moment}{opened}."
        return f"{_did_not_match(name)}{self.moment}: {'; '.join(self.reasons)}."


class RouteCheck:
    """One route's conditions, compiled."""

    __slots__ = (
        "_dates",
        "_days",
        "_days_words",
        "_failed",
        "_ranges",
        "_sources",
        "_sources_words",
        "_window",
        "_window_words",
        "route",
    )

    def __init__(self, route: Route) -> None:
        conditions = route.conditions
        self.route = route
        self._failed = _did_not_match(route.name)
        self._window: tuple[int, int] | None = None
        self._window_words = f"{conditions.window()}"
        if conditions.start_time is not None and conditions.end_time is not None:
            self._window = (_minutes(conditions.start_time), _minutes(conditions.end_time))
        self._days = frozenset(conditions.days) if conditions.days is not None else None
        self._days_words = ", ".join(day.capitalize() for day in conditions.days or ())
        has_dates = conditions.dates is not None or conditions.date_ranges is not None
        self._dates = frozenset(conditions.dates or ()) if has_dates else None
        self._ranges = tuple((span.start, span.end) for span in conditions.date_ranges or ())
        self._sources = frozenset(conditions.sources) if conditions.sources is not None else None
        self._sources_words = ", ".join(conditions.sources or ())

    def _window_day(self, trial: Trial) -> tuple[bool, date]:
        """Whether the moment is inside the route's window (no window: it is), and the day its day and date
        conditions look at: yesterday in the part of a night window after midnight."""
        if self._window is None:
            return True, trial.today
        start, end = self._window
        now = trial.minute
        if start < end:
            return start <= now < end, trial.today
        if now >= start:
            return True, trial.today
        if now < end:
            return True, trial.yesterday  # the night that began yesterday
        return False, trial.today

    def reasons(self, trial: Trial) -> tuple[list[str], date]:
        """Why the route does not hold (none: it holds), and the day its day and date conditions looked at."""
        reasons: list[str] = []
        inside, day = self._window_day(trial)
        if not inside:
            reasons.append(f"{trial.clock} is outside its window {self._window_words}")
        if self._days is not None and WEEKDAYS[day.weekday()] not in self._days:
            when = _weekday(day) if day == trial.today else f"the window opened on {_weekday(day)}"
            reasons.append(f"{when}, not one of its days ({self._days_words})")
        if self._dates is not None and day not in self._dates and not self._in_a_range(day):
            reasons.append(f"{day.isoformat()} is not one of its dates or date ranges")
        if self._sources is not None and trial.source_key not in self._sources:
            reasons.append(f"the lead's source '{trial.source}' is not one of {self._sources_words}")
        return reasons, day

    def holds(self, trial: Trial) -> bool:
        """Whether the route holds, with no words: the cascade's check of the routes past the ones it names."""
        if self._sources is not None and trial.source_key not in self._sources:
            return False
        inside, day = self._window_day(trial)
        if not inside:
            return False
        if self._days is not None and WEEKDAYS[day.weekday()] not in self._days:
            return False
        return self._dates is None or day in self._dates or self._in_a_range(day)

    def _in_a_range(self, day: date) -> bool:
        return any(start <= day <= end for start, end in self._ranges)

    def failure(self, trial: Trial) -> str | None:
        """The sentence of a route that does not hold, or None when it holds: the cascade's loop over the
        routes builds no verdict for the ones that fail."""
        reasons, _ = self.reasons(trial)
        if not reasons:
            return None
        return f"{self._failed}{trial.words}: {'; '.join(reasons)}."

    def verdict(self, trial: Trial) -> Verdict:
        reasons, day = self.reasons(trial)
        return Verdict(self.route, not reasons, tuple(reasons), trial.words, trial.today, day)


def evaluate(route: Route, source: str, at: datetime, time_zone: str) -> Verdict:
    """One route at one moment (a route being tried on its own); the cascade uses the compiled checks of
    its configuration's routing index instead."""
    return RouteCheck(route).verdict(Trial.of(at, time_zone, source))
