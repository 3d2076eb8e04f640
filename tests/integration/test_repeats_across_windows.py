"""A double click or a retry that lands just after a window's start (domain/intake_requests.py) is still the
same request: it answers the first lead and stores nothing, whichever way the intake decides, while the same
payload sent again well after its lead is a new lead. The write finds the previous window's lead itself (a
condition of its transaction) where nothing reads first, and round robin finds it in the read it makes
before its turn."""

from typing import Any

import pytest

from tests.support.aws_state import lead_ids
from tests.support.clocks import MovableClock
from tests.support.intake_windows import minutes_before_a_window_ends
from tests.support.scenario import Company, expect, unique_lead

KEY = {"Idempotency-Key": "form-2c91"}

# How the intake decides, and the lead it is given: with an email (its person's index items in the write),
# with a phone alone (nothing to find the person by: the lead alone), with the counts of a default agent.
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "pool, with a person": ({}, unique_lead(1)),
    "pool, a phone alone": ({}, {"phone": "312-555-0100"}),
    "default agent, counted": ({"default_agent_id": 1}, unique_lead(1)),
}


@pytest.mark.parametrize("way", WAYS)
def test_a_repeat_just_after_a_window_starts_answers_the_first_lead(
    company: Company, clock: MovableClock, way: str
) -> None:
    settings, body = WAYS[way]
    company.agents([1])
    if settings:
        company.settings(**settings)
    minutes_before_a_window_ends(clock, 2)
    first = expect(company.submit(body), 202)
    clock.advance(minutes=3)
    assert expect(company.submit(body), 202) == first
    assert lead_ids(company) == [first["lead_id"]]


def test_a_round_robin_repeat_just_after_a_window_starts_takes_no_second_turn(
    company: Company, clock: MovableClock
) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    minutes_before_a_window_ends(clock, 2)
    first = expect(company.submit(unique_lead(1)), 202)
    clock.advance(minutes=3)
    assert expect(company.submit(unique_lead(1)), 202) == first
    second = expect(company.submit(unique_lead(2)), 202)
    assert [company.lead(lead_id)["agent_id"] for lead_id in (first["lead_id"], second["lead_id"])] == [1, 2]


def test_the_same_payload_well_after_its_lead_is_a_new_lead_even_just_after_a_window_starts(
    company: Company, clock: MovableClock
) -> None:
    minutes_before_a_window_ends(clock, 5)
    first = expect(company.submit(unique_lead(1)), 202)
    clock.advance(minutes=12)  # 7 minutes into the next window, 12 after the first: not a double click
    again = expect(company.submit(unique_lead(1)), 202)
    assert again["lead_id"] != first["lead_id"]
    assert sorted(lead_ids(company)) == sorted([first["lead_id"], again["lead_id"]])


def test_a_key_across_a_week_s_start_answers_its_first_lead_and_refuses_another_body(
    company: Company, clock: MovableClock
) -> None:
    minutes_before_a_window_ends(clock, 120, keyed=True)
    first = expect(company.submit(unique_lead(1), headers=KEY), 202)
    clock.advance(hours=5)
    assert expect(company.submit(unique_lead(1), headers=KEY), 202) == first
    reused = company.submit(unique_lead(2), headers=KEY)
    assert reused.status == 422
    assert reused.error_code == "idempotency_key_reused"
    assert lead_ids(company) == [first["lead_id"]]
