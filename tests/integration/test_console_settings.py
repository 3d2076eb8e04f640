"""Routing > Settings and Routing > Offices in-process: every setting PUT /v1/settings accepts has a named
control with help, and what the form saves is what GET /v1/settings answers; a bad value is refused in the
API's words and changes nothing; a form read before someone else's change is refused, also when two admins
save at once; only admins get in; offices are added, renamed and deleted with the API's refusals. The
browser journey: tests/e2e/test_console_settings_browser.py."""

import threading
from typing import Any

from leadrouter.api.settings import SettingsChange
from tests.support.console import Browsers, ConsoleBrowser, add_login, signed_in
from tests.support.forms import form_fields
from tests.support.scenario import Company, expect

SEED_NAMES = (
    "Default Agent for Lead Assignment",
    "Skip Auto Exclusive Property Lead Assignment?",
    "Click to Claim Leads Enabled?",
    "Advanced Lead Distribution Enabled?",
    "Auto Assign Leads?",
    "Lead Acceptance Time",
    "Let Agents Claim Unassigned Leads?",
)


def _admin(company: Company, pool_id: str, browsers: Browsers, email: str = "admin@b.test") -> ConsoleBrowser:
    return signed_in(browsers, company, pool_id, email, role="admin")


def _settings(company: Company) -> dict[str, Any]:
    return expect(company.api.get("/v1/settings", key=company.admin_key), 200)  # type: ignore[no-any-return]


def _notice(browser: ConsoleBrowser, answer_status: int, path: str = "/app/routing") -> str:
    assert answer_status == 303
    page = browser.get(path)
    assert page.status == 200
    start = page.text.index('<p class="notice">') + len('<p class="notice">')
    return page.text[start : page.text.index("</p>", start)]


def _api_words(message: str) -> str:
    # The page escapes what the API says as any text (an apostrophe is &#39;).
    return message.replace("'", "&#39;").replace('"', "&#34;")


