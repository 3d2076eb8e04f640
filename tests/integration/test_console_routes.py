"""The routes' screens in-process: the week grid marks exactly the hours a route's conditions cover (a window
across midnight belongs to the day it opened, part hours name their minutes), a route made, edited and
deleted in the console is the route GET /v1/routes answers, moving routes up and down is the order the
cascade tries, a refused form shows the API's words and changes nothing, and only admins get in. The browser
journey: tests/e2e/test_console_routes_browser.py."""

import html
import re
from typing import Any

from tests.support.console import Browsers, ConsoleBrowser, add_login, signed_in
from tests.support.scenario import Company, expect

_CARD = re.compile(r'data-route-id="(rt_[0-9a-z]+)"')
_ROW = re.compile(r'<tr><th scope="row">(\d\d):00</th>(.*?)</tr>', re.S)
_CELL = re.compile(r'<span class="visually-hidden">([^<]*)</span></td>')
_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _route(company: Company, **fields: Any) -> dict[str, Any]:
    body = {"members": [1], **fields}
    return expect(company.api.post("/v1/routes", json_body=body, key=company.admin_key), 201)  # type: ignore[no-any-return]


def _listed(company: Company) -> list[dict[str, Any]]:
    return expect(company.api.get("/v1/routes", key=company.admin_key), 200)["routes"]  # type: ignore[no-any-return]


def _cards(text: str) -> dict[str, str]:
    """Each route's card on the page, by route id, in the page's order."""
    pieces = _CARD.split(text)
    return {pieces[index]: pieces[index + 1] for index in range(1, len(pieces), 2)}


def _grid(card: str) -> dict[tuple[str, int], str]:
    """What a screen reader says for each (day, hour) cell of a card's week grid."""
    cells = {}
    for hour, row in _ROW.findall(card):
        words = _CELL.findall(row)
        assert len(words) == 7
        cells.update({(day, int(hour)): html.unescape(word) for day, word in zip(_DAYS, words, strict=True)})
    assert len(cells) == 7 * 24
    return cells


def _notice(browser: ConsoleBrowser, answer: Any) -> list[str]:
    assert answer.status == 303
    return [
        html.unescape(text)
        for text in re.findall(r'class="notice">([^<]*)', browser.get(answer.headers["Location"]).text)
    ]


def _admin(company: Company, pool_id: str, browsers: Browsers) -> ConsoleBrowser:
    return signed_in(browsers, company, pool_id, "admin@b.test", role="admin")


