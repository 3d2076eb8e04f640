"""Returning leads and erasure over HTTP against the local stack (issue 12's Verify): Jamie signs up, agent 2
claims; Jamie signs up again, written another way, and the lead goes to agent 2 saying why; two sign-ups of
one new person at the same moment are one person; after Jamie's erasure no answer has their email."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.mailbox import offer_link, path_of, wait_for_emails
from tests.support.scenario import Company, expect

JSON = {"Accept": "application/json"}
EVENTS_TIMEOUT_SECONDS = 20.0


def _address(company: Company, agent_id: int) -> str:
    return f"agent{agent_id}@{company.company_id}.test"


def _published(api: ApiClient, lead_ids: set[str], event: str, count: int) -> list[dict[str, Any]]:
    """The events of these leads, once `count` of `event` are out (the stream publishes them shortly after)."""
    deadline = time.monotonic() + EVENTS_TIMEOUT_SECONDS
    while True:
        events = [e for e in expect(api.get("/_local/events.json"), 200) if e["detail"].get("lead_id") in lead_ids]
        if sum(e["detail-type"] == event for e in events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.3)


def test_jamie_comes_back_to_agent_2_and_after_erasure_no_answer_has_their_email(
    company: Company, api: ApiClient, local_stack: LocalStack
) -> None:
    for agent_id in (1, 2, 3):
        company.agent(agent_id, email=_address(company, agent_id), click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    jamie = {"first_name": "Jamie", "last_name": "Quinn", "email": "jamie.quinn@example.org", "phone": "312 555 0142"}
    first_id = expect(company.submit(jamie), 202)["lead_id"]
    claim = path_of(offer_link(wait_for_emails(api, _address(company, 2))[0]))
    expect(api.post(claim, form={"action": "claim"}, headers=JSON), 200)

    again = {
        "first_name": "JAMIE",
        "last_name": "quinn",
        "email": "JAMIE.Quinn@example.org",
        "phone": "+1 (312) 555-0142",
    }
    again_id = expect(company.submit(again), 202)["lead_id"]

    lead = company.lead(again_id)
    first = company.lead(first_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
    assert lead["person_id"] == first["person_id"]
    # Dated by the company's calendar (America/Chicago), in the history as in the email.
    first_day = company.local_day(first["created_at"])
    held = f"returning lead: same email as {first_id} of {first_day}, held by agent 2"
    assert any(held in entry["detail"] for entry in lead["history"])
    # The owner is told by email that the lead is theirs, and that it is a returning one: when and where the
    # person first inquired.
    notice = wait_for_emails(api, _address(company, 2), count=2)[0]
    assert notice["subject"].startswith("A lead is yours")
    assert f"first inquired on {first_day} (source: website)" in notice["text"]

    assert api.delete(f"/v1/people/{lead['person_id']}", key=company.admin_key).status == 204

    answers = [
        company.lead(first_id),
        company.lead(again_id),
        expect(api.get("/v1/leads", key=company.admin_key), 200),
        expect(api.get(f"/v1/leads?person_id={lead['person_id']}", key=company.admin_key), 200),
        _published(api, {first_id, again_id}, "person.erased", 2),
        expect(api.get("/_local/mail.json"), 200),  # emails name an initial, never contact details
    ]
    for answer in answers:
        text = json.dumps(answer).lower()
        assert "jamie" not in text
        # The phone in any way it was written or stored: "0142" alone is also in random ids and links.
        assert not any(phone in text for phone in ("555 0142", "555-0142", "5550142"))
    events = answers[-2]
    assert sum(event["detail-type"] == "person.erased" for event in events) == 2
    assert all(event["detail"]["person_id"] == lead["person_id"] for event in events)
    # The functions log what they did, never whom it was about.
    logs = (local_stack.log.parent / "stack.log").read_text() + local_stack.log.read_text()
    assert "jamie.quinn" not in logs.lower()


def test_two_sign_ups_of_one_new_person_at_the_same_moment_are_one_person(company: Company, api: ApiClient) -> None:
    bodies = [{"first_name": f"Sam {n}", "last_name": "Ortiz", "email": "sam.ortiz@example.org"} for n in range(2)]
    start = Barrier(len(bodies))

    def sign_up(body: dict[str, Any]) -> str:
        start.wait()
        return str(expect(company.submit(body), 202)["lead_id"])

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        lead_ids = list(pool.map(sign_up, bodies))

    assert len(set(lead_ids)) == len(bodies)
    assert len({company.lead(lead_id)["person_id"] for lead_id in lead_ids}) == 1
