"""The console's Reports page in-process: the table shows the API's figures for the same days, the CSV
download is the API's CSV, an office manager sees only their offices (figures and pool), a bad range or
grouping is the page with a clear message, and an agent has no reports. The browser journey:
tests/e2e/test_console_reports_browser.py."""

import html
import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.support.aws_state import deliver_stream_records
from tests.support.clocks import MovableClock
from tests.support.console import Browsers, signed_in
from tests.support.scenario import Company, expect, unique_lead

ZONE = "America/Chicago"  # the `company` fixture's
_ROW = re.compile(r'<tr data-key="([^"]*)">(.*?)</tr>', re.S)
_CELL = re.compile(r'<t[hd][^>]*data-label="([^"]+)">([^<]*)</t[hd]>')


def table(page: str) -> dict[str, dict[str, str]]:
    """The figures table as a user reads it: row key -> column heading -> the cell's text."""
    return {
        key: {label: html.unescape(text) for label, text in _CELL.findall(cells)} for key, cells in _ROW.findall(page)
    }


def as_shown(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{round(value * 100, 1):g}%"
    return f"{value}{unit}"


def shown_row(row: dict[str, Any]) -> dict[str, str]:
    """What the page should say of one of the API's rows."""
    counts = ("received", "offered", "claimed", "passed", "accepted", "rejected", "expired", "assigned", "to_pool")
    shown = {name.replace("_", " ").capitalize(): str(row[name]) for name in counts}
    shown["Speed to lead, median"] = as_shown(row["speed_to_lead_seconds"]["median"], " s")
    shown["Speed to lead, p90"] = as_shown(row["speed_to_lead_seconds"]["p90"], " s")
    for name, label in (("within_5_minutes", "5 min"), ("within_15_minutes", "15 min"), ("within_1_hour", "1 hour")):
        shown[f"Within {label}"] = as_shown(row[name], "%")
    shown["Share"] = as_shown(row["share"], "%")
    shown["Target share"] = as_shown(row["target_share"], "%")
    return shown


@pytest.fixture
def claimed(company: Company, clock: MovableClock) -> Company:
    """Agents 1 (north office) and 2 (weight 3) in the queue; four leads claimed 2 s to 400 s after intake,
    one left waiting; at noon of the company's day, so every lead falls on one day."""
    clock.advance_to_local(12, ZONE)
    company.settings(agents_can_claim_unassigned=True)
    company.office("north", "North Side")
    company.agent(1, lead_management=True, in_auto_assign_queue=True, office_id="north")
    company.agent(2, lead_management=True, in_auto_assign_queue=True, weight=3)
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2)}
    for n, (agent_id, seconds) in enumerate([(1, 2), (2, 3), (1, 5), (2, 400)]):
        lead_id = expect(company.submit(unique_lead(n)), 202)["lead_id"]
        clock.advance(seconds=seconds)
        expect(company.api.post(f"/v1/leads/{lead_id}/claim", key=keys[agent_id]), 200)
    expect(company.submit(unique_lead(9)), 202)
    deliver_stream_records()
    return company


