"""Caps' calendar periods (ROUTING.md "Fair share and caps"): day, week from Monday and month on the
company's wall clock, DST included, and the words of a refusal."""

from datetime import UTC, datetime

from leadrouter.domain.agents import Agent
from leadrouter.domain.caps import CapReached, caps_of, periods


def test_periods_are_the_local_day_the_week_from_monday_and_the_month() -> None:
    # 03:30 UTC on Tuesday 1 December is still Monday 30 November in Chicago.
    day, week, month = periods(datetime(2026, 12, 1, 3, 30, tzinfo=UTC), "America/Chicago")

    assert (day.key, week.key, month.key) == ("2026-11-30", "2026-11-30", "2026-11")
    assert (day.ends.isoformat(), week.ends.isoformat(), month.ends.isoformat()) == (
        "2026-12-01",
        "2026-12-07",
        "2026-12-01",
    )


def test_a_day_that_loses_an_hour_to_dst_is_still_one_day() -> None:
    # 8 March 2026, Chicago springs forward: 00:30 CST and 23:30 CDT are the same calendar day.
    early = periods(datetime(2026, 3, 8, 6, 30, tzinfo=UTC), "America/Chicago")[0]
    late = periods(datetime(2026, 3, 9, 4, 30, tzinfo=UTC), "America/Chicago")[0]
    next_day = periods(datetime(2026, 3, 9, 5, 30, tzinfo=UTC), "America/Chicago")[0]

    assert early.key == late.key == "2026-03-08"
    assert next_day.key == "2026-03-09"


def test_the_month_of_december_ends_in_january() -> None:
    assert periods(datetime(2026, 12, 31, 12, tzinfo=UTC), "UTC")[2].ends.isoformat() == "2027-01-01"


def test_only_the_caps_an_agent_has_are_kept() -> None:
    agent = Agent(agent_id=7, name="Avery", email="a@example.com", max_leads_per_day=10, max_leads_per_month=0)

    assert caps_of(agent) == {"day": 10, "month": 0}
    assert caps_of(Agent(agent_id=8, name="Bo", email="b@example.com")) == {}


def test_a_refusal_names_the_cap_in_the_words_of_the_history() -> None:
    assert CapReached(7, "day", 10, 10).words() == "agent 7 skipped: daily cap 10 of 10 reached"
    assert CapReached(7, "week", 3, 3).words() == "agent 7 skipped: weekly cap 3 of 3 reached"
