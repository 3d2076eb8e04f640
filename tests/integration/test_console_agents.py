"""The admins' agent screens in-process: adding an agent, editing every group of fields and reading them back
from GET /v1/agents/{id}, out-of-office periods, a refused value shown in the API's words with nothing
changed, deactivate and reactivate, and nobody but an admin getting in. The browser journey:
tests/e2e/test_console_agents_browser.py."""

from html.parser import HTMLParser
from typing import Any

from tests.support.console import Browsers, ConsoleBrowser, add_login, signed_in
from tests.support.scenario import Company, expect


class _FormFields(HTMLParser):
    """The fields a browser would send for the page's agent form, as they are filled in."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None
        self._first: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "form":
            self._inside = "agent-form" in (named.get("class") or "")
        if not self._inside:
            return
        name = named.get("name")
        if tag == "input" and name:
            if named.get("type") != "checkbox":
                self.fields[name] = named.get("value") or ""
            elif "checked" in named:
                self.fields[name] = "on"
        elif tag == "select" and name:
            self._select, self._first = name, None
        elif tag == "option" and self._select:
            value = named.get("value") or ""
            if self._first is None:
                self._first = value
                self.fields[self._select] = value
            if "selected" in named:
                self.fields[self._select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        if tag == "select":
            self._select = None


def _form(browser: ConsoleBrowser, path: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(expect_page(browser, path))
    parser.fields.pop("csrf_token", None)
    return parser.fields


def expect_page(browser: ConsoleBrowser, path: str) -> str:
    answer = browser.get(path)
    assert answer.status == 200, (path, answer.status, answer.text[:300])
    return answer.text


def _read(company: Company, agent_id: int) -> dict[str, Any]:
    return expect(company.api.get(f"/v1/agents/{agent_id}", key=company.admin_key), 200)  # type: ignore[no-any-return]


def _admin(company: Company, pool_id: str, browsers: Browsers) -> ConsoleBrowser:
    return signed_in(browsers, company, pool_id, "admin@b.test", role="admin")


def test_an_admin_adds_an_agent_edits_every_group_of_fields_and_the_api_shows_each_change(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.office("north", "North Shore")
    company.agent(1, name="Bea Backup")
    browser = _admin(company, pool_id, browsers)
    listing = expect_page(browser, "/app/routing/agents")
    assert "Bea Backup" in listing
    assert 'href="/app/routing/agents/new"' in listing

    new = _form(browser, "/app/routing/agents/new")
    new.update(name="Ann Added", email="ann@b.test", phone="+1 312 555 0100", mls_id="MLS-9", office_id="north")
    added = browser.post("/app/routing/agents/new", new)
    assert (added.status, added.headers["Location"]) == (303, "/app/routing/agents/2")
    assert "The agent is added." in expect_page(browser, "/app/routing/agents/2")
    agent = _read(company, 2)
    assert (agent["name"], agent["email"], agent["phone"], agent["mls_id"], agent["office_id"]) == (
        "Ann Added",
        "ann@b.test",
        "+1 312 555 0100",
        "MLS-9",
        "north",
    )
    assert (agent["weight"], agent["status"], agent["working_hours"], agent["active"]) == (1.0, "available", None, True)

    form = _form(browser, "/app/routing/agents/2")
    assert form["name"] == "Ann Added"
    form.update(
        # flags
        lead_management="on",
        in_auto_assign_queue="on",
        click_to_claim="on",
        sms_enabled="on",
        # fair share and caps
        weight="2.5",
        max_leads_per_day="3",
        max_leads_per_week="10",
        max_leads_per_month="",
        # status
        status="away",
        status_reason="at a showing",
        away_until="2026-12-24T18:00",
        # working hours, one block crossing midnight
        has_hours="on",
        hours_time_zone="America/Chicago",
        hours_monday="09:00-12:00, 13:00-17:00",
        hours_friday="22:00-02:00",
        # rejected leads, criteria
        rejected_lead_agent="1",
        zips="60601, 60602",
        cities="Chicago",
        type_buy="on",
        type_rent="on",
        price_min="100000",
        price_max="500000",
        sources="zillow, website",
    )
    saved = browser.post("/app/routing/agents/2", form)
    assert (saved.status, saved.headers["Location"]) == (303, "/app/routing/agents/2")
    agent = _read(company, 2)
    flags = ("lead_management", "in_auto_assign_queue", "click_to_claim", "sms_enabled")
    assert [agent[flag] for flag in flags] == [True, True, True, True]
    assert agent["phone"] == "+13125550100"  # texts on: kept as the API keeps it
    caps = ("max_leads_per_day", "max_leads_per_week", "max_leads_per_month")
    assert (agent["weight"], *(agent[cap] for cap in caps)) == (2.5, 3, 10, None)
    assert (agent["status"], agent["status_reason"]) == ("away", "at a showing")
    assert agent["away_until"] == "2026-12-25T00:00:00Z"  # 18:00 in Chicago
    assert agent["working_hours"] == {
        "time_zone": "America/Chicago",
        "days": {
            "monday": [{"start": "09:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}],
            "friday": [{"start": "22:00", "end": "02:00"}],
        },
    }
    assert agent["rejected_lead_agent"] == 1
    assert agent["criteria"] == {
        "zips": ["60601", "60602"],
        "cities": ["Chicago"],
        "types": ["buy", "rent"],
        "price_min": 100000,
        "price_max": 500000,
        "sources": ["zillow", "website"],
    }
    # The page shows what was stored, ready for the next edit.
    again = _form(browser, "/app/routing/agents/2")
    assert (again["hours_friday"], again["away_until"], again["weight"]) == ("22:00-02:00", "2026-12-24T18:00", "2.5")

    # Out of office, with a backup; then removed.
    browser.post(
        "/app/routing/agents/2/out-of-office", {"start": "2026-12-28", "end": "2026-12-31", "backup_agent_id": "1"}
    )
    assert _read(company, 2)["out_of_office"] == [{"start": "2026-12-28", "end": "2026-12-31", "backup_agent_id": 1}]
    page = expect_page(browser, "/app/routing/agents/2")
    assert "2026-12-28 to 2026-12-31, backup Bea Backup" in page
    browser.post(
        "/app/routing/agents/2/out-of-office/remove",
        {"start": "2026-12-28", "end": "2026-12-31", "backup_agent_id": "1"},
    )
    assert _read(company, 2)["out_of_office"] == []

    # Clearing: no hours, no criteria, back to available.
    cleared = {
        **_form(browser, "/app/routing/agents/2"),
        "has_hours": "",
        "status": "available",
        "status_reason": "",
        "away_until": "",
    }
    cleared.update(zips="", cities="", type_buy="", type_rent="", price_min="", price_max="", sources="")
    browser.post("/app/routing/agents/2", cleared)
    agent = _read(company, 2)
    assert (agent["working_hours"], agent["away_until"], agent["status"], agent["criteria"]) == (
        None,
        None,
        "available",
        {key: None for key in ("zips", "cities", "types", "price_min", "price_max", "sources")},
    )
    row = expect_page(browser, "/app/routing/agents").split('data-agent-id="2"')[1].split("</tr>")[0]
    for shown in ("Ann Added", "North Shore", "2.5", "3 / 10 / none", "in the queue"):
        assert shown in row


def test_a_refused_value_is_shown_in_the_apis_words_as_typed_and_nothing_changes(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    browser = _admin(company, pool_id, browsers)
    before = _read(company, 1)
    form = _form(browser, "/app/routing/agents/1")
    api = company.api.patch("/v1/agents/1", json_body={"weight": 11}, key=company.admin_key)
    assert api.status == 422

    refused = browser.post("/app/routing/agents/1", {**form, "weight": "11", "name": "Renamed"})
    assert refused.status == 422
    assert api.json["error"]["message"] in refused.text
    assert 'value="11"' in refused.text  # kept as typed
    assert 'value="Renamed"' in refused.text
    themselves = browser.post("/app/routing/agents/1", {**form, "rejected_lead_agent": "1"})
    assert "rejected_lead_agent: an agent cannot pass rejected leads to themselves" in themselves.text
    hours = browser.post("/app/routing/agents/1", {**form, "has_hours": "on", "hours_monday": "9-5"})
    assert hours.status == 422
    assert "working_hours.days.monday.0.start: is not in the expected format" in hours.text
    stranger = browser.post("/app/routing/agents/1/out-of-office", {"start": "2026-12-28", "end": "2026-12-27"})
    assert "an out-of-office period cannot end before it starts" in browser.get(stranger.headers["Location"]).text
    added = browser.post("/app/routing/agents/new", {"name": "", "email": "not-an-email", "weight": "1"})
    assert added.status == 422
    assert "email: is not in the expected format" in added.text
    assert _read(company, 1) == before
    assert expect(company.api.get("/v1/agents", key=company.admin_key), 200)["agents"] == [before]


def test_a_save_sends_only_what_the_admin_changed_and_keeps_what_changed_meanwhile(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1, criteria={"zips": ["60601"]})
    browser = _admin(company, pool_id, browsers)
    form = _form(browser, "/app/routing/agents/1")
    # Meanwhile the agent goes away on their phone and another admin narrows the criteria.
    changes = {"status": "away", "status_reason": "at a showing", "criteria": {"zips": ["60601"], "types": ["buy"]}}
    expect(company.api.patch("/v1/agents/1", json_body=changes, key=company.admin_key), 200)

    browser.post("/app/routing/agents/1", {**form, "weight": "4", "cities": "Evanston"})
    agent = _read(company, 1)
    assert (agent["weight"], agent["status"], agent["status_reason"]) == (4.0, "away", "at a showing")
    assert (agent["criteria"]["zips"], agent["criteria"]["types"], agent["criteria"]["cities"]) == (
        ["60601"],
        ["buy"],
        ["Evanston"],
    )


def test_an_admin_deactivates_and_reactivates_an_agent(company: Company, pool_id: str, browsers: Browsers) -> None:
    company.agent(1, name="Dee Active")
    browser = _admin(company, pool_id, browsers)
    assert "Deactivate Dee Active" in expect_page(browser, "/app/routing/agents/1")
    gone = browser.post("/app/routing/agents/1/deactivate")
    assert _read(company, 1)["active"] is False
    page = browser.get(gone.headers["Location"]).text
    assert "The agent is deactivated" in page
    assert "Reactivate Dee Active" in page
    assert "no (deactivated)" in expect_page(browser, "/app/routing/agents")
    browser.post("/app/routing/agents/1/reactivate")
    assert _read(company, 1)["active"] is True


def test_only_an_admin_of_the_company_reaches_the_agent_screens(
    company: Company, other_company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.office("north")
    company.agent(1, office_id="north")
    other_company.agent(7)
    add_login(company, pool_id, "agent@b.test", role="agent", agent_id=1)
    add_login(company, pool_id, "om@b.test", role="office_manager", office_ids=["north"])
    for email in ("agent@b.test", "om@b.test"):
        browser = browsers()
        browser.sign_in(email)
        for path in ("/app/routing/agents", "/app/routing/agents/new", "/app/routing/agents/1"):
            assert browser.get(path).status == 403, (email, path)
        assert browser.post("/app/routing/agents/1/deactivate").status == 403
    assert _read(company, 1)["active"] is True
    assert browsers().get("/app/routing/agents").headers["Location"] == "/app/sign-in"

    admin = _admin(company, pool_id, browsers)
    assert admin.get("/app/routing/agents/7").status == 404  # another company's agent
    assert admin.get("/app/routing/agents/0").status == 404
    expect_page(admin, "/app/routing/agents")  # the form's CSRF token, as a browser holds it
    refused = admin.post("/app/routing/agents/7/deactivate")
    assert "No agent 7." in admin.get(refused.headers["Location"]).text
    assert expect(other_company.api.get("/v1/agents/7", key=other_company.admin_key), 200)["active"] is True
