"""Reports for admins and office managers: the routing report (speed to lead and distribution by agent,
source, route, office or day) as a table and charts, with its CSV, and the pool's waiting leads by age.

Guarantees: the figures are the API's own (api/reports.py's `routing_view` and the same ReportDesk, with the
user's Principal: an office manager sees only their offices, as their key would); the CSV download is the
API's CSV byte for byte; the range is whole days of the company's time zone, as the API reads it (a day
here stands for its noon, a moment every day has); a bad range or grouping is the page with the API's words
and the status the API would answer. The charts are inline SVG (console/charts.py) with the table as their
text: no script, no style attribute."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Final, get_args
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.errors import status_of
from leadrouter.api.reports import CSV, DEFAULT_DAYS, PoolReportView, RoutingReportView, routing_csv, routing_view
from leadrouter.api.resolver import new_router
from leadrouter.console.charts import Label, pool_by_age, routing_charts
from leadrouter.console.web import SECURITY_HEADERS, Session, page, session_of
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import DomainError, InvalidInput
from leadrouter.domain.principals import Role
from leadrouter.domain.reports import Dimension
from leadrouter.domain.time_zones import zone
from leadrouter.wiring import services

router = new_router()

GROUPS: Final[tuple[Dimension, ...]] = get_args(Dimension)
_DAY: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOON: Final = time(12)


@dataclass(frozen=True)
class Asked:
    """What the report form asks: a grouping and whole days (the last DEFAULT_DAYS days by default)."""

    group_by: Dimension
    first: date
    last: date

    def query(self) -> str:
        return urlencode({"group_by": self.group_by, "from": self.first.isoformat(), "to": self.last.isoformat()})


def _reader() -> Session:
    return session_of(router, Role.ADMIN, Role.OFFICE_MANAGER)


def _day(name: str, label: str) -> date | None:
    value = (router.current_event.get_query_string_value(name) or "").strip()
    if not value:
        return None
    try:
        if not _DAY.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{label} must be a day, as YYYY-MM-DD.") from None


def _asked(config: CompanyConfig) -> Asked:
    chosen = router.current_event.get_query_string_value("group_by") or "agent"
    group_by = next((group for group in GROUPS if group == chosen), None)
    if group_by is None:
        raise InvalidInput(f"Group by {', '.join(GROUPS[:-1])} or {GROUPS[-1]}.")
    today = services().clock.now().astimezone(zone(config.settings.time_zone)).date()
    last = _day("to", "To") or today
    first = _day("from", "From") or last - timedelta(days=DEFAULT_DAYS - 1)
    return Asked(group_by, first, last)


def _report(session: Session, asked: Asked, config: CompanyConfig) -> RoutingReportView:
    """The API's report of the asked days: each day given as its noon in the company's time zone."""
    time_zone = zone(config.settings.time_zone)
    start = datetime.combine(asked.first, _NOON, tzinfo=time_zone)
    end = datetime.combine(asked.last, _NOON, tzinfo=time_zone)
    return routing_view(session.principal, start, end, asked.group_by)


def _labeller(group_by: Dimension, config: CompanyConfig) -> Label:
    """How a row's key reads: agents, offices and routes by name (with the id the CSV carries)."""
    names: dict[Any, str] = {}
    if group_by == "agent":
        names = {agent_id: f"{agent.name} ({agent_id})" for agent_id, agent in config.agents.items()}
    elif group_by == "office":
        names = {office_id: f"{office.name} ({office_id})" for office_id, office in config.offices.items()}
    elif group_by == "route":
        names = {route_id: f"{route.name} ({route_id})" for route_id, route in config.routes.items()}

    def label(key: Any) -> str:
        if key is None:
            return f"no {group_by}"
        return names.get(key, str(key) if group_by in ("source", "day") else f"{group_by} {key}")

    return label


def _pool(session: Session) -> dict[str, Any]:
    pool = PoolReportView.of(services().report_desk.pool(session.principal))
    return {"pool": pool, "pool_chart": pool_by_age(pool.model_dump(mode="json"))}


@router.get("/app/reports")
def reports() -> Response[str]:
    session = _reader()
    config = services().configuration.load(session.principal.company)
    shown: dict[str, Any] = {"title": "Reports", "active": "reports", "groups": GROUPS, **_pool(session)}
    chosen = {name: router.current_event.get_query_string_value(name) or "" for name in ("group_by", "from", "to")}
    try:
        asked = _asked(config)
        view = _report(session, asked, config)
    except DomainError as error:  # the form again, with what was asked and the API's words
        status = status_of(error).value
        return page(
            router, "reports.html.j2", status, session=session, chosen=chosen, report=None, error=error.message, **shown
        )
    label = _labeller(asked.group_by, config)
    figures = view.model_dump(mode="json", by_alias=True)
    return page(
        router,
        "reports.html.j2",
        session=session,
        chosen={"group_by": asked.group_by, "from": view.first_day, "to": view.last_day},
        report=view,
        labels={row["key"]: label(row["key"]) for row in figures["rows"]},
        # A day's chart label is its month and day: thirty of them fit under the bars.
        charts=routing_charts(figures, (lambda key: str(key)[5:]) if asked.group_by == "day" else label),
        csv_query=asked.query(),
        **shown,
    )


@router.get("/app/reports.csv")
def reports_csv() -> Response[str]:
    """The API's CSV of the same report (a refusal: the error page with the API's words and status)."""
    session = _reader()
    config = services().configuration.load(session.principal.company)
    asked = _asked(config)
    view = _report(session, asked, config)
    name = f"routing-by-{asked.group_by}-{view.first_day}-to-{view.last_day}.csv"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(200, CSV, routing_csv(view), headers=headers)
