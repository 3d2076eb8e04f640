"""The routes (admins): every route in the order the cascade tries them, with its members, claim window,
order, sources and dates, and its day and time conditions drawn as a week grid in the company's time zone;
move a route up or down; create, edit and delete one.

Every change goes through the route service the API's /v1/routes calls (service/routes.RouteService), so a
route saved here passes the same checks (members of the company, a priority no other active route has, the
model's limits) and a refusal shows the API's own words with nothing changed. The form only turns fields
into the API's body (lists split on commas, a date range written `start to end`); it checks no rule itself.

Moving a route is the API's priority write, a PUT of the route with another priority: one write when there
is room between the neighbours' priorities, three (through a free priority) when there is not (DECISIONS.md,
"The routes' screens").
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.errors import status_of
from leadrouter.api.resolver import new_router
from leadrouter.console.web import Session, acted, back_with_notice, checked_form, known_id, page, session_of
from leadrouter.console.week_grid import WeekGrid, week_grid, window_words
from leadrouter.domain.agents import Agent
from leadrouter.domain.errors import DomainError, InvalidInput
from leadrouter.domain.offers import duration_words
from leadrouter.domain.principals import Role
from leadrouter.domain.routes import MAX_PRIORITY, ROUTE_ID_PATTERN, WEEKDAYS, Route, by_priority
from leadrouter.wiring import services

router = new_router()

# New routes go this far after the last one, and a move lands this far past a neighbour at the end of the
# list, so most later moves find room for a single write.
_SPACING: Final = 10
_ITEMS: Final = re.compile(r"[,\s]+")
_LINES: Final = re.compile(r"[,\n]+")
_RANGE: Final = re.compile(r"\s+to\s+")
_FIELDS: Final = (
    "name",
    "priority",
    "active",
    *(f"day_{day}" for day in WEEKDAYS),
    "start_time",
    "end_time",
    "dates",
    "date_ranges",
    "sources",
    "members",
    "claim_window_seconds",
    "order",
)


def _admin() -> Session:
    session = session_of(router)
    session.principal.require(Role.ADMIN)
    return session


def _route_id(route_id: str) -> str:
    return known_id(ROUTE_ID_PATTERN, route_id, "route")


# The list ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    agent_id: int
    name: str | None  # None: no longer an agent of the company


@dataclass(frozen=True)
class RouteCard:
    """A route as its card on the page shows it."""

    route: Route
    grid: WeekGrid
    members: tuple[Member, ...]
    window: str
    claim_window: str
    first: bool
    last: bool


def _cards(routes: Sequence[Route], agents: dict[int, Agent]) -> list[RouteCard]:
    cards = []
    for index, route in enumerate(routes):
        members = tuple(
            Member(agent_id, agents[agent_id].display_name() if agent_id in agents else None)
            for agent_id in route.members
        )
        cards.append(
            RouteCard(
                route=route,
                grid=week_grid(route),
                members=members,
                window=window_words(route.conditions),
                claim_window=duration_words(route.claim_window_seconds),
                first=index == 0,
                last=index == len(routes) - 1,
            )
        )
    return cards


@router.get("/app/routing/routes")
def routes_page() -> Response[str]:
    session = _admin()
    company = session.principal.company
    config = services().configuration.load(company)
    return page(
        router,
        "routes.html.j2",
        session=session,
        title="Routes",
        active="routing",
        section="routes",
        time_zone=config.company.settings.time_zone,
        cards=_cards(services().routes.routes(company), dict(config.agents)),
    )


# Moving ------------------------------------------------------------------------------------------------------


def _free_priority(routes: Sequence[Route]) -> int:
    taken = {route.priority for route in routes}
    highest = max(taken, default=-1)
    if highest < MAX_PRIORITY:
        return highest + 1
    return next(number for number in range(MAX_PRIORITY + 1) if number not in taken)


def move_writes(routes: Sequence[Route], route_id: str, up: bool) -> list[tuple[str, int]]:
    """The priority writes, in order, that put the route one place earlier (`up`) or later in the cascade's
    order: one write into the room beyond its neighbour when there is room; otherwise the two swap their
    priorities through a free one (each write is then still valid on its own: active priorities differ)."""
    order = by_priority(routes)
    index = next(position for position, route in enumerate(order) if route.route_id == route_id)
    moved = order[index]
    other = index - 1 if up else index + 1
    if not 0 <= other < len(order):
        raise InvalidInput(f"Route '{moved.name}' is already tried {'first' if up else 'last'}.")
    neighbour = order[other]
    beyond = other - 1 if up else other + 1
    if up:
        low = order[beyond].priority if beyond >= 0 else -1
        high = neighbour.priority
        wanted = (low + high) // 2 if beyond >= 0 else max(high - _SPACING, (low + high) // 2)
    else:
        low = neighbour.priority
        high = order[beyond].priority if beyond < len(order) else MAX_PRIORITY + 1
        wanted = (low + high) // 2 if beyond < len(order) else min(low + _SPACING, (low + high) // 2)
    if low < wanted < high:
        return [(moved.route_id, wanted)]
    if moved.priority == neighbour.priority:
        raise InvalidInput(
            f"Routes '{moved.name}' and '{neighbour.name}' share priority {moved.priority}: give one of them "
            "another priority on its page."
        )
    spare = _free_priority(routes)
    return [
        (moved.route_id, spare),
        (neighbour.route_id, moved.priority),
        (moved.route_id, neighbour.priority),
    ]


def _body(route: Route) -> dict[str, Any]:
    return route.model_dump(mode="json", exclude={"route_id"})


def _move(company: str, route_id: str, up: bool) -> None:
    desk = services().routes
    desk.route(company, route_id)  # the service's own 404 for a route that is gone
    for moved_id, priority in move_writes(desk.routes(company), route_id, up):
        # Read just before each write: the PUT replaces the whole route, and only its priority changes.
        desk.replace(company, moved_id, {**_body(desk.route(company, moved_id)), "priority": priority})


@router.post("/app/routing/routes/<route_id>/move")
def move(route_id: str) -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    route_id = _route_id(route_id)
    up = form.get("direction") != "down"
    return acted(
        session,
        lambda: _move(session.principal.company, route_id, up),
        f"The route moved {'up' if up else 'down'}.",
        f"{session.place.root}/routing/routes",
    )


# The form ----------------------------------------------------------------------------------------------------


def _items(text: str, separators: re.Pattern[str] = _ITEMS) -> list[str]:
    return [item.strip() for item in separators.split(text) if item.strip()]


def _date_range(line: str) -> dict[str, str]:
    ends = _RANGE.split(line.strip())
    if len(ends) != 2:
        raise InvalidInput(f"date_ranges: write each range on its own line as 2026-12-24 to 2027-01-01, not '{line}'")
    return {"start": ends[0], "end": ends[1]}


def body_of(form: dict[str, str]) -> dict[str, Any]:
    """The API's route body from the form's fields, as typed: the route service validates it."""
    conditions: dict[str, Any] = {}
    days = [day for day in WEEKDAYS if form.get(f"day_{day}")]
    if days:
        conditions["days"] = days
    for field in ("start_time", "end_time"):
        if form.get(field, "").strip():
            conditions[field] = form[field].strip()
    if dates := _items(form.get("dates", "")):
        conditions["dates"] = dates
    if ranges := [_date_range(line) for line in form.get("date_ranges", "").splitlines() if line.strip()]:
        conditions["date_ranges"] = ranges
    if sources := _items(form.get("sources", ""), _LINES):
        conditions["sources"] = sources
    return {
        "name": form.get("name", ""),
        "priority": form.get("priority", "").strip(),
        "active": bool(form.get("active")),
        "conditions": conditions,
        "members": _items(form.get("members", "")),
        "claim_window_seconds": form.get("claim_window_seconds", "").strip(),
        "order": form.get("order", ""),
    }


def draft_of(route: Route) -> dict[str, str]:
    """A stored route as the form's fields."""
    conditions = route.conditions
    draft = {
        "name": route.name,
        "priority": str(route.priority),
        "active": "on" if route.active else "",
        "start_time": conditions.start_time or "",
        "end_time": conditions.end_time or "",
        "dates": "\n".join(day.isoformat() for day in conditions.dates or ()),
        "date_ranges": "\n".join(f"{span.start} to {span.end}" for span in conditions.date_ranges or ()),
        "sources": ", ".join(conditions.sources or ()),
        "members": ", ".join(map(str, route.members)),
        "claim_window_seconds": str(route.claim_window_seconds),
        "order": route.order,
    }
    return draft | {f"day_{day}": "on" for day in conditions.days or ()}


