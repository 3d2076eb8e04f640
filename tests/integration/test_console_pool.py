"""The brokers' and office managers' Pool and the leads' search, in-process: the filters (source, office,
age, newest or oldest first; status, agent, office, source, time), Assign to an agent or an office from the
pool, Send back, a manager held to their offices by the API's own rules, and a filter that cannot be one
answered with a message on the page (the form kept), not a 500. The browser journey:
tests/e2e/test_console_pool_browser.py."""

import re
from datetime import UTC, datetime, timedelta

from tests.support.clocks import MovableClock
from tests.support.console import Browsers, ConsoleBrowser, add_login, signed_in
from tests.support.offers import submit
from tests.support.scenario import Company, expect

_LEAD = re.compile(r'<li class="card" data-lead-id="([^"]+)"')
_ROW = re.compile(r'<tr data-lead-id="([^"]+)"')


def listed(browser: ConsoleBrowser, path: str, pattern: re.Pattern[str] = _LEAD) -> list[str]:
    answer = browser.get(path)
    assert answer.status == 200, answer.text[:500]
    return pattern.findall(answer.text)


def notice_after(browser: ConsoleBrowser, path: str, form: dict[str, str]) -> str:
    """What the page the change goes back to says (the notice shown once)."""
    answer = browser.post(path, form)
    assert answer.status == 303
    shown = re.findall(r'class="notice">([^<]*)', browser.get(answer.headers["Location"]).text)
    assert len(shown) == 1, shown
    return str(shown[0]).replace("&#39;", "'")


def to_office(company: Company, lead_id: str, office_id: str) -> None:
    path = f"/v1/leads/{lead_id}/assign"
    expect(company.api.post(path, json_body={"office_id": office_id}, key=company.admin_key), 200)


