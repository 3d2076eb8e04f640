"""python -m leadrouter_cli.charts [--stack .local/stack.json] [--out .local/report.html] [--days 30]

Draws the running local stack's reports as charts in one HTML file (`make report`), so a broker can look
rather than read: speed to lead per day (median and p90), how fast each agent held their leads (within 5,
15, 60 minutes), each agent's share of the leads held against their target share, leads by source, and
the waiting leads by age. The charts are inline SVG from a Jinja2 template: no JavaScript, nothing fetched
by the page, nothing but the reports' own figures (no contact details: the reports hold none)."""

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "shared"))

import requests
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape

from leadrouter.console import charts as drawing
from leadrouter.console.charts import Chart

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The console's templates hold the chart itself (_chart.html.j2): this page and the console draw the same.
CONSOLE_TEMPLATES = Path(drawing.__file__).resolve().parent / "templates"


def _agent(key: Any) -> str:
    return f"agent {key}"


def charts(
    routing_by_day: dict[str, Any], routing_by_agent: dict[str, Any], by_source: dict[str, Any], pool: dict[str, Any]
) -> list[Chart]:
    agents = [row for row in routing_by_agent["rows"] if row["key"] is not None]
    return [
        drawing.speed_to_lead(routing_by_day["rows"], "day", lambda key: str(key)[5:]),
        drawing.held_within(agents, "agent", _agent),
        drawing.shares(agents, _agent),
        drawing.received(by_source["rows"], "source", str),
        drawing.pool_by_age(pool),
    ]


def render(charts_: list[Chart], title: str, generated_at: datetime, period: str) -> str:
    environment = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), FileSystemLoader(CONSOLE_TEMPLATES)]),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
    )
    page = environment.get_template("report.html.j2")
    return page.render(charts=charts_, title=title, generated_at=generated_at, period=period)


def _get(api_url: str, key: str, path: str, **params: str) -> dict[str, Any]:
    answer = requests.get(
        f"{api_url.rstrip('/')}{path}", params=params, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )
    answer.raise_for_status()
    found: dict[str, Any] = answer.json()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="leadrouter_cli.charts", description=__doc__)
    parser.add_argument("--stack", type=Path, default=Path(".local/stack.json"), help="written by make run")
    parser.add_argument("--out", type=Path, default=Path(".local/report.html"))
    parser.add_argument("--days", type=int, default=30, help="how many days back from now")
    args = parser.parse_args(argv)
    if not args.stack.exists():
        raise SystemExit(f"{args.stack} is missing: start the local stack first (make run)")
    stack = json.loads(args.stack.read_text())
    now = datetime.now(UTC)
    window = {"from": (now - timedelta(days=args.days)).isoformat(), "to": now.isoformat()}
    api, key = stack["api_url"], stack["admin_key"]
    drawn = charts(
        _get(api, key, "/v1/reports/routing", group_by="day", **window),
        _get(api, key, "/v1/reports/routing", group_by="agent", **window),
        _get(api, key, "/v1/reports/routing", group_by="source", **window),
        _get(api, key, "/v1/reports/pool"),
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    period = f"the last {args.days} days"
    args.out.write_text(render(drawn, "Routing report", now, period), encoding="utf-8")
    print(f"report: {args.out.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
