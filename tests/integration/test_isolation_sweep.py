"""Isolation and secrets, swept: every id of one company tried with the keys of another (all 404); keys and
link tokens carry at least 128 random bits, are stored only as hashes and compared in constant time; and no
log line of a full run (intake, offers, emails, failures, timeouts) holds a lead's email or phone."""

import base64
import hmac
import io
import json
import logging
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.offers import JSON, claim_company, emails_to, link_for, offer_links
from tests.support.scenario import Company, expect, unique_lead
from tests.support.timers import fire, pending_timers

ROUTE = {"name": "Everything", "priority": 10, "members": [1, 2], "claim_window_seconds": 60}


def their_ids(company: Company, template: Template) -> dict[str, str]:
    """One of each thing a company has: agent, office, route, lead, key, offer (and its link's token)."""
    company.office("north")
    claim_company(company, 2)
    route = expect(company.api.post("/v1/routes", json_body=ROUTE, key=company.admin_key), 201)
    lead_id = str(expect(company.submit(unique_lead(900)), 202)["lead_id"])
    issued = expect(
        company.api.post("/v1/keys", json_body={"role": "agent", "agent_id": 1}, key=company.admin_key), 201
    )
    lead = company.lead(lead_id)
    return {
        "agent": "1",
        "office": "north",
        "route": str(route["route_id"]),
        "lead": lead_id,
        "key": str(issued["key_id"]),
        "offer": str(lead["offers"][0]["offer_id"]),
        "token": link_for(template, 1).token,
    }


def test_every_id_of_theirs_is_not_found_with_our_keys(
    company: Company, other_company: Company, api: ApiClient, template: Template
) -> None:
    theirs = their_ids(other_company, template)
    before = {
        path: other_company.api.get(path, key=other_company.admin_key).json
        for path in ("/v1/agents", "/v1/offices", "/v1/routes", "/v1/keys")
    }
    company.agent(5, click_to_claim=True)  # (agent ids are per company: ours are numbered apart from theirs)
    ours = {"admin": company.admin_key, "agent": company.key("agent", agent_id=5)}
    lead_before = other_company.lead(theirs["lead"])

    attempts: list[tuple[str, str, dict[str, Any] | None]] = [
        ("GET", f"/v1/agents/{theirs['agent']}", None),
        ("PUT", f"/v1/agents/{theirs['agent']}", {"name": "Mine", "email": "mine@brokerage.test"}),
        ("PATCH", f"/v1/agents/{theirs['agent']}", {"name": "Mine"}),
        ("DELETE", f"/v1/agents/{theirs['agent']}", None),
        ("GET", f"/v1/offices/{theirs['office']}", None),
        ("PUT", f"/v1/offices/{theirs['office']}", {"office_id": theirs["office"], "name": "Mine"}),
        ("DELETE", f"/v1/offices/{theirs['office']}", None),
        ("GET", f"/v1/routes/{theirs['route']}", None),
        ("PUT", f"/v1/routes/{theirs['route']}", ROUTE),
        ("DELETE", f"/v1/routes/{theirs['route']}", None),
        ("GET", f"/v1/leads/{theirs['lead']}", None),
        ("POST", f"/v1/leads/{theirs['lead']}/assign", {"agent_id": 1}),
        ("DELETE", f"/v1/keys/{theirs['key']}", None),
    ]
    answers: dict[str, int] = {}
    for method, path, body in attempts:
        for role in ("admin", "agent"):
            answer = api.call(method, path, json_body=body, key=ours[role])
            answers[f"{role} {method} {path}"] = answer.status
    for action in ("claim", "pass"):
        answer = api.post(f"/v1/me/offers/{theirs['offer']}/{action}", key=ours["agent"])
        answers[f"agent POST me/offers/{action}"] = answer.status

    admin_answers = {attempt: status for attempt, status in answers.items() if attempt.startswith("admin")}
    agent_answers = {attempt: status for attempt, status in answers.items() if attempt.startswith("agent")}
    assert set(admin_answers.values()) == {404}, admin_answers
    # An agent key may not reach admin endpoints at all (403), and never learns whether the id exists.
    assert set(agent_answers.values()) <= {403, 404}, agent_answers
    assert all(status == 404 for attempt, status in agent_answers.items() if "me/offers" in attempt)
    assert other_company.lead(theirs["lead"]) == lead_before
    after = {path: other_company.api.get(path, key=other_company.admin_key).json for path in before}
    assert after == before


