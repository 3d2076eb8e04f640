"""Bad input over real HTTP: the local gateway and the handlers answer each class with a 4xx in the
contract's shape, never a 5xx (the same classes tests/integration/test_bad_input.py covers in-process)."""

import json

import pytest

from tests.support.scenario import Company, unique_lead


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "text/plain"}, json.dumps(unique_lead(1)).encode(), 415),
        ({"Content-Type": "application/json"}, b'{"email": "\xff@example.net"}', 400),
        (
            {"Content-Type": "application/json"},
            b'{"email": "a@example.net", "chosen_agent_id": ' + b"9" * 5000 + b"}",
            400,
        ),
        (
            {"Content-Type": "application/json"},
            b'{"email": "a@example.net", "listing": ' + b"[" * 30000 + b"]" * 30000 + b"}",
            400,
        ),
        ({"Content-Type": "application/json"}, json.dumps(unique_lead(2, chosen_agent_id=True)).encode(), 422),
        ({"Content-Type": "application/json"}, json.dumps(unique_lead(3, chosen_agent_id=10**38)).encode(), 422),
    ],
)
def test_a_lead_that_cannot_be_read_is_refused_with_a_4xx(
    company: Company, headers: dict[str, str], body: bytes, status: int
) -> None:
    answer = company.api.post(company.leads_path(), raw=body, headers=headers)
    assert answer.status == status, answer.text
    assert set(answer.json["error"]) >= {"code", "message"}


def test_an_office_sent_as_text_is_refused_415(company: Company) -> None:
    body = json.dumps({"office_id": "south", "name": "South"}).encode()
    answer = company.api.post("/v1/offices", raw=body, headers={"Content-Type": "text/plain"}, key=company.admin_key)
    assert answer.status == 415, answer.text
    assert answer.json["error"]["code"] == "unsupported_media_type"
    assert company.api.get("/v1/offices", key=company.admin_key).json["offices"] == []
