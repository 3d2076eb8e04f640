"""The intake endpoint's rules: its answer, duplicates, the honeypot, invalid input, size, CORS."""

import json
import re
from typing import Any

import pytest
from urllib3 import encode_multipart_formdata

from tests.support.aws_state import lead_ids, table_keys
from tests.support.client import Answer
from tests.support.scenario import Company, expect, unique_lead

LEAD_ID = re.compile(r"^ld_[0-9a-z]{26}$")
SITE = "https://lakeside.test"


def header(answer: Answer, name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in answer.headers.items() if key.lower() == wanted), None)


# The answer ------------------------------------------------------------------------------------------


def test_an_intake_answers_202_with_the_lead_id_and_status(company: Company) -> None:
    company.agents([1], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    answer = company.submit(unique_lead(1))
    assert answer.status == 202
    assert (header(answer, "Content-Type") or "").startswith("application/json")
    body = answer.json
    assert set(body) == {"lead_id", "status"}
    assert LEAD_ID.match(body["lead_id"])
    assert body["status"] == "assigned"
    assert company.lead(body["lead_id"])["agent_id"] == 1


def test_the_lead_keeps_what_the_website_sent(company: Company) -> None:
    sent = {
        "first_name": "Pat",
        "last_name": "Doe",
        "email": "pat@example.net",
        "phone": "+1 312 555 0100",
        "message": "Is the house still available?",
        "source": "Zillow",
        "interest": {"type": "buy", "zip": "60614", "city": "Chicago", "price": 450000},
        "page_url": "https://lakeside.test/listings/a1001",
    }
    answer = expect(company.submit(sent), 202)
    lead = company.lead(answer["lead_id"])
    assert lead["contact"] == {
        "first_name": "Pat",
        "last_name": "Doe",
        "email": "pat@example.net",
        "phone": "+1 312 555 0100",
    }
    assert lead["message"] == "Is the house still available?"
    assert lead["source"] == "zillow"
    assert lead["interest"] == sent["interest"]
    assert lead["page_url"] == sent["page_url"]
    assert (
        lead["history"][0]["detail"] == "Lead received from source 'zillow' from https://lakeside.test/listings/a1001."
    )
    assert lead["created_at"].endswith("Z")


def test_a_phone_alone_is_enough(company: Company) -> None:
    expect(company.submit({"phone": "312-555-0100"}), 202)


# Duplicates ------------------------------------------------------------------------------------------


def test_an_idempotency_key_returns_the_first_answer_and_creates_one_lead(company: Company) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    first = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-7f3a"}), 202)
    again = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-7f3a"}), 202)
    assert again == first
    assert lead_ids(company) == [first["lead_id"]]
    # The round-robin turn was not spent twice either.
    assert expect(company.submit(unique_lead(2)), 202)["status"] == "assigned"
    assert [lead["agent_id"] for lead in [company.lead(lead_id) for lead_id in lead_ids(company)]] == [2, 1]


def test_an_idempotency_key_reused_with_another_body_is_422(company: Company) -> None:
    first = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-7f3a"}), 202)
    answer = company.submit(unique_lead(2), headers={"Idempotency-Key": "form-7f3a"})
    assert answer.status == 422
    assert answer.error_code == "idempotency_key_reused"
    assert lead_ids(company) == [first["lead_id"]]


def test_the_same_idempotency_key_in_two_companies_is_two_leads(company: Company, other_company: Company) -> None:
    ours = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "k-1"}), 202)
    theirs = expect(other_company.submit(unique_lead(1), headers={"Idempotency-Key": "k-1"}), 202)
    assert ours["lead_id"] != theirs["lead_id"]
    assert lead_ids(company) == [ours["lead_id"]]
    assert lead_ids(other_company) == [theirs["lead_id"]]