@pytest.fixture
def compare_digest_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    original: Callable[[Any, Any], bool] = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((str(a), str(b)))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    return calls


def test_keys_and_link_tokens_are_random_hashed_and_compared_in_constant_time(
    company: Company, api: ApiClient, template: Template, table_name: str, compare_digest_calls: list[tuple[str, str]]
) -> None:
    claim_company(company, 2)
    secrets = [company.key("agent", agent_id=1) for _ in range(20)] + [company.admin_key]
    for n in range(5):
        expect(company.submit(unique_lead(n)), 202)
    tokens = [link.token for email in emails_to(template, "agent1@brokerage.test") for link in offer_links(email.links)]
    assert len(tokens) == 5

    for secret in secrets:
        raw = base64.urlsafe_b64decode(secret.removeprefix("lrk_") + "==")
        assert len(raw) * 8 >= 128
    for token in tokens:
        assert len(base64.urlsafe_b64decode(token + "==")) * 8 >= 128
    assert len(set(secrets)) == len(secrets)
    assert len(set(tokens)) == len(tokens)

    stored = json.dumps(boto3.client("dynamodb").scan(TableName=table_name)["Items"])
    for secret in [*secrets, *tokens]:
        assert secret not in stored
        assert secret.removeprefix("lrk_") not in stored

    compare_digest_calls.clear()
    expect(api.get("/v1/agents", key=secrets[-1]), 200)
    assert compare_digest_calls, "the key was not compared with hmac.compare_digest"
    compare_digest_calls.clear()
    expect(api.get(f"/v1/offers/{tokens[0]}", headers=JSON), 200)
    assert compare_digest_calls, "the link token was not compared with hmac.compare_digest"


def test_no_log_line_of_a_full_run_holds_a_leads_email_or_phone(
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Child loggers made before the environment named the service log through the root logger: keep those too.
    caplog.set_level(logging.INFO)
    # Every line any handler formats (Powertools' JSON included, whichever function's container made it).
    output = io.StringIO()
    emit = logging.StreamHandler.emit

    def capture(self: logging.StreamHandler[Any], record: logging.LogRecord) -> None:
        output.write(self.format(record) + "\n")
        emit(self, record)

    monkeypatch.setattr(logging.StreamHandler, "emit", capture)

    claim_company(company, 3, claim_link_ttl_seconds=60)
    key = company.key("agent", agent_id=3)
    contacts = [(f"secret.person{n}@private-mail.test", f"+1 312 555 01{n:02d}") for n in range(4)]
    lead_ids = []
    for n, (email, phone) in enumerate(contacts):
        body = {**unique_lead(n), "email": email, "phone": phone, "message": "call me"}
        lead_ids.append(str(expect(company.submit(body, headers={"Idempotency-Key": f"k{n}"}), 202)["lead_id"]))
    expect(
        company.submit(
            {**unique_lead(0), "email": contacts[0][0], "phone": contacts[0][1], "message": "call me"},
            headers={"Idempotency-Key": "k0"},
        ),
        202,
    )
    expect(company.submit({"first_name": "No", "email": "not-an-email"}), 422)

    assert api.post(link_for(template, 1).path, form={"action": "pass"}).status == 200
    assert api.post(link_for(template, 2, 1).path, form={"action": "claim"}).status == 200
    (offer, *_) = expect(api.get("/v1/me/offers", key=key), 200)["offers"]
    expect(api.post(f"/v1/me/offers/{offer['offer_id']}/claim", key=key), 200)
    expect(api.get(f"/v1/leads/{lead_ids[0]}", key=company.admin_key), 200)
    expect(api.get("/v1/leads", key=company.admin_key), 200)
    expect(api.get("/v1/me/leads", key=key), 200)
    clock.advance(seconds=600)
    for schedule in pending_timers(aws):
        fire(runtime, schedule)
    runtime.invoke("SweeperFunction", {})

    lines = [line for line in output.getvalue().splitlines() if line.strip()]
    lines += [json.dumps({**record.__dict__, "message": record.getMessage()}, default=str) for record in caplog.records]
    messages = {json.loads(line)["message"] for line in lines if line.startswith("{")}
    assert {"lead routed", "offer answered", "offer timer handled", "authorized"} <= messages, messages
    assert len(lines) > 20  # the run did log: intake, authorizer, offers, timers
    for email, phone in contacts:
        leaked = [line for line in lines if email in line or phone in line or phone.replace(" ", "") in line]
        assert leaked == [], leaked[:3]
