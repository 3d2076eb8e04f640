"""The admins' queue page and Try a lead, in-process: the queue in the API's pick order naming its next agent,
an adjustment from the page that changes who is next and is listed, Try a lead showing the API's simulate
steps for the same lead (and a moment outside a route's hours changing the answer), bad input answered with
a clear message, and no page for anyone but an admin. The browser journey: tests/e2e/test_console_queue_browser.py."""

import html
import re
from typing import Any

import pytest

from tests.support.console import Browsers, ConsoleBrowser, signed_in
from tests.support.scenario import Company, expect, unique_lead


def admin_browser(company: Company, pool_id: str, browsers: Browsers) -> ConsoleBrowser:
    return signed_in(browsers, company, pool_id, "admin@b.test", role="admin")


def queue_answer(company: Company) -> dict[str, Any]:
    return expect(company.api.get("/v1/routing/queue", key=company.admin_key), 200)  # type: ignore[no-any-return]


def shown_order(text: str) -> list[int]:
    listing = text.split('aria-label="Round-robin queue in pick order"', 1)[1].split("</ol>", 1)[0]
    return [int(agent_id) for agent_id in re.findall(r'data-agent-id="(\d+)"', listing)]


def next_shown(text: str) -> tuple[int, str]:
    found = re.search(r'id="next-agent" data-agent-id="(\d+)">([^<]*)<', text)
    assert found, "the page names no next agent"
    return int(found.group(1)), html.unescape(found.group(2))