def test_every_setting_has_a_named_control_with_help_and_each_round_trips_to_the_api(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agents([1, 2])
    browser = _admin(company, pool_id, browsers)
    page = browser.get("/app/routing")
    assert page.status == 200
    for name in SettingsChange.model_fields:
        assert f'data-setting="{name}"' in page.text, name
        assert f'id="help-{name}"' in page.text, name
    for words in SEED_NAMES:
        assert words in page.text
    assert 'aria-current="page">Settings</a>' in page.text

    form = form_fields(page.text, "/app/routing")
    form.update(
        {
            "default_agent_id": "1",
            "default_broker_id": "2",
            "advanced_distribution_enabled": "on",
            "auto_assign_enabled": "on",
            "agents_can_claim_unassigned": "on",
            "acceptance_required": "on",
            "acceptance_timeout_seconds": "90",
            "acceptance_timeout_seconds_unit": "minutes",
            "skip_exclusive_listing_assignment": "on",
            "click_to_claim_enabled": "on",
            "claim_link_ttl_seconds": "2",
            "claim_link_ttl_seconds_unit": "days",
            "returning_leads": "offer_owner_first",
            "owner_window_seconds": "45",
            "owner_window_seconds_unit": "seconds",
            "ownership_days": "30",
            "escalate_unclaimed_after_seconds": "2",
            "escalate_unclaimed_after_seconds_unit": "hours",
            "escalation_emails": "boss@b.test\r\n\r\n  desk@b.test  ",
            "fair_share_on_return": "keep_place",
            "auto_away_after_misses": "3",
            "time_zone": "America/Chicago",
            "phone_region": "CA",
            "sender_email": "leads@b.test",
            "allowed_origins": "https://www.b.test\nhttp://localhost:8080",
        }
    )
    assert _notice(browser, browser.post("/app/routing", form).status) == "The settings are saved."
    wanted = {
        "default_agent_id": 1,
        "default_broker_id": 2,
        "advanced_distribution_enabled": True,
        "auto_assign_enabled": True,
        "agents_can_claim_unassigned": True,
        "acceptance_required": True,
        "acceptance_timeout_seconds": 5400,
        "skip_exclusive_listing_assignment": True,
        "click_to_claim_enabled": True,
        "claim_link_ttl_seconds": 172_800,
        "returning_leads": "offer_owner_first",
        "owner_window_seconds": 45,
        "ownership_days": 30,
        "escalate_unclaimed_after_seconds": 7200,
        "escalation_emails": ["boss@b.test", "desk@b.test"],
        "fair_share_on_return": "keep_place",
        "auto_away_after_misses": 3,
        "time_zone": "America/Chicago",
        "phone_region": "CA",
        "sender_email": "leads@b.test",
        "allowed_origins": ["https://www.b.test", "http://localhost:8080"],
    }
    assert _settings(company) == wanted

    # The page shows what is stored (durations in the largest unit that holds them): sent back as it is,
    # it changes nothing; emptied and unchecked, every control goes back to off, none or its least.
    shown = form_fields(browser.get("/app/routing").text, "/app/routing")
    assert (shown["acceptance_timeout_seconds"], shown["acceptance_timeout_seconds_unit"]) == ("90", "minutes")
    assert (shown["escalate_unclaimed_after_seconds"], shown["escalate_unclaimed_after_seconds_unit"]) == ("2", "hours")
    assert _notice(browser, browser.post("/app/routing", shown).status) == "The settings are saved."
    assert _settings(company) == wanted

    cleared = {
        name: value
        for name, value in form_fields(browser.get("/app/routing").text, "/app/routing").items()
        if value != "on"
    }
    cleared.update(
        default_agent_id="",
        default_broker_id="",
        ownership_days="",
        escalate_unclaimed_after_seconds="",
        escalation_emails="",
        auto_away_after_misses="",
        sender_email="",
        allowed_origins="",
    )
    assert _notice(browser, browser.post("/app/routing", cleared).status) == "The settings are saved."
    after = _settings(company)
    assert [name for name, value in after.items() if value is True] == []
    for name in ("default_agent_id", "default_broker_id", "ownership_days", "escalate_unclaimed_after_seconds"):
        assert after[name] is None, name
    assert after["auto_away_after_misses"] is None
    assert after["sender_email"] is None
    assert after["escalation_emails"] == after["allowed_origins"] == []
    # The API takes the return rule too (it read it, but refused to be told it before this screen).
    assert company.settings(fair_share_on_return="start_even")["fair_share_on_return"] == "start_even"


def test_a_bad_value_is_refused_in_the_apis_words_and_changes_nothing(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    company.settings(auto_assign_enabled=True, acceptance_timeout_seconds=600)
    before = _settings(company)
    browser = _admin(company, pool_id, browsers)
    good = form_fields(browser.get("/app/routing").text, "/app/routing")
    bad_values = [
        ({"sender_email": "not an address"}, {"sender_email": "not an address"}),
        ({"acceptance_timeout_seconds": "0"}, {"acceptance_timeout_seconds": 0}),
        ({"default_agent_id": "7"}, {"default_agent_id": 7}),
        ({"escalation_emails": "boss@b.test\nnobody"}, {"escalation_emails": ["boss@b.test", "nobody"]}),
        ({"phone_region": "XX"}, {"phone_region": "XX"}),
        ({"time_zone": "Mars/Olympus"}, {"time_zone": "Mars/Olympus"}),
        ({"ownership_days": "many"}, {"ownership_days": "many"}),
    ]
    for sent, as_json in bad_values:
        api = company.api.put("/v1/settings", json_body=as_json, key=company.admin_key)
        assert api.status == 422, sent
        message = api.json["error"]["message"]
        assert _notice(browser, browser.post("/app/routing", {**good, **sent}).status) == _api_words(message), sent
        assert _settings(company) == before, sent

    unit = browser.post("/app/routing", {**good, "acceptance_timeout_seconds_unit": "weeks"})
    assert "acceptance_timeout_seconds: choose the unit" in _notice(browser, unit.status)
    assert _settings(company) == before


def test_a_form_read_before_someone_elses_change_is_refused_and_of_two_saves_at_once_one_lands(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    browser = _admin(company, pool_id, browsers)
    stale = form_fields(browser.get("/app/routing").text, "/app/routing")
    company.settings(auto_assign_enabled=True)  # another admin, through the API
    refused = browser.post("/app/routing", {**stale, "click_to_claim_enabled": "on"})
    assert "Someone else changed the settings since this page was opened" in _notice(browser, refused.status)
    after = _settings(company)
    assert (after["auto_assign_enabled"], after["click_to_claim_enabled"]) == (True, False)

    # A page read after a change that is not a setting (an agent added) still saves.
    fresh = form_fields(browser.get("/app/routing").text, "/app/routing")
    company.agent(5)
    saved = browser.post("/app/routing", {**fresh, "click_to_claim_enabled": "on"})
    assert _notice(browser, saved.status) == "The settings are saved."
    assert _settings(company)["auto_assign_enabled"] is True  # kept: it was on the page

    # Two admins save the same page at once: one lands, the other is told, and neither is half applied.
    other = _admin(company, pool_id, browsers, "second@b.test")
    both = [browser, other]
    forms = [form_fields(admin.get("/app/routing").text, "/app/routing") for admin in both]
    forms[0]["ownership_days"], forms[1]["ownership_days"] = "11", "22"
    forms[0]["acceptance_required"] = "on"
    forms[1]["phone_region"] = "GB"
    start = threading.Barrier(2)
    statuses: list[int] = [0, 0]

    def save(index: int) -> None:
        start.wait()
        statuses[index] = both[index].post("/app/routing", forms[index]).status

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    notices = [_notice(admin, status) for admin, status in zip(both, statuses, strict=True)]
    assert sorted(notice == "The settings are saved." for notice in notices) == [False, True]
    winner = notices.index("The settings are saved.")
    settings = _settings(company)
    assert settings["ownership_days"] == [11, 22][winner]
    assert (settings["acceptance_required"], settings["phone_region"]) == [(True, "US"), (False, "GB")][winner]


def test_only_admins_see_or_change_the_settings_and_offices(company: Company, pool_id: str, browsers: Browsers) -> None:
    company.office("north")
    company.agent(1, office_id="north")
    add_login(company, pool_id, "manager@b.test", role="office_manager", office_ids=["north"])
    add_login(company, pool_id, "agent@b.test", role="agent", agent_id=1)
    before = _settings(company)
    for email in ("manager@b.test", "agent@b.test"):
        browser = browsers()
        browser.sign_in(email)
        for path in ("/app/routing", "/app/routing/offices"):
            assert browser.get(path).status == 403, (email, path)
        for path, form in (
            ("/app/routing", {"auto_assign_enabled": "on"}),
            ("/app/routing/offices", {"name": "South"}),
            ("/app/routing/offices/north/rename", {"name": "Taken"}),
            ("/app/routing/offices/north/delete", {}),
        ):
            assert browser.post(path, form).status == 403, (email, path)
    assert _settings(company) == before
    offices = expect(company.api.get("/v1/offices", key=company.admin_key), 200)["offices"]
    assert offices == [{"office_id": "north", "name": "North"}]


def test_offices_are_added_renamed_and_deleted_with_the_apis_refusals(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    browser = _admin(company, pool_id, browsers)
    page = browser.get("/app/routing/offices")
    assert page.status == 200
    assert "No offices yet." in page.text
    assert 'aria-current="page">Offices</a>' in page.text

    added = browser.post("/app/routing/offices", {"name": "North Shore", "office_id": ""})
    assert _notice(browser, added.status, "/app/routing/offices") == "Office North Shore is added."
    again = browser.post("/app/routing/offices", {"name": "North Shore", "office_id": ""})
    assert _notice(browser, again.status, "/app/routing/offices") == "Office north-shore exists already."
    named = browser.post("/app/routing/offices", {"name": "Lake", "office_id": "Lake Office"})
    api = company.api.post("/v1/offices", json_body={"name": "Lake", "office_id": "Lake Office"}, key=company.admin_key)
    assert _notice(browser, named.status, "/app/routing/offices") == _api_words(api.json["error"]["message"])
    unnamed = browser.post("/app/routing/offices", {"name": "  "})
    assert "name:" in _notice(browser, unnamed.status, "/app/routing/offices")

    renamed = browser.post("/app/routing/offices/north-shore/rename", {"name": "Lakeside"})
    assert _notice(browser, renamed.status, "/app/routing/offices") == "Office north-shore is now called Lakeside."
    company.agent(1, office_id="north-shore")
    page = browser.get("/app/routing/offices")
    assert "Lakeside" in page.text
    assert "1 agent (move them out before deleting)" in page.text

    kept = browser.post("/app/routing/offices/north-shore/delete")
    api = company.api.delete("/v1/offices/north-shore", key=company.admin_key)
    assert api.status == 409
    assert _notice(browser, kept.status, "/app/routing/offices") == _api_words(api.json["error"]["message"])
    assert browser.post("/app/routing/offices/Bad%20Id/delete").status == 404
    missing = browser.post("/app/routing/offices/gone/rename", {"name": "X"})
    assert _notice(browser, missing.status, "/app/routing/offices") == "No office gone."

    company.api.patch("/v1/agents/1", json_body={"office_id": None}, key=company.admin_key)
    deleted = browser.post("/app/routing/offices/north-shore/delete")
    assert _notice(browser, deleted.status, "/app/routing/offices") == "Office north-shore is deleted."
    assert expect(company.api.get("/v1/offices", key=company.admin_key), 200)["offices"] == []
