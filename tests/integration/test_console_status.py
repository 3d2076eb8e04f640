"""My status in the console (console/status_screens.py): the agent sets their status with a reason through
the same desk as PUT /v1/me/status (so GET /v1/me/status says it, and agent.status_changed is published),
sees what routing makes of it and their hours and out-of-office dates (read-only), and a bad status or reason
is refused with the API's words; the page is the agents' only."""

import re
from typing import Any

from devstack.resources import CreatedResources
from tests.support.aws_state import bus_events
from tests.support.console import Browsers, add_login
from tests.support.scenario import Company, expect


def _notice(text: str) -> list[str]:
    return re.findall(r'class="notice">([^<]*)', text)


def _presence_events(aws: CreatedResources) -> list[dict[str, Any]]:
    return [
        event["detail"] for event in bus_events(aws.event_queue_url) if event["detail-type"] == "agent.status_changed"
    ]


def test_an_agent_sets_away_with_a_reason_and_back_as_the_api_says_and_the_change_is_published(
    aws: CreatedResources, company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(2)
    company.agent(
        1,
        working_hours={"time_zone": "America/Denver", "days": {"monday": [{"start": "09:00", "end": "17:00"}]}},
        out_of_office=[{"start": "2027-01-04", "end": "2027-01-08", "backup_agent_id": 2}],
    )
    add_login(company, pool_id, "one@b.test", role="agent", agent_id=1)
    key = company.key("agent", agent_id=1)
    browser = browsers()
    browser.sign_in("one@b.test")
    bus_events(aws.event_queue_url)

    page = browser.get("/app/status").text
    assert 'aria-current="page">My status' in page
    assert re.search(r'id="status-available"[^>]*checked', page)
    assert "Monday</th><td>09:00 to 17:00" in page
    assert "In America/Denver." in page
    assert "2027-01-04 to 2027-01-08 · leads that name you go to Agent 2" in page
    assert "admins set your working hours and out-of-office dates" in page
    assert "<input" not in page.split('id="hours"')[1]  # hours and dates are read-only here

    saved = browser.post("/app/status", {"status": "away", "reason": "  at a showing  "})
    assert (saved.status, saved.headers["Location"]) == (303, "/app/status")
    page = browser.get("/app/status").text
    assert _notice(page) == ["Your status is away (at a showing)."]
    assert "You are <strong>away</strong> (at a showing)." in page
    assert "Routing skips you now: away (at a showing)." in page
    assert 'value="at a showing"' in page
    mine = expect(company.api.get("/v1/me/status", key=key), 200)
    assert (mine["status"], mine["status_reason"], mine["available_now"]) == ("away", "at a showing", False)

    browser.post("/app/status", {"status": "available", "reason": ""})
    assert _notice(browser.get("/app/status").text) == ["Your status is available."]
    mine = expect(company.api.get("/v1/me/status", key=key), 200)
    assert (mine["status"], mine["status_reason"]) == ("available", None)

    published = _presence_events(aws)
    assert [(event["agent_id"], event["status"], event["status_reason"]) for event in published] == [
        (1, "away", "at a showing"),
        (1, "available", None),
    ]
    assert published[0]["changed"] == ["status", "status_reason"]


def test_a_bad_status_or_reason_is_refused_with_the_apis_words_and_only_agents_have_the_page(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    add_login(company, pool_id, "one@b.test", role="agent", agent_id=1)
    add_login(company, pool_id, "admin@b.test", role="admin")
    key = company.key("agent", agent_id=1)
    agent = browsers()
    agent.sign_in("one@b.test")
    agent.get("/app/status")

    for form, words in (
        ({"status": "asleep"}, "status: Input should be 'available', 'away' or 'offline'"),
        ({"reason": "no status"}, "status: Input should be 'available', 'away' or 'offline'"),
        ({"status": "away", "reason": "x" * 201}, "a status reason has 1 to 200 characters"),
    ):
        refused = agent.post("/app/status", form)
        assert refused.headers["Location"] == "/app/status"
        [notice] = _notice(agent.get("/app/status").text)
        assert words in notice.replace("&#39;", "'"), (form, notice)
    assert agent.post("/app/status", {"status": "away"}, csrf=False).status == 403
    assert expect(company.api.get("/v1/me/status", key=key), 200)["status"] == "available"

    admin = browsers()
    admin.sign_in("admin@b.test")
    assert "My status" not in admin.get("/app/leads").text
    for answer in (admin.get("/app/status"), admin.post("/app/status", {"status": "away"})):
        assert answer.status == 403
    assert expect(company.api.get("/v1/me/status", key=key), 200)["status"] == "available"