def texts_of(text: str, label: str) -> list[str]:
    """The plain text of each item of the list labelled `label`."""
    listing = text.split(f'aria-label="{label}"', 1)[1].split("</ol>", 1)[0]
    items = re.split(r'<li class="step[^"]*"[^>]*>', listing)[1:]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def test_the_queue_page_shows_the_apis_order_and_next_agent_and_an_adjustment_changes_who_is_next(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.settings(auto_assign_enabled=True)
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    company.agent(4, in_auto_assign_queue=True, max_leads_per_day=0)
    expect(company.submit(unique_lead(1)), 202)  # agent 1 takes the first turn
    browser = admin_browser(company, pool_id, browsers)

    page = browser.get("/app/routing/queue")
    api = queue_answer(company)
    assert page.status == 200
    assert shown_order(page.text) == [entry["agent_id"] for entry in api["agents"]]
    assert next_shown(page.text) == (
        api["next_agent_id"],
        f"The next round-robin lead goes to Agent {api['next_agent_id']} (agent {api['next_agent_id']}): the first "
        "eligible agent in pick order, with 0 credits at weight 1.",
    )
    assert api["next_agent_id"] == 2
    assert "Not eligible: daily cap 0 of 0 reached" in page.text
    assert 'aria-current="page">Queue<' in page.text
    assert "No adjustments yet." in page.text

    adjustment = {"agent_id": "2", "credits_delta": "3", "reason": "took a walk-in"}
    done = browser.post("/app/routing/queue/adjust", adjustment)
    assert done.status == 303
    after = browser.get(done.headers["Location"])
    assert "The adjustment is recorded." in after.text
    assert next_shown(after.text)[0] == queue_answer(company)["next_agent_id"] == 3
    adjustments = texts_of(after.text.replace("<li>", '<li class="step">'), "Adjustments, newest first")
    assert len(adjustments) == 1
    assert "Agent 2 (agent 2): +3 credits, took a walk-in by admin@b.test" in adjustments[0]

    # A refusal of the desk (no such agent, nothing to change) comes back in the API's words, changing nothing.
    for form, words in (
        ({"agent_id": "9", "credits_delta": "1", "reason": "who?"}, "No agent 9."),
        (
            {"agent_id": "1", "credits_delta": "0", "reason": "none"},
            "an adjustment of less than 0.001 credits changes nothing",
        ),
        ({"agent_id": "1", "credits_delta": "lots", "reason": "x"}, "credits_delta: Input should be a valid number"),
    ):
        refused = browser.post("/app/routing/queue/adjust", form)
        assert words in browser.get(refused.headers["Location"]).text
    assert len(queue_answer(company)["adjustments"]) == 1


def test_try_a_lead_shows_the_apis_steps_and_a_moment_outside_a_routes_hours_changes_the_answer(
    company: Company, pool_id: str, browsers: Browsers, caplog: pytest.LogCaptureFixture
) -> None:
    company.settings(auto_assign_enabled=True)
    company.agents([1, 2], in_auto_assign_queue=True)
    route = {
        "name": "Office hours",
        "priority": 1,
        "members": [2],
        "conditions": {"start_time": "09:00", "end_time": "17:00", "sources": ["zillow"]},
    }
    expect(company.api.post("/v1/routes", json_body=route, key=company.admin_key), 201)
    browser = admin_browser(company, pool_id, browsers)
    assert 'name="interest.zip"' in browser.get("/app/try").text

    lead = {"source": "Zillow", "interest": {"zip": "60601", "type": "buy"}, "email": "pat@example.net"}
    form = {"source": "Zillow", "interest.zip": "60601", "interest.type": "buy", "email": "pat@example.net"}
    for day, clock, decided_by in (("2025-03-18", "10:00", "routes"), ("2025-03-18", "20:30", "round_robin")):
        api = expect(
            company.api.post(
                "/v1/routing/simulate",
                json_body={"lead": lead, "at": f"{day}T{clock}:00-05:00"},
                key=company.admin_key,
            ),
            200,
        )
        shown = browser.post("/app/try", {**form, "date": day, "time": clock})
        assert shown.status == 200
        assert api["step"] == decided_by
        assert api["detail"] in html.unescape(shown.text)
        assert f"Tuesday {day} {clock} America/Chicago" in shown.text
        steps = texts_of(shown.text, "Steps")
        assert len(steps) == len(api["steps"])
        for text, step in zip(steps, api["steps"], strict=True):
            assert text.startswith(step["step"])
            assert all(detail in text for detail in step["details"])
        assert texts_of(shown.text, "Routes")[0].endswith(api["routes"][0]["detail"])
        assert 'value="60601"' in shown.text  # the form keeps what was tried

    # Left empty, the moment is now (the page says when it tried).
    now = browser.post("/app/try", {"source": "website"})
    assert now.status == 200
    assert "America/Chicago" in now.text
    # The contact tried is in no log record, nor in any record's fields ("authorized" is one of them).
    assert "authorized" in [record.getMessage() for record in caplog.records]
    assert not [record for record in caplog.records if "pat@example.net" in str(vars(record))]


def test_bad_input_is_a_clear_message_and_only_admins_have_these_pages(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    browser = admin_browser(company, pool_id, browsers)
    browser.get("/app/try")
    for form, words in (
        ({"interest.price": "a lot"}, "interest.price: Input should be a valid integer"),
        ({"email": "not an address"}, "email: is not in the expected format"),
        ({"date": "2025-03-18"}, "Give both a date and a time for the moment, or leave both empty for now."),
        ({"date": "18/03/2025", "time": "10:00"}, "The moment is not a date (YYYY-MM-DD) and a time (HH:MM)."),
    ):
        answer = browser.post("/app/try", form)
        assert answer.status == 422, form
        error = re.search(r'id="try-error">([^<]*)<', answer.text)
        assert error, form
        assert words in html.unescape(error.group(1)), form

    agent = signed_in(browsers, company, pool_id, "agent@b.test", role="agent", agent_id=1)
    agent.get("/app/offers")
    for path in ("/app/routing/queue", "/app/try"):
        assert agent.get(path).status == 403
    assert agent.post("/app/try", {"source": "website"}).status == 403
    assert agent.post("/app/routing/queue/adjust", {"agent_id": "1", "credits_delta": "1", "reason": "x"}).status == 403
