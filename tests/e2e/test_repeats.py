"""Repeats of one intake request over HTTP, from real threads at the same moment (a double click, a
retrying website): one lead, answered to every repeat, its emails sent once (docs/DECISIONS.md)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.support.client import Answer
from tests.support.mailbox import emails_to, wait_for_emails
from tests.support.scenario import Company, expect, unique_lead

REPEATS = 6


def same_request_at_once(company: Company, **headers: str) -> list[Answer]:
    body = unique_lead(1)
    start = threading.Barrier(REPEATS)

    def submit(_n: int) -> Answer:
        start.wait()
        return company.submit(body, headers=headers)

    with ThreadPoolExecutor(max_workers=REPEATS) as pool:
        return list(pool.map(submit, range(REPEATS)))


def listed(company: Company) -> list[dict[str, Any]]:
    return expect(company.api.get("/v1/leads", key=company.admin_key), 200)["leads"]  # type: ignore[no-any-return]


def test_the_same_request_at_once_to_the_pool_is_one_lead_answered_to_all(company: Company) -> None:
    answers = same_request_at_once(company, **{"Idempotency-Key": "double-click"})

    # Nothing follows the write of a pooled lead: once stored, it is the answer to every repeat.
    assert {answer.status for answer in answers} == {202}
    (lead,) = listed(company)
    assert {answer.json["lead_id"] for answer in answers} == {lead["lead_id"]}


def test_the_same_request_at_once_with_click_to_claim_is_one_lead_and_one_email(company: Company) -> None:
    address = f"agent1@{company.company_id}.test"
    company.agent(1, email=address, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)

    answers = same_request_at_once(company)

    # While the attempt that wrote the lead may still be sending its emails, a repeat is told to retry.
    (lead,) = listed(company)
    for answer in answers:
        assert (answer.status, answer.json.get("lead_id")) == (202, lead["lead_id"]) or (
            answer.status,
            answer.error_code,
        ) == (409, "in_progress"), answer.text
    assert any(answer.status == 202 for answer in answers)
    wait_for_emails(company.api, address)
    # Every attempt has answered, and an attempt sends its emails before it answers: none can come later.
    assert len(emails_to(company.api, address)) == 1
    again = expect(company.submit(unique_lead(1)), 202)  # the website's retry after a 409
    assert again["lead_id"] == lead["lead_id"]
