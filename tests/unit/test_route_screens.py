"""The routes' screens' pure parts: the week grid says, minute for minute, what the cascade's own check says
of a route at a moment of that week, and the priority writes of a move put the route exactly one place
up or down, through writes each valid on its own."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from leadrouter.console.route_screens import move_writes
from leadrouter.console.week_grid import week_grid
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.route_checks import evaluate
from leadrouter.domain.routes import WEEKDAYS, Route, by_priority

MONDAY = datetime(2026, 11, 30, tzinfo=UTC)


def _route(n: int, priority: int = 10, active: bool = True, **conditions: Any) -> Route:
    return Route.model_validate(
        {
            "route_id": f"rt_{n:026d}",
            "name": f"R{n}",
            "priority": priority,
            "active": active,
            "members": [1],
            "conditions": conditions,
        }
    )


@pytest.mark.parametrize(
    "conditions",
    [
        {},
        {"days": ["friday", "sunday"], "start_time": "22:45", "end_time": "01:10"},
        {"days": ["monday"], "start_time": "09:30", "end_time": "17:05"},
        {"start_time": "23:00", "end_time": "00:30"},
    ],
)
def test_every_minute_the_grid_covers_is_a_minute_the_cascade_matches(conditions: dict[str, Any]) -> None:
    route = _route(1, **conditions)
    grid = week_grid(route)
    for minute in range(0, 7 * 24 * 60, 5 if not conditions else 1):
        at = MONDAY + timedelta(minutes=minute)
        cell = grid.rows[at.hour][at.weekday()]
        of_day = at.hour * 60 + at.minute
        shown = any(start <= of_day < end for start, end in cell.spans)
        assert shown == evaluate(route, "web", at, "UTC").matched, (WEEKDAYS[at.weekday()], at.time())


def test_a_cell_says_in_words_how_much_of_its_hour_the_route_covers() -> None:
    grid = week_grid(_route(1, days=["monday"], start_time="09:30", end_time="17:05"))
    monday = [row[0].words for row in grid.rows]
    assert monday[8:18] == ["does not apply", "applies 09:30-10:00", *["applies"] * 7, "applies 17:00-17:05"]
    assert {row[1].coverage for row in grid.rows} == {"none"}


def _after(routes: list[Route], writes: list[tuple[str, int]]) -> list[str]:
    by_id = {route.route_id: route for route in routes}
    for route_id, priority in writes:
        by_id[route_id] = by_id[route_id].model_copy(update={"priority": priority})
        active = [route.priority for route in by_id.values() if route.active]
        assert len(active) == len(set(active))  # each write alone keeps active priorities apart
    return [route.route_id for route in by_priority(by_id.values())]


def test_a_move_is_one_write_with_room_and_a_swap_without() -> None:
    a, b, c, d = _route(1, 10), _route(2, 11), _route(3, 40), _route(4, 1_000_000)
    routes = [a, b, c, d]
    ids = [route.route_id for route in routes]
    with_room = move_writes(routes, b.route_id, up=True)
    assert with_room == [(b.route_id, 4)]  # room before the first: one write
    assert _after(routes, with_room) == [ids[1], ids[0], ids[2], ids[3]]
    swapped = move_writes(routes, c.route_id, up=True)  # none between 10 and 11
    assert len(swapped) == 3
    assert _after(routes, swapped) == [ids[0], ids[2], ids[1], ids[3]]
    top = [_route(5, 0), _route(6, 30)]
    assert _after(top, move_writes(top, top[1].route_id, up=True)) == [top[1].route_id, top[0].route_id]
    roomy = [_route(7, 40), _route(8, 50)]
    assert move_writes(roomy, roomy[1].route_id, up=True) == [(roomy[1].route_id, 30)]
    assert move_writes(roomy, roomy[0].route_id, up=False) == [(roomy[0].route_id, 60)]
    assert _after(routes, move_writes(routes, c.route_id, up=False)) == [ids[0], ids[1], ids[3], ids[2]]
    with pytest.raises(InvalidInput, match="already tried first"):
        move_writes(routes, a.route_id, up=True)
    with pytest.raises(InvalidInput, match="already tried last"):
        move_writes(routes, d.route_id, up=False)


def test_two_routes_that_share_a_priority_are_told_apart_by_hand() -> None:
    shared = [_route(1, 9), _route(2, 10), _route(3, 10, active=False)]
    with pytest.raises(InvalidInput, match="share priority 10"):
        move_writes(shared, shared[2].route_id, up=True)
