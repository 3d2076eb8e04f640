"""The reports' charts (console/charts.py, drawn by the console's Reports and by `make report`): bars
scaled to the largest figure, no bar where a figure is missing, the charts each grouping gets, no more
labels than fit, and a page that shows the figures as given, escaped."""

from datetime import UTC, datetime
from typing import Any

from leadrouter.console.charts import bar_chart, routing_charts
from leadrouter_cli.charts import charts, render


def row(key: Any, median: int | None, share: float | None, target: float | None, received: int = 0) -> dict[str, Any]:
    return {
        "key": key,
        "received": received,
        "speed_to_lead_seconds": {"median": median, "p90": None if median is None else median * 2},
        "within_5_minutes": None if median is None else 1.0,
        "within_15_minutes": None if median is None else 1.0,
        "within_1_hour": None if median is None else 1.0,
        "share": share,
        "target_share": target,
    }


def test_bars_are_scaled_to_the_largest_value_and_missing_values_draw_nothing() -> None:
    chart = bar_chart("Speed", "seconds", [("a", [10.0, 40.0]), ("b", [None, 20.0])], ("median", "p90"))
    heights = {(bar.label, bar.series): bar.height for bar in chart.bars}
    assert heights == {("a", 0): 50.0, ("a", 1): 200.0, ("b", 1): 100.0}
    assert chart.top == 40.0
    assert not chart.empty
    assert bar_chart("Nothing", "leads", [("a", [None])], ("x",)).empty


def test_the_page_draws_every_chart_and_escapes_what_it_shows() -> None:
    by_day = {"rows": [row("2026-03-10", 3, 1.0, None, received=4)]}
    by_agent = {"rows": [row(1, 2, 0.5, 0.25), row(2, 400, 0.5, 0.75), row(None, None, 0.0, None, received=4)]}
    by_source = {"rows": [row("<script>x</script>", 3, 1.0, None, received=4)]}
    pool = {"waiting": 1, "by_age": {"under_5_minutes": 1, "under_1_hour": 0, "under_1_day": 0, "older": 0}}
    drawn = charts(by_day, by_agent, by_source, pool)

    page = render(drawn, "Routing report", datetime(2026, 3, 10, 12, tzinfo=UTC), "the last 30 days")
    assert page.count("<svg") == 5
    share = drawn[2]
    assert [(bar.label, bar.value) for bar in share.bars] == [
        ("agent 1", 0.5),
        ("agent 1", 0.25),
        ("agent 2", 0.5),
        ("agent 2", 0.75),
    ]
    assert "<script>x" not in page
    assert "&lt;script&gt;x" in page


def test_the_consoles_charts_follow_the_grouping_and_thin_their_labels_to_what_fits() -> None:
    def counted(key: Any) -> dict[str, Any]:
        return {**row(key, 3, 0.5, 0.5, received=2), "claimed": 1, "accepted": 0, "assigned": 0}

    by_agent = routing_charts({"group_by": "agent", "rows": [counted(1), counted(None)]}, str)
    assert [chart.title for chart in by_agent] == [
        "Leads claimed, accepted and assigned per agent",
        "Speed to lead per agent",
        "Leads held within 5, 15 and 60 minutes, per agent",
        "Share of the leads held, against the target share",
    ]
    assert {bar.label for chart in by_agent for bar in chart.bars} == {"1"}  # no agent held nothing
    by_source = routing_charts({"group_by": "source", "rows": [counted("web")]}, str)
    assert by_source[-1].title == "Leads received per source"

    month = bar_chart("Days", "leads", [(f"12-{day:02}", [1.0]) for day in range(1, 31)], ("received",))
    assert [label for label, _ in month.labels] == [f"12-{day:02}" for day in range(1, 31, 3)]
    assert len(month.bars) == 30
