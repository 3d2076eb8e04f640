"""python -m leadrouter_cli.charts [--stack .local/stack.json] [--out .local/report.html] [--days 30]

Draws the running local stack's reports as charts in one HTML file (`make report`), so a broker can look
rather than read: speed to lead per day (median and p90), how fast each agent held their leads (within 5,
15, 60 minutes), each agent's share of the leads held against their target share, leads by source, and
the waiting leads by age. The charts are inline SVG from a Jinja2 template: no JavaScript, nothing fetched
by the page, nothing but the reports' own figures (no contact details: the reports hold none)."""

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "layers" / "shared"))

import requests
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDTH, BAR_AREA = 720, 200


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar stands for, shown in its title
    x: float
    y: float
    width: float
    height: float
    series: int  # which of the chart's series (its colour)


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    series: tuple[str, ...]
    bars: tuple[Bar, ...]
    labels: tuple[tuple[str, float], ...]  # (text, x of its group's middle)
    top: float  # the value of the axis's top
    empty: bool


def bar_chart(title: str, unit: str, groups: list[tuple[str, list[float | None]]], series: tuple[str, ...]) -> Chart:
    """Grouped bars, one group per label and one bar per series, scaled to the largest value; a missing
    value (no lead held) draws no bar."""
    values = [value for _, group in groups for value in group if value is not None]
    top = max(values, default=0.0) or 1.0
    slot = WIDTH / max(1, len(groups))
    width = slot * 0.8 / max(1, len(series))
    bars, labels = [], []
    for n, (label, group) in enumerate(groups):
        left = n * slot + slot * 0.1
        labels.append((label, left + slot * 0.4))
        for s, value in enumerate(group):
            if value is None:
                continue
            height = BAR_AREA * value / top
            bars.append(Bar(label, value, left + s * width, BAR_AREA - height, width * 0.9, height, s))
    return Chart(title, unit, series, tuple(bars), tuple(labels), top, not values)


def charts(
    routing_by_day: dict[str, Any], routing_by_agent: dict[str, Any], by_source: dict[str, Any], pool: dict[str, Any]
) -> list[Chart]:
    def speeds(row: dict[str, Any]) -> list[float | None]:
        return [row["speed_to_lead_seconds"]["median"], row["speed_to_lead_seconds"]["p90"]]

    agents = [row for row in routing_by_agent["rows"] if row["key"] is not None]
    return [
        bar_chart(
            "Speed to lead per day",
            "seconds",
            [(str(row["key"])[5:], speeds(row)) for row in routing_by_day["rows"]],
            ("median", "p90"),
        ),
        bar_chart(
            "Leads held within 5, 15 and 60 minutes, per agent",
            "share",
            [
                (f"agent {row['key']}", [row["within_5_minutes"], row["within_15_minutes"], row["within_1_hour"]])
                for row in agents
            ],
            ("5 minutes", "15 minutes", "1 hour"),
        ),
        bar_chart(
            "Share of the leads held, against the target share",
            "share",
            [(f"agent {row['key']}", [row["share"], row["target_share"]]) for row in agents],
            ("share", "target share"),
        ),
        bar_chart(
            "Leads received per source",
            "leads",
            [(str(row["key"]), [float(row["received"])]) for row in by_source["rows"]],
            ("received",),
        ),
        bar_chart(
            "Waiting leads by age",
            "leads",
            [(name.replace("_", " "), [float(count)]) for name, count in pool["by_age"].items()],
            ("waiting",),
        ),
    ]


def render(charts_: list[Chart], title: str, generated_at: datetime, period: str) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]), undefined=StrictUndefined
    )
    page = environment.get_template("report.html.j2")
    return page.render(
        charts=charts_, title=title, generated_at=generated_at, period=period, width=WIDTH, bar_area=BAR_AREA
    )


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