def _new_draft(routes: Sequence[Route]) -> dict[str, str]:
    last = max((route.priority for route in routes), default=0)
    return {
        "priority": str(min(last + _SPACING, MAX_PRIORITY)),
        "active": "on",
        "claim_window_seconds": "300",
        "order": "sequential",
    }


def _form_page(
    session: Session, draft: dict[str, str], route: Route | None, status: int = 200, error: str | None = None
) -> Response[str]:
    draft = dict.fromkeys(_FIELDS, "") | draft  # a form leaves out what is unticked
    agents = sorted(services().configuration.load(session.principal.company).agents.values(), key=lambda a: a.agent_id)
    return page(
        router,
        "route_form.html.j2",
        status,
        session=session,
        title=f"Route '{route.name}'" if route else "New route",
        active="routing",
        section="routes",
        route=route,
        draft=draft,
        weekdays=WEEKDAYS,
        agents=agents,
        error=error,
    )


def _saved(session: Session, draft: dict[str, str], route: Route | None) -> Response[str]:
    company = session.principal.company
    desk = services().routes
    try:
        body = body_of(draft)
        saved = desk.replace(company, route.route_id, body) if route else desk.create(company, body)
    except DomainError as error:
        return _form_page(session, draft, route, status_of(error).value, error.message)
    done = f"Route '{saved.name}' is {'saved' if route else 'created'}."
    return back_with_notice(session, f"{session.place.root}/routing/routes", done)


@router.get("/app/routing/routes/new")
def new_route() -> Response[str]:
    session = _admin()
    return _form_page(session, _new_draft(services().routes.routes(session.principal.company)), None)


@router.post("/app/routing/routes/new")
def create_route() -> Response[str]:
    session = _admin()
    return _saved(session, checked_form(router, session), None)


@router.get("/app/routing/routes/<route_id>")
def edit_route(route_id: str) -> Response[str]:
    session = _admin()
    route = services().routes.route(session.principal.company, _route_id(route_id))
    return _form_page(session, draft_of(route), route)


@router.post("/app/routing/routes/<route_id>")
def save_route(route_id: str) -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    route = services().routes.route(session.principal.company, _route_id(route_id))
    return _saved(session, form, route)


@router.post("/app/routing/routes/<route_id>/delete")
def delete_route(route_id: str) -> Response[str]:
    session = _admin()
    checked_form(router, session)
    route = services().routes.route(session.principal.company, _route_id(route_id))
    return acted(
        session,
        lambda: services().routes.delete(session.principal.company, route.route_id),
        f"Route '{route.name}' is deleted.",
        f"{session.place.root}/routing/routes",
    )