def test_the_week_grid_marks_exactly_the_hours_of_each_route_including_a_night_across_midnight(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.settings(time_zone="America/Chicago")
    company.agent(1, name="Ada")
    company.agent(2, name="Bo")
    night = _route(
        company,
        name="Friday nights",
        priority=20,
        members=[2, 1],
        order="round_robin",
        claim_window_seconds=120,
        conditions={"days": ["friday"], "start_time": "22:00", "end_time": "02:00"},
    )
    office = _route(
        company,
        name="Office hours",
        priority=10,
        conditions={"days": ["monday", "tuesday"], "start_time": "09:30", "end_time": "12:00", "sources": ["Zillow"]},
    )
    holiday = _route(company, name="Holidays", priority=30, conditions={"dates": ["2026-12-25"]})
    browser = _admin(company, pool_id, browsers)

    page = browser.get("/app/routing/routes")
    assert page.status == 200
    text = html.unescape(page.text)
    assert "America/Chicago" in text
    cards = _cards(page.text)
    assert list(cards) == [office["route_id"], night["route_id"], holiday["route_id"]]  # the cascade's order

    night_grid = _grid(cards[night["route_id"]])
    covered = {cell for cell, words in night_grid.items() if words != "does not apply"}
    # The part after midnight is Saturday's early hours: the window opened on Friday.
    assert covered == {("friday", 22), ("friday", 23), ("saturday", 0), ("saturday", 1)}
    assert {night_grid[cell] for cell in covered} == {"applies"}
    night_card = html.unescape(cards[night["route_id"]])
    for words in ("Bo (agent 2)</li><li>Ada (agent 1)", "round robin", "2 minutes per member", "22:00-02:00 (past"):
        assert words in night_card

    office_grid = _grid(cards[office["route_id"]])
    covered = {cell for cell, words in office_grid.items() if words != "does not apply"}
    assert covered == {(day, hour) for day in ("monday", "tuesday") for hour in (9, 10, 11)}
    assert office_grid[("monday", 9)] == "applies 09:30-10:00"
    assert office_grid[("tuesday", 11)] == "applies"
    assert "zillow" in cards[office["route_id"]]  # as intake compares sources

    holiday_card = cards[holiday["route_id"]]
    assert set(_grid(holiday_card).values()) == {"applies"}  # every hour of its dates
    assert "<li>2026-12-25</li>" in holiday_card
    assert 'aria-current="page">Routes' in page.text
    for shown in (page.text, browser.get(f"/app/routing/routes/{night['route_id']}").text):
        assert "style=" not in shown  # the CSP allows no inline style
        assert "<script>" not in shown


def test_a_route_created_edited_and_deleted_in_the_console_is_the_route_the_api_answers(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agents([1, 2, 3])
    browser = _admin(company, pool_id, browsers)
    form = browser.get("/app/routing/routes/new")
    assert form.status == 200
    assert 'value="10"' in form.text  # the first priority offered

    created = browser.post(
        "/app/routing/routes/new",
        {
            "name": "Weekend web",
            "priority": "40",
            "active": "on",
            "members": "3, 1",
            "order": "round_robin",
            "claim_window_seconds": "90",
            "day_saturday": "on",
            "day_sunday": "on",
            "start_time": "20:00",
            "end_time": "06:00",
            "dates": "2026-12-26\n2027-01-02",
            "date_ranges": "2026-12-24 to 2027-01-01",
            "sources": "Website, Zillow Premier",
        },
    )
    assert _notice(browser, created) == ["Route 'Weekend web' is created."]
    [route] = _listed(company)
    assert {key: value for key, value in route.items() if key != "route_id"} == {
        "name": "Weekend web",
        "priority": 40,
        "active": True,
        "members": [3, 1],
        "order": "round_robin",
        "claim_window_seconds": 90,
        "conditions": {
            "days": ["saturday", "sunday"],
            "start_time": "20:00",
            "end_time": "06:00",
            "dates": ["2026-12-26", "2027-01-02"],
            "date_ranges": [{"start": "2026-12-24", "end": "2027-01-01"}],
            "sources": ["website", "zillow premier"],
        },
    }

    # The edit page holds the route as stored; sending it back with changes replaces the whole route.
    path = f"/app/routing/routes/{route['route_id']}"
    edit = html.unescape(browser.get(path).text)
    for shown in ('value="3, 1"', 'id="day_sunday" name="day_sunday" checked', "2026-12-24 to 2027-01-01"):
        assert shown in edit
    saved = browser.post(
        path,
        {"name": "Weekdays", "priority": "5", "members": "2", "claim_window_seconds": "300", "order": "sequential"},
    )
    assert _notice(browser, saved) == ["Route 'Weekdays' is saved."]
    assert expect(company.api.get(f"/v1/routes/{route['route_id']}", key=company.admin_key), 200) == {
        "route_id": route["route_id"],
        "name": "Weekdays",
        "priority": 5,
        "active": False,  # its box was not ticked
        "members": [2],
        "order": "sequential",
        "claim_window_seconds": 300,
        "conditions": {
            "days": None,
            "start_time": None,
            "end_time": None,
            "dates": None,
            "date_ranges": None,
            "sources": None,
        },
    }

    deleted = browser.post(f"{path}/delete")
    assert _notice(browser, deleted) == ["Route 'Weekdays' is deleted."]
    assert _listed(company) == []
    assert browser.get(path).status == 404
    assert browser.get("/app/routing/routes/not-a-route").status == 404


def test_moving_routes_up_and_down_is_the_order_the_api_lists(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    first = _route(company, name="First", priority=10)["route_id"]
    second = _route(company, name="Second", priority=11)["route_id"]  # no room between 10 and 11
    third = _route(company, name="Third", priority=40)["route_id"]
    browser = _admin(company, pool_id, browsers)
    browser.get("/app/routing/routes")

    def order() -> list[str]:
        return [route["route_id"] for route in _listed(company)]

    moved = browser.post(f"/app/routing/routes/{third}/move", {"direction": "up"})  # room: one write
    assert _notice(browser, moved) == ["The route moved up."]
    assert order() == [first, third, second]
    browser.post(f"/app/routing/routes/{first}/move", {"direction": "down"})
    assert order() == [third, first, second]
    browser.post(f"/app/routing/routes/{second}/move", {"direction": "up"})
    assert order() == [third, second, first]
    browser.post(f"/app/routing/routes/{second}/move", {"direction": "up"})
    assert order() == [second, third, first]
    assert len({route["priority"] for route in _listed(company)}) == 3  # active priorities still differ
    assert list(_cards(browser.get("/app/routing/routes").text)) == order()

    # The first cannot go further up: said so, nothing changes.
    refused = browser.post(f"/app/routing/routes/{second}/move", {"direction": "up"})
    assert _notice(browser, refused) == ["Route 'Second' is already tried first."]
    assert order() == [second, third, first]


def test_a_refused_route_shows_the_apis_words_keeps_what_was_typed_and_changes_nothing(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    kept = _route(company, name="Kept", priority=10)
    browser = _admin(company, pool_id, browsers)
    browser.get("/app/routing/routes/new")
    good = {
        "name": "New",
        "priority": "20",
        "active": "on",
        "members": "1",
        "claim_window_seconds": "300",
        "order": "sequential",
    }
    cases: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({"members": "1, 99"}, {"members": [1, 99]}),
        ({"priority": "10"}, {"priority": 10}),
        ({"start_time": "09:00"}, {"conditions": {"start_time": "09:00"}}),
        ({"members": ""}, {"members": []}),
    ]
    for change, api_change in cases:
        answer = browser.post("/app/routing/routes/new", {**good, **change})
        body = {"name": "New", "priority": 20, "members": [1], **api_change}
        api = expect(company.api.post("/v1/routes", json_body=body, key=company.admin_key), 422)
        assert answer.status == 422, change
        [shown] = re.findall(r'class="error" role="alert">([^<]*)', answer.text)
        assert html.unescape(shown) == api["error"]["message"], change
        assert 'value="New"' in answer.text  # what was typed is still there

    bad_range = browser.post("/app/routing/routes/new", {**good, "date_ranges": "2026-12-24 until 2027-01-01"})
    assert bad_range.status == 422
    assert "write each range on its own line as 2026-12-24 to 2027-01-01" in html.unescape(bad_range.text)
    assert browser.post(f"/app/routing/routes/{kept['route_id']}", {**good, "name": ""}).status == 422
    assert _listed(company) == [kept]


def test_only_admins_reach_the_routes_screens(company: Company, pool_id: str, browsers: Browsers) -> None:
    company.office("north")
    company.agent(1, office_id="north")
    route = _route(company, name="Kept", priority=10)
    add_login(company, pool_id, "om@b.test", role="office_manager", office_ids=["north"])
    add_login(company, pool_id, "agent@b.test", role="agent", agent_id=1)
    for email in ("om@b.test", "agent@b.test"):
        browser = browsers()
        browser.sign_in(email)
        for path in ("/app/routing/routes", "/app/routing/routes/new", f"/app/routing/routes/{route['route_id']}"):
            assert browser.get(path).status == 403, (email, path)
        for path in (
            f"/app/routing/routes/{route['route_id']}/delete",
            f"/app/routing/routes/{route['route_id']}/move",
        ):
            assert browser.post(path, {"direction": "up"}).status == 403, (email, path)
    stranger = browsers()
    assert stranger.get("/app/routing/routes").headers["Location"] == "/app/sign-in"
    assert _listed(company) == [route]