def test_an_intake_writes_its_lead_alone_under_a_partition_of_its_own(
    company: Company, other_company: Company, table_name: str
) -> None:
    before = set(table_keys(table_name))
    for n in range(3):
        expect(company.submit(unique_lead(n)), 202)
        expect(other_company.submit(unique_lead(n), headers={"Idempotency-Key": f"form-{n}"}), 202)
    written = set(table_keys(table_name)) - before

    # No idempotency record, no receipt: the lead's write is the record, and no key is written by every intake.
    # Beside it, the person index items of its own person (one per distinct email here), each a partition
    # keyed by a keyed hash (service/people_desk.py): six people, six leads.
    assert sorted(sk for _pk, sk in written) == ["LEAD"] * 6 + ["PERSON"] * 6
    assert len({pk for pk, _sk in written}) == 12


def test_the_same_payload_again_without_a_key_is_the_same_lead(company: Company) -> None:
    first = expect(company.submit(unique_lead(1)), 202)
    again = expect(company.submit(unique_lead(1)), 202)
    assert again == first
    assert lead_ids(company) == [first["lead_id"]]


def test_the_same_form_posted_twice_is_the_same_lead(company: Company) -> None:
    form = {"first_name": "Pat", "email": "pat@example.net", "submit": "Send"}
    first = expect(company.api.post(company.leads_path(), form=form), 202)
    again = expect(company.api.post(company.leads_path(), form=form), 202)
    assert again == first


def test_different_payloads_are_different_leads(company: Company) -> None:
    first = expect(company.submit(unique_lead(1)), 202)
    second = expect(company.submit(unique_lead(1, message="One more question")), 202)
    assert first["lead_id"] != second["lead_id"]
    assert sorted(lead_ids(company)) == sorted([first["lead_id"], second["lead_id"]])


def test_leads_without_a_key_after_one_with_a_key_are_each_their_own_lead(company: Company) -> None:
    # One warm container serves both kinds of request: the key's rules must not stick to the next ones.
    keyed = expect(company.submit(unique_lead(1), headers={"Idempotency-Key": "form-1"}), 202)
    second = expect(company.submit(unique_lead(2)), 202)
    third = expect(company.submit(unique_lead(3)), 202)
    assert len({keyed["lead_id"], second["lead_id"], third["lead_id"]}) == 3
    assert sorted(lead_ids(company)) == sorted([keyed["lead_id"], second["lead_id"], third["lead_id"]])


def test_a_key_after_leads_without_one_still_answers_its_first_answer_and_refuses_another_body(
    company: Company,
) -> None:
    unkeyed = expect(company.submit(unique_lead(1)), 202)
    keyed = expect(company.submit(unique_lead(2), headers={"Idempotency-Key": "form-2"}), 202)
    again = expect(company.submit(unique_lead(2), headers={"Idempotency-Key": "form-2"}), 202)
    assert again == keyed
    reused = company.submit(unique_lead(3), headers={"Idempotency-Key": "form-2"})
    assert reused.status == 422
    assert reused.error_code == "idempotency_key_reused"
    assert sorted(lead_ids(company)) == sorted([unkeyed["lead_id"], keyed["lead_id"]])


def test_the_same_payload_to_another_company_is_another_lead(company: Company, other_company: Company) -> None:
    ours = expect(company.submit(unique_lead(1)), 202)
    theirs = expect(other_company.submit(unique_lead(1)), 202)
    assert ours["lead_id"] != theirs["lead_id"]


