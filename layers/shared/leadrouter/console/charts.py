"""Bar charts of the reports, drawn as inline SVG by `_chart.html.j2`: the console's Reports page and
`make report` (leadrouter_cli/charts.py) draw the same charts from the same figures, here once.

Pure geometry from the reports' JSON rows (the API's own figures, never contact details): bars scaled to
the largest value, no bar where a figure is missing (no lead held), and no more group labels than fit
under the bars. No script and no style attribute: the series are classes (s0, s1, s2) each page colours."""

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

WIDTH: Final = 720
BAR_AREA: Final = 200
# The room one label under the bars needs, in the chart's units: more groups than fit get every n-th label.
_LABEL_ROOM: Final = 56

Row = Mapping[str, Any]
Label = Callable[[Any], str]


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
    # The drawing's size, for the template.
    width: float = WIDTH
    bar_area: float = BAR_AREA


def bar_chart(title: str, unit: str, groups: list[tuple[str, list[float | None]]], series: tuple[str, ...]) -> Chart:
    """Grouped bars, one group per label and one bar per series, scaled to the largest value; a missing
    value (no lead held) draws no bar."""
    values = [value for _, group in groups for value in group if value is not None]
    top = max(values, default=0.0) or 1.0
    slot = WIDTH / max(1, len(groups))
    width = slot * 0.8 / max(1, len(series))
    every = max(1, math.ceil(_LABEL_ROOM / slot))
    bars, labels = [], []
    for n, (label, group) in enumerate(groups):
        left = n * slot + slot * 0.1
        if n % every == 0:
            labels.append((label, left + slot * 0.4))
        for s, value in enumerate(group):
            if value is None:
                continue
            height = BAR_AREA * value / top
            bars.append(Bar(label, value, left + s * width, BAR_AREA - height, width * 0.9, height, s))
    return Chart(title, unit, series, tuple(bars), tuple(labels), top, not values)


def _speeds(row: Row) -> list[float | None]:
    return [row["speed_to_lead_seconds"]["median"], row["speed_to_lead_seconds"]["p90"]]


def _within(row: Row) -> list[float | None]:
    return [row["within_5_minutes"], row["within_15_minutes"], row["within_1_hour"]]


def speed_to_lead(rows: Sequence[Row], per: str, label: Label) -> Chart:
    return bar_chart(
        f"Speed to lead per {per}", "seconds", [(label(row["key"]), _speeds(row)) for row in rows], ("median", "p90")
    )


def held_within(rows: Sequence[Row], per: str, label: Label) -> Chart:
    return bar_chart(
        f"Leads held within 5, 15 and 60 minutes, per {per}",
        "share",
        [(label(row["key"]), _within(row)) for row in rows],
        ("5 minutes", "15 minutes", "1 hour"),
    )


def shares(rows: Sequence[Row], label: Label) -> Chart:
    return bar_chart(
        "Share of the leads held, against the target share",
        "share",
        [(label(row["key"]), [row["share"], row["target_share"]]) for row in rows],
        ("share", "target share"),
    )


def received(rows: Sequence[Row], per: str, label: Label) -> Chart:
    return bar_chart(
        f"Leads received per {per}",
        "leads",
        [(label(row["key"]), [float(row["received"])]) for row in rows],
        ("received",),
    )


def outcomes(rows: Sequence[Row], per: str, label: Label) -> Chart:
    return bar_chart(
        f"Leads claimed, accepted and assigned per {per}",
        "leads",
        [(label(row["key"]), [float(row[name]) for name in ("claimed", "accepted", "assigned")]) for row in rows],
        ("claimed", "accepted", "assigned"),
    )


def pool_by_age(pool: Mapping[str, Any]) -> Chart:
    return bar_chart(
        "Waiting leads by age",
        "leads",
        [(name.replace("_", " "), [float(count)]) for name, count in pool["by_age"].items()],
        ("waiting",),
    )


def routing_charts(report: Mapping[str, Any], label: Label) -> list[Chart]:
    """The charts of one routing report (the API's JSON): what became of the leads, speed to lead and how
    fast they were held per row, then the leads received per row (for agents, who receive none at intake:
    their share against their target). Rows without a key (no agent, route or office) held no lead of that
    key: they count only among the leads received."""
    per = str(report["group_by"])
    rows = report["rows"]
    keyed = [row for row in rows if row["key"] is not None]
    drawn = [outcomes(keyed, per, label), speed_to_lead(keyed, per, label), held_within(keyed, per, label)]
    drawn.append(shares(keyed, label) if per == "agent" else received(rows, per, label))
    return drawn
