"""Which intake request a lead answers (domain/intake_requests.py): the same request gets the same lead id
within its window, a repeat across a window's start is found through the previous window's id, and
different requests, companies and windows get different ids."""

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from leadrouter.domain.intake_requests import KEYED, UNKEYED, IntakeRequest
from leadrouter.domain.leads import LeadSubmission

HOUR_START = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)  # an unkeyed window's start, mid keyed window


def submission(email: str = "pat@example.net", message: str | None = None) -> LeadSubmission:
    return LeadSubmission.model_validate({"first_name": "Pat", "email": email, "message": message})


def unkeyed(company_id: str = "co_1", **fields: str) -> IntakeRequest:
    return IntakeRequest.of(company_id, submission(**fields), None)


def test_the_same_payload_in_the_same_window_is_the_same_lead_id() -> None:
    first, later = HOUR_START + timedelta(minutes=20), HOUR_START + timedelta(minutes=59)
    assert unkeyed().lead_id(first) == unkeyed().lead_id(later)
    assert unkeyed().repeated_by(first, later)


def test_another_payload_company_or_window_is_another_lead_id() -> None:
    at = HOUR_START + timedelta(minutes=20)
    ids = {
        unkeyed().lead_id(at),
        unkeyed(message="Another question").lead_id(at),
        unkeyed("co_2").lead_id(at),
        unkeyed().lead_id(at + UNKEYED.window),
        IntakeRequest.of("co_1", submission(), "form-1").lead_id(at),
    }
    assert len(ids) == 5


def test_a_repeat_just_after_a_window_starts_finds_the_previous_window_s_lead() -> None:
    first, repeat = HOUR_START - timedelta(seconds=1), HOUR_START + timedelta(seconds=1)
    request = unkeyed()
    assert request.previous_lead_id(repeat) == request.lead_id(first)
    assert request.repeated_by(first, repeat)


def test_past_the_overlap_no_previous_window_is_looked_up_and_an_old_lead_is_no_repeat() -> None:
    request = unkeyed()
    assert request.previous_lead_id(HOUR_START + UNKEYED.overlap) is None
    first = HOUR_START - timedelta(minutes=5)
    assert not request.repeated_by(first, HOUR_START + timedelta(minutes=6))


def test_a_key_names_the_request_whatever_the_body_and_the_body_is_kept_to_compare() -> None:
    one = IntakeRequest.of("co_1", submission(), "form-1")
    other_body = IntakeRequest.of("co_1", submission(email="sam@example.net"), "form-1")
    assert one.lead_id(HOUR_START) == other_body.lead_id(HOUR_START + timedelta(days=1))
    assert one.body != other_body.body
    assert one.rule is KEYED


def test_the_id_looks_like_any_lead_id_and_sorts_by_its_window() -> None:
    earlier, later = unkeyed().lead_id(HOUR_START), unkeyed().lead_id(HOUR_START + UNKEYED.window)
    assert re.fullmatch(r"ld_[0-9a-z]{26}", earlier)
    assert earlier < later


@given(offset=st.integers(min_value=0, max_value=int(UNKEYED.overlap.total_seconds()) - 1))
def test_every_repeat_within_the_overlap_is_found_by_the_write_or_the_look_up(offset: int) -> None:
    request = unkeyed()
    for first in (HOUR_START - timedelta(seconds=s) for s in (1, 300, 599)):
        repeat = first + timedelta(seconds=offset)
        found = {request.lead_id(repeat), request.previous_lead_id(repeat)}
        assert request.lead_id(first) in found
        assert request.repeated_by(first, repeat)