def test_a_too_long_idempotency_key_is_422(company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    answer = company.submit(unique_lead(1), headers={"Idempotency-Key": "k" * 201})
    assert answer.status == 422
    assert table_keys(table_name) == before


# The honeypot ----------------------------------------------------------------------------------------


def test_a_filled_honeypot_answers_202_and_stores_nothing(company: Company, table_name: str) -> None:
    company.agents([1], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    before = table_keys(table_name)
    answer = company.submit(unique_lead(1, website="http://spam.example"))
    body = expect(answer, 202)
    assert set(body) == {"lead_id", "status"}
    assert LEAD_ID.match(body["lead_id"])
    assert table_keys(table_name) == before
    assert lead_ids(company) == []
    assert company.api.get(f"/v1/leads/{body['lead_id']}", key=company.admin_key).status == 404


def test_a_filled_honeypot_in_a_form_stores_nothing(company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    expect(company.api.post(company.leads_path(), form={"email": "bot@example.net", "website": "x"}), 202)
    assert table_keys(table_name) == before


def test_a_filled_honeypot_with_an_idempotency_key_stores_nothing(company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    expect(company.submit(unique_lead(1, website="x"), headers={"Idempotency-Key": "bot-1"}), 202)
    assert table_keys(table_name) == before


@pytest.mark.parametrize(
    "body",
    [
        {"website": "http://spam.example", "first_name": "x"},  # no email or phone
        {"website": "http://spam.example", "email": "not-an-email"},
    ],
)
def test_a_filled_honeypot_on_an_invalid_lead_answers_202_too(
    company: Company, table_name: str, body: dict[str, Any]
) -> None:
    # A 422 would tell the bot what to fix.
    before = table_keys(table_name)
    answer = expect(company.submit(body), 202)
    assert answer["status"] == "unassigned"
    assert table_keys(table_name) == before


def test_a_filled_honeypot_for_an_unknown_company_is_404_like_any_lead(company: Company) -> None:
    answer = company.api.post(
        "/v1/companies/co_00000000000000000000000000/leads", json_body={"website": "x", "email": "a@b.co"}
    )
    assert answer.status == 404


def test_a_blank_honeypot_is_a_real_lead(company: Company) -> None:
    answer = expect(company.submit(unique_lead(1, website="")), 202)
    assert lead_ids(company) == [answer["lead_id"]]


# Invalid input ---------------------------------------------------------------------------------------

INVALID_JSON: list[tuple[dict[str, Any], str]] = [
    ({"first_name": "Pat"}, "email or a phone"),
    ({"first_name": "Pat", "email": "", "phone": "  "}, "email or a phone"),
    ({"email": "pat-at-example.net"}, "email"),
    # Unreadable email and phone: the lead is not reachable, and the answer says what was wrong with both.
    ({"email": "pat-at-example.net", "phone": "call me", "interest": {"price": "4.5m"}}, "phone"),
]

# An optional field that cannot be read is left out, with a note in the history (ROUTING.md).
LEFT_OUT: list[tuple[dict[str, Any], str]] = [
    ({"email": "pat@example.net", "phone": "call me"}, "phone"),
    ({"email": "pat@example.net", "chosen_agent_id": "Dana"}, "chosen_agent_id"),
    ({"email": "pat@example.net", "interest": {"type": "lease", "zip": "60614"}}, "interest.type"),
    ({"email": "pat@example.net", "interest": {"price": "4.5m"}}, "interest.price"),
    ({"phone": "312-555-0100", "email": "pat-at-example.net"}, "email"),
    ({"email": "pat@example.net", "message": "x" * 5001}, "message"),
]


@pytest.mark.parametrize(("body", "field"), LEFT_OUT)
def test_an_optional_field_that_cannot_be_read_is_left_out_with_a_note(
    company: Company, body: dict[str, Any], field: str
) -> None:
    answer = expect(company.submit(body), 202)
    lead = company.lead(answer["lead_id"])

    notes = [entry["detail"] for entry in lead["history"] if entry["event"] == "intake.left_out"]
    assert notes == [f"{field} could not be read; left out."]
    assert lead["history"][0]["event"] == "lead.received"
    if field == "interest.type":
        assert lead["interest"]["zip"] == "60614"  # the rest of the interest stays


def test_one_line_fields_lose_control_characters_and_the_message_keeps_its_line_breaks(company: Company) -> None:
    body = {
        "first_name": "Pat\r\nBcc: x@evil.test",
        "last_name": "Doe\x00",
        "email": "pat@example.net",
        "source": "Zillow\r\n",
        "message": "Line one\r\nLine two\x07\tend",
        "interest": {"city": "Chi\ncago", "zip": "606\t14"},
    }
    lead = company.lead(expect(company.submit(body), 202)["lead_id"])

    assert lead["contact"]["first_name"] == "Pat Bcc: x@evil.test"
    assert lead["contact"]["last_name"] == "Doe"
    assert lead["source"] == "zillow"
    assert lead["message"] == "Line one\r\nLine two\tend"
    assert (lead["interest"]["city"], lead["interest"]["zip"]) == ("Chi cago", "606 14")


@pytest.mark.parametrize(("body", "words"), INVALID_JSON)
def test_invalid_input_is_422_and_stores_nothing(
    company: Company, table_name: str, body: dict[str, Any], words: str
) -> None:
    before = table_keys(table_name)
    answer = company.submit(body)
    assert answer.status == 422, answer.text
    assert answer.error_code == "invalid_input"
    assert words in answer.json["error"]["message"]
    assert table_keys(table_name) == before


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (b'{"email": "pat@example.net"', "application/json"),
        (b"", "application/json"),
        (b'[{"email": "pat@example.net"}]', "application/json"),
        (b'"pat@example.net"', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400_and_stores_nothing(
    company: Company, table_name: str, raw: bytes, content_type: str
) -> None:
    before = table_keys(table_name)
    answer = company.api.post(company.leads_path(), raw=raw, headers={"Content-Type": content_type})
    assert answer.status == 400, answer.text
    assert answer.error_code == "bad_request"
    assert table_keys(table_name) == before


def test_a_json_object_sent_as_form_encoded_is_read_as_json(company: Company) -> None:
    # `curl -d '{...}'` without a Content-Type says form-encoded; the lead must not be lost for it.
    raw = b'{"first_name": "Jamie", "email": "jamie@example.net"}'
    answer = expect(
        company.api.post(company.leads_path(), raw=raw, headers={"Content-Type": "application/x-www-form-urlencoded"}),
        202,
    )
    lead = company.lead(answer["lead_id"])
    assert lead["contact"]["email"] == "jamie@example.net"
    assert lead["contact"]["first_name"] == "Jamie"


def test_a_multipart_form_as_fetch_sends_it_lands_without_its_files(company: Company) -> None:
    # `fetch(url, {method: "POST", body: new FormData(form)})` sends multipart/form-data.
    body, content_type = encode_multipart_formdata(
        {
            "first_name": "Zoë",
            "email": "zoe@example.net",
            "interest.zip": "60614",
            "resume": ("cv.pdf", b"%PDF-1.4 not a lead field", "application/pdf"),
        }
    )
    answer = expect(company.api.post(company.leads_path(), raw=body, headers={"Content-Type": content_type}), 202)
    lead = company.lead(answer["lead_id"])
    assert (lead["contact"]["first_name"], lead["contact"]["email"]) == ("Zoë", "zoe@example.net")
    assert lead["interest"]["zip"] == "60614"


def test_a_multipart_body_without_a_boundary_is_400_and_stores_nothing(company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    answer = company.api.post(
        company.leads_path(), raw=b"email=pat@example.net", headers={"Content-Type": "multipart/form-data"}
    )
    assert (answer.status, answer.error_code) == (400, "bad_request")
    assert table_keys(table_name) == before


def test_a_rule_of_ours_reads_without_pydantic_words_and_a_pattern_without_its_regex(company: Company) -> None:
    missing = company.submit({"first_name": "Pat"})
    assert missing.json["error"]["message"] == "body: a lead needs an email or a phone number"
    bad_email = company.submit({"email": "pat-at-example.net"})
    assert bad_email.json["error"]["message"] == "email: is not in the expected format"


def test_an_unsupported_content_type_stores_nothing(company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    answer = company.api.post(
        company.leads_path(), raw=b"email=pat@example.net", headers={"Content-Type": "text/plain"}
    )
    assert answer.status in (400, 415)
    assert answer.error_code == "unsupported_media_type"
    assert table_keys(table_name) == before


def test_an_unsupported_content_type_is_415(company: Company) -> None:
    answer = company.api.post(company.leads_path(), raw=b"<lead/>", headers={"Content-Type": "application/xml"})
    assert answer.status == 415


def test_a_body_over_64_kib_is_413_and_stores_nothing(company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    body = json.dumps(unique_lead(1, tracking="x" * (64 * 1024))).encode()
    answer = company.api.post(company.leads_path(), raw=body, headers={"Content-Type": "application/json"})
    assert answer.status == 413
    assert answer.error_code == "too_large"
    assert table_keys(table_name) == before


def test_a_body_of_exactly_64_kib_is_accepted(company: Company) -> None:
    def sized(padding: int) -> bytes:
        return json.dumps(unique_lead(1, tracking="x" * padding)).encode()

    padding = 64 * 1024 - len(sized(0))
    assert len(sized(padding)) == 64 * 1024
    ok = company.api.post(company.leads_path(), raw=sized(padding), headers={"Content-Type": "application/json"})
    assert ok.status == 202
    over = company.api.post(company.leads_path(), raw=sized(padding + 1), headers={"Content-Type": "application/json"})
    assert over.status == 413


def test_an_unknown_company_is_404_and_stores_nothing(company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    answer = company.api.post("/v1/companies/co_0000000000000000000000000a/leads", json_body=unique_lead(1))
    assert answer.status == 404
    assert answer.error_code == "not_found"
    assert table_keys(table_name) == before


def test_a_malformed_company_id_is_422(company: Company) -> None:
    answer = company.api.post("/v1/companies/lakeside/leads", json_body=unique_lead(1))
    assert answer.status == 422


# CORS ------------------------------------------------------------------------------------------------


@pytest.fixture
def cors_company(company: Company) -> Company:
    company.settings(allowed_origins=[SITE, "http://localhost:8080"])
    return company


def test_an_allowed_origin_gets_cors_headers_on_the_post(cors_company: Company) -> None:
    answer = cors_company.submit(unique_lead(1), headers={"Origin": SITE})
    assert answer.status == 202
    assert header(answer, "Access-Control-Allow-Origin") == SITE
    assert header(answer, "Vary") == "Origin"
    assert len(lead_ids(cors_company)) == 1


def test_an_allowed_origin_gets_cors_headers_on_the_preflight(cors_company: Company) -> None:
    answer = cors_company.api.call(
        "OPTIONS",
        cors_company.leads_path(),
        headers={
            "Origin": "http://localhost:8080",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key",
        },
    )
    assert answer.status in (200, 204)
    assert header(answer, "Access-Control-Allow-Origin") == "http://localhost:8080"
    assert "POST" in (header(answer, "Access-Control-Allow-Methods") or "")
    allowed_headers = (header(answer, "Access-Control-Allow-Headers") or "").lower()
    assert "content-type" in allowed_headers
    assert "idempotency-key" in allowed_headers


def test_a_disallowed_origin_is_403_and_stores_nothing(cors_company: Company, table_name: str) -> None:
    before = table_keys(table_name)
    answer = cors_company.submit(unique_lead(1), headers={"Origin": "https://evil.test"})
    assert answer.status == 403
    assert answer.error_code == "forbidden"
    assert header(answer, "Access-Control-Allow-Origin") is None
    assert table_keys(table_name) == before


def test_a_disallowed_origin_gets_no_preflight(cors_company: Company) -> None:
    answer = cors_company.api.call(
        "OPTIONS",
        cors_company.leads_path(),
        headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"},
    )
    assert answer.status == 403
    assert header(answer, "Access-Control-Allow-Origin") is None


def test_a_post_without_an_origin_is_accepted_when_origins_are_set(cors_company: Company) -> None:
    answer = cors_company.submit(unique_lead(1))
    assert answer.status == 202
    assert header(answer, "Access-Control-Allow-Origin") is None


def test_without_allowed_origins_a_post_with_an_origin_is_accepted_without_cors_headers(company: Company) -> None:
    answer = company.submit(unique_lead(1), headers={"Origin": "https://anywhere.test"})
    assert answer.status == 202
    assert header(answer, "Access-Control-Allow-Origin") is None
    assert len(lead_ids(company)) == 1


def test_an_error_answer_to_an_allowed_origin_carries_cors_headers(cors_company: Company) -> None:
    answer = cors_company.submit({"first_name": "Pat"}, headers={"Origin": SITE})
    assert answer.status == 422
    assert header(answer, "Access-Control-Allow-Origin") == SITE