def test_the_broker_filters_the_pool_and_assigns_to_an_agent_or_an_office_or_sends_a_lead_back(
    clock: MovableClock, company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.office("north")
    company.agent(1)
    company.agent(2, office_id="north", lead_management=True)
    early = submit(company, 1, source="zillow")
    clock.advance(minutes=30)
    website = submit(company, 2)
    in_north = submit(company, 3, source="zillow")
    to_office(company, in_north, "north")
    broker = signed_in(browsers, company, pool_id, "admin@b.test", role="admin")

    everything = broker.get("/app/pool").text
    assert _LEAD.findall(everything) == [in_north, website, early]  # newest first
    assert f'href="/app/leads/{early}"' in everything  # each lead links to its page
    assert "waiting 30 minutes" in everything
    assert listed(broker, "/app/pool?order=oldest") == [early, website, in_north]
    assert listed(broker, "/app/pool?source=Zillow") == [in_north, early]  # as the API reads a source
    assert listed(broker, "/app/pool?office=north") == [in_north]
    assert listed(broker, "/app/pool?office=none") == [website, early]
    assert listed(broker, "/app/pool?older_than=20") == [early]
    assert listed(broker, "/app/pool?older_than=20&source=website") == []
    assert "No unassigned leads match these filters." in broker.get("/app/pool?older_than=20&source=website").text

    # Assign to an agent: back to the same filters, with the API's answer; the lead leaves the pool.
    answer = broker.post(f"/app/pool/{early}/assign", {"to": "agent:1", "source": "zillow", "bogus": "x"})
    assert answer.headers["Location"] == "/app/pool?source=zillow"
    assert "The lead is assigned." in broker.get(answer.headers["Location"]).text
    assert company.lead(early)["agent_id"] == 1
    assert listed(broker, "/app/pool?source=zillow") == [in_north]

    # To an office: still unassigned, now that office's; Send back returns it to the company's pool.
    assert notice_after(broker, f"/app/pool/{website}/assign", {"to": "office:north"}) == "The lead is assigned."
    assert (company.lead(website)["status"], company.lead(website)["office_id"]) == ("unassigned", "north")
    sent = notice_after(broker, f"/app/pool/{in_north}/release", {"office": "north"})
    assert sent == "The lead is back in the company's pool."
    assert company.lead(in_north)["office_id"] is None
    assert listed(broker, "/app/pool?office=north") == [website]

    # The API's refusals in its own words: an unknown office, an agent who already has the lead.
    refused = notice_after(broker, f"/app/pool/{in_north}/assign", {"to": "office:south"})
    assert refused == "office_id: no office 'south' in this company"
    assert notice_after(broker, f"/app/pool/{in_north}/assign", {"to": ""}) == (
        "Choose an agent or an office to assign the lead to."
    )
    assert notice_after(broker, f"/app/pool/{early}/assign", {"to": "agent:2"}) == "The lead is assigned."
    assert company.lead(early)["agent_id"] == 2  # a lead that is held is reassigned, as the API does


def test_a_manager_sees_only_their_offices_pool_and_cannot_assign_outside_them(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.office("north")
    company.office("south")
    company.agent(1, office_id="north", lead_management=True)
    company.agent(2, office_id="south", lead_management=True)
    north, south = submit(company, 1), submit(company, 2)
    in_pool = submit(company, 3)
    to_office(company, north, "north")
    to_office(company, south, "south")
    manager = signed_in(browsers, company, pool_id, "om@b.test", role="office_manager", office_ids=["north"])

    page = manager.get("/app/pool").text
    assert _LEAD.findall(page) == [north]
    assert re.findall(r'<option value="(agent:\d+|office:[^"]+)"', page) == ["agent:1"]  # no offices to send to
    assert re.findall(r'<select id="office".*?</select>', page, re.S)[0].count("<option") == 2  # Any, North
    assert listed(manager, "/app/pool?office=south") == []
    assert in_pool not in page

    # Outside their offices: the lead desk's answers, and nothing changes.
    assert notice_after(manager, f"/app/pool/{south}/assign", {"to": "agent:1"}) == f"No lead {south}."
    assert notice_after(manager, f"/app/pool/{north}/assign", {"to": "agent:2"}) == (
        "agent_id: agent 2 is not in your offices"
    )
    assert notice_after(manager, f"/app/pool/{north}/assign", {"to": "office:south"}) == (
        "An office manager key may not do this."
    )
    assert company.lead(south)["office_id"] == "south"
    assert company.lead(north)["status"] == "unassigned"

    assert notice_after(manager, f"/app/pool/{north}/assign", {"to": "agent:1"}) == "The lead is assigned."
    assert company.lead(north)["agent_id"] == 1
    assert listed(manager, "/app/pool") == []
    # An agent has no managers' pool: theirs is the claimable one (when the company lets them claim).
    agent = signed_in(browsers, company, pool_id, "one@b.test", role="agent", agent_id=1)
    assert "This company does not let agents claim unassigned leads." in agent.get("/app/pool").text
    assert agent.post(f"/app/pool/{in_pool}/assign", {"to": "agent:1"}).status == 403


def test_a_managers_assign_lists_hold_only_their_offices_agents_with_lead_management(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    """The lead desk refuses a manager an agent without lead management: their lists never offer one (the
    broker's still do: the rule is the managers'), while the leads' search still finds that agent's leads."""
    company.office("north")
    company.agent(1, office_id="north", lead_management=True)
    company.agent(2, office_id="north", lead_management=False)
    waiting = submit(company, 1)
    to_office(company, waiting, "north")
    add_login(company, pool_id, "om@b.test", role="office_manager", office_ids=["north"])
    add_login(company, pool_id, "admin@b.test", role="admin")
    manager, broker = browsers(), browsers()
    manager.sign_in("om@b.test")
    broker.sign_in("admin@b.test")

    assert re.findall(r'<option value="agent:(\d+)"', manager.get("/app/pool").text) == ["1"]
    assert re.findall(r'<option value="(\d+)"', manager.get(f"/app/leads/{waiting}").text) == ["1"]
    search = manager.get("/app/leads").text
    assert re.findall(r'<select id="agent".*?</select>', search, re.S)[0].count('<option value="') == 3  # Any, 1, 2
    assert re.findall(r'<option value="agent:(\d+)"', broker.get("/app/pool").text) == ["1", "2"]
    # The choice the list no longer offers is still the desk's to refuse, in its words.
    assert notice_after(manager, f"/app/pool/{waiting}/assign", {"to": "agent:2"}) == (
        "agent_id: agent 2 has no lead management"
    )
    assert notice_after(manager, f"/app/pool/{waiting}/assign", {"to": "agent:1"}) == "The lead is assigned."
    assert company.lead(waiting)["agent_id"] == 1


def _minute(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def test_leads_are_searched_by_status_agent_office_source_and_time_and_a_bad_filter_says_which(
    clock: MovableClock, company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.office("north")
    company.agent(1)
    company.agent(2, office_id="north")
    first = submit(company, 1, source="zillow")
    clock.advance(hours=2)
    second, third = submit(company, 2), submit(company, 3, source="zillow")
    for lead_id, agent_id in ((first, 1), (second, 2)):
        body = {"agent_id": agent_id}
        expect(company.api.post(f"/v1/leads/{lead_id}/assign", json_body=body, key=company.admin_key), 200)
    broker = signed_in(browsers, company, pool_id, "admin@b.test", role="admin")

    assert listed(broker, "/app/leads", _ROW) == [third, second, first]
    assert listed(broker, "/app/leads?status=assigned", _ROW) == [second, first]
    assert listed(broker, "/app/leads?agent=1", _ROW) == [first]
    assert listed(broker, "/app/leads?office=north", _ROW) == [second]
    assert listed(broker, "/app/leads?source=zillow&status=unassigned", _ROW) == [third]
    between = datetime.fromisoformat(company.lead(first)["created_at"]) + timedelta(hours=1)
    assert listed(broker, f"/app/leads?from={_minute(between)}", _ROW) == [third, second]
    assert listed(broker, f"/app/leads?to={_minute(between)}&source=zillow", _ROW) == [first]
    page = broker.get("/app/leads?agent=2&source=website").text
    assert re.findall(r'<option value="2" selected>', page)  # the search stays in its form
    assert "Agent 2" in page  # agents by name

    # A filter that cannot be one: the page says which, keeps the form, and lists nothing.
    for path, status, words in (
        ("/app/leads?from=yesterday", 422, "From: a date and time such as 2026-12-02T09:30 (UTC)."),
        ("/app/leads?to=1767225600", 422, "To: a date and time such as"),
        ("/app/leads?from=2026-12-02T10:00&to=2026-12-02T09:00", 422, "From: a moment before To."),
        ("/app/leads?agent=first", 422, "Agent: choose an agent from the list."),
        ("/app/leads?status=lost", 422, "Status: one of unassigned, offered, pending_acceptance, assigned."),
        (f"/app/leads?source={'x' * 65}", 422, "Source: at most 64 characters."),
        ("/app/leads?cursor=not-one", 400, "The cursor is not one this API gave out"),
        ("/app/pool?older_than=an+hour", 422, "Waiting longer than: a whole number of minutes, 0 or more."),
        ("/app/pool?older_than=-5", 422, "Waiting longer than: a whole number of minutes"),
        ("/app/pool?cursor=not-one", 400, "The cursor is not one this API gave out"),
    ):
        answer = broker.get(path)
        assert answer.status == status, (path, answer.text[:300])
        shown = re.findall(r'class="error" role="alert">([^<]*)', answer.text)
        assert len(shown) == 1, path
        assert shown[0].startswith(words), (path, shown)
        assert 'name="source"' in answer.text
        assert "data-lead-id" not in answer.text