def test_the_page_shows_the_apis_figures_and_its_csv_and_a_manager_sees_only_their_offices(
    claimed: Company, clock: MovableClock, pool_id: str, browsers: Browsers
) -> None:
    company = claimed
    admin = signed_in(browsers, company, pool_id, "boss@b.test", role="admin")
    local = clock.now().astimezone(ZoneInfo(ZONE)).date()
    day = local.isoformat()
    asked = {"group_by": "agent", "from": day, "to": day}
    # The same day to the API: from its first moment to its last, in the company's time zone.
    first, last = (
        datetime.combine(local, moment, tzinfo=ZoneInfo(ZONE)).isoformat() for moment in (time.min, time.max)
    )
    moments = {"from": first, "to": last, "group_by": "agent"}
    api = expect(company.api.get("/v1/reports/routing", key=company.admin_key, params=moments), 200)

    answer = admin.client.get("/app/reports", params=asked)
    assert answer.status == 200
    shown = table(answer.text)
    figures = {key: {label: text for label, text in cells.items() if label != "Agent"} for key, cells in shown.items()}
    assert figures == {("" if row["key"] is None else str(row["key"])): shown_row(row) for row in api["rows"]}
    assert set(shown) == {"", "1", "2"}
    assert shown["1"]["Agent"] == "Agent 1 (1)"
    assert shown["1"]["Target share"] == "25%"
    assert shown["2"]["Speed to lead, p90"] == "400 s"
    assert f"{day} to {day}, whole days of America/Chicago" in answer.text
    # Charts drawn on the server, the table their text; nothing inline for the CSP to refuse.
    assert answer.text.count("<svg") == 5  # outcomes, speed, within, shares; the pool's age
    assert 'aria-describedby="figures"' in answer.text
    assert "style=" not in answer.text
    assert "<script>" not in answer.text
    assert "1 lead waiting" in answer.text

    # The download link is the same report as CSV, the API's own.
    (link,) = re.findall(r'href="(/app/reports\.csv\?[^"]+)"', answer.text)
    csv = admin.get(html.unescape(link))
    assert csv.status == 200
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in csv.headers["Content-Disposition"]
    api_csv = company.api.get(
        "/v1/reports/routing", key=company.admin_key, params=moments, headers={"Accept": "text/csv"}
    )
    assert csv.text == api_csv.text
    by_day = admin.client.get("/app/reports", params={**asked, "group_by": "day"})
    assert set(table(by_day.text)) == {day}

    # An office manager of north: agent 1's leads only (claimed into north), and north's pool.
    manager = signed_in(browsers, company, pool_id, "om@b.test", role="office_manager", office_ids=["north"])
    theirs = manager.client.get("/app/reports", params=asked)
    assert theirs.status == 200
    assert set(table(theirs.text)) == {"1"}
    assert table(theirs.text)["1"]["Share"] == "100%"
    assert "0 leads waiting in your offices" in theirs.text
    office = manager.client.get("/app/reports", params={**asked, "group_by": "office"})
    assert table(office.text)["north"]["Office"] == "North Side (north)"
    manager_csv = manager.get(f"/app/reports.csv?group_by=agent&from={day}&to={day}")
    office_key = company.key("office_manager", office_ids=["north"])
    assert manager_csv.text == (
        company.api.get("/v1/reports/routing", key=office_key, params=moments, headers={"Accept": "text/csv"}).text
    )


def test_a_bad_range_or_grouping_says_what_is_wrong_and_an_agent_has_no_reports(
    company: Company, clock: MovableClock, pool_id: str, browsers: Browsers
) -> None:
    admin = signed_in(browsers, company, pool_id, "boss@b.test", role="admin")
    today = clock.now().astimezone(ZoneInfo(ZONE)).date()

    def error_of(params: dict[str, str]) -> tuple[int, list[str]]:
        answer = admin.client.get("/app/reports", params=params)
        return answer.status, [
            html.unescape(text) for text in re.findall(r'class="error" role="alert">([^<]*)', answer.text)
        ]

    backwards = {"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}
    assert error_of(backwards) == (422, ["`to` must not be before `from`."])
    too_long = {"from": (today - timedelta(days=400)).isoformat(), "to": today.isoformat()}
    assert error_of(too_long) == (422, ["A report covers at most 366 days; ask for a shorter range."])
    assert error_of({"from": "yesterday"}) == (422, ["From must be a day, as YYYY-MM-DD."])
    assert error_of({"to": "2026-02-30"}) == (422, ["To must be a day, as YYYY-MM-DD."])
    assert error_of({"group_by": "weather"}) == (422, ["Group by agent, source, route, office or day."])
    # The form keeps what was asked, so it can be put right.
    kept = admin.client.get("/app/reports", params={"from": "yesterday"}).text
    assert 'value="yesterday"' in kept
    assert admin.client.get("/app/reports.csv", params=backwards).status == 422
    # With nothing asked: the last 30 days up to today.
    default = admin.client.get("/app/reports")
    assert default.status == 200
    assert f"{(today - timedelta(days=29)).isoformat()} to {today.isoformat()}" in default.text

    company.agent(1)
    agent = signed_in(browsers, company, pool_id, "agent@b.test", role="agent", agent_id=1)
    assert agent.client.get("/app/reports").status == 403
    assert agent.client.get("/app/reports.csv").status == 403
