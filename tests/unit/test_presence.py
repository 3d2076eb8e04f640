"""Presence (ROUTING.md "Presence"): working hours in the agent's zone (midnight-crossing blocks, DST), out of
office by the agent's dates, a status with its reason, and what a lead that names an agent does while they
are out of office."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.domain.acceptance import after_decline
from leadrouter.domain.agents import Agent
from leadrouter.domain.cascade import AssignTo, LeadFacts, decide
from leadrouter.domain.presence import HoursBlock, OutOfOffice, WorkingHours
from leadrouter.domain.presence_changes import presence_change
from tests.support.fakes import NoRandom, company

CHICAGO = "America/Chicago"


def person(agent_id: int, **fields: Any) -> Agent:
    return Agent.model_validate(
        {"agent_id": agent_id, "name": f"Agent {agent_id}", "email": f"a{agent_id}@brokerage.example", **fields}
    )


def hours(days: dict[str, list[tuple[str, str]]], time_zone: str | None = CHICAGO) -> dict[str, Any]:
    return {
        "time_zone": time_zone,
        "days": {day: [{"start": start, "end": end} for start, end in blocks] for day, blocks in days.items()},
    }


def reason(agent: Agent, at: datetime, time_zone: str = "UTC") -> str | None:
    """Asked as routing asks it: through the agent's company."""
    config = company(agent, time_zone=time_zone)
    return config.agents[agent.agent_id].unavailable_reason(at)


def test_outside_working_hours_says_the_agents_wall_clock() -> None:
    agent = person(9, working_hours=hours({"monday": [("09:00", "17:00")]}))
    monday_evening = datetime(2026, 12, 7, 0, 40, tzinfo=UTC)  # Sunday 18:40 in Chicago
    assert reason(agent, monday_evening) == "outside working hours, Sun 18:40 America/Chicago"
    assert reason(agent, datetime(2026, 12, 7, 15, 0, tzinfo=UTC)) is None  # Monday 09:00
    assert reason(agent, datetime(2026, 12, 7, 22, 59, tzinfo=UTC)) is None  # Monday 16:59
    assert reason(agent, datetime(2026, 12, 7, 23, 0, tzinfo=UTC)) == "outside working hours, Mon 17:00 America/Chicago"


def test_a_block_crossing_midnight_belongs_to_the_day_it_starts() -> None:
    agent = person(1, working_hours=hours({"friday": [("22:00", "02:00")]}, "UTC"))
    assert reason(agent, datetime(2026, 12, 4, 21, 59, tzinfo=UTC)) is not None  # Friday 21:59
    assert reason(agent, datetime(2026, 12, 4, 22, 0, tzinfo=UTC)) is None
    assert reason(agent, datetime(2026, 12, 5, 1, 59, tzinfo=UTC)) is None  # Saturday 01:59
    assert reason(agent, datetime(2026, 12, 5, 2, 0, tzinfo=UTC)) == "outside working hours, Sat 02:00 UTC"
    assert reason(agent, datetime(2026, 12, 5, 22, 30, tzinfo=UTC)) is not None  # Saturday has no block


def test_hours_follow_the_wall_clock_across_daylight_saving_time() -> None:
    agent = person(2, working_hours=hours({day: [("09:00", "17:00")] for day in ("saturday", "monday")}))
    # Chicago springs forward on Sunday 2026-03-08: 09:00 is 15:00 UTC before, 14:00 UTC after.
    assert reason(agent, datetime(2026, 3, 7, 15, 0, tzinfo=UTC)) is None
    assert reason(agent, datetime(2026, 3, 7, 14, 59, tzinfo=UTC)) is not None
    assert reason(agent, datetime(2026, 3, 9, 14, 0, tzinfo=UTC)) is None
    assert reason(agent, datetime(2026, 3, 9, 13, 59, tzinfo=UTC)) == "outside working hours, Mon 08:59 America/Chicago"


def test_hours_without_a_zone_are_the_companys() -> None:
    agent = person(3, working_hours=hours({"monday": [("09:00", "17:00")]}, None))
    nine_in_chicago = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
    assert reason(agent, nine_in_chicago, time_zone=CHICAGO) is None
    assert reason(agent, nine_in_chicago, time_zone="Asia/Tokyo") == "outside working hours, Tue 00:00 Asia/Tokyo"


def test_out_of_office_dates_are_included_in_the_agents_zone() -> None:
    agent = person(4, out_of_office=[{"start": "2026-12-21", "end": "2026-12-24"}])
    words = "out of office 2026-12-21 to 2026-12-24"
    # Midnight of the 21st in Chicago is 06:00 UTC; the 24th ends at 06:00 UTC on the 25th.
    assert reason(agent, datetime(2026, 12, 21, 5, 59, tzinfo=UTC), CHICAGO) is None
    assert reason(agent, datetime(2026, 12, 21, 6, 0, tzinfo=UTC), CHICAGO) == words
    assert reason(agent, datetime(2026, 12, 25, 5, 59, tzinfo=UTC), CHICAGO) == words
    assert reason(agent, datetime(2026, 12, 25, 6, 0, tzinfo=UTC), CHICAGO) is None


def test_a_status_other_than_available_comes_first_with_its_reason() -> None:
    agent = person(
        5, status="away", status_reason="at a showing", out_of_office=[{"start": "2026-01-01", "end": "2026-12-31"}]
    )
    assert reason(agent, datetime(2026, 6, 1, tzinfo=UTC)) == "away (at a showing)"
    assert reason(person(6, status="offline"), datetime(2026, 6, 1, tzinfo=UTC)) == "offline"


def test_presence_input_is_checked() -> None:
    for bad in (
        {"status": "busy"},
        {"status_reason": ""},
        {"working_hours": hours({"monday": [("09:00", "09:00")]})},
        {"working_hours": hours({"funday": [("09:00", "10:00")]})},
        {"working_hours": hours({"monday": [("9:00", "10:00")]})},
        {"working_hours": hours({"monday": [("09:00", "10:00")]}, "Mars/Olympus")},
        {"out_of_office": [{"start": "2026-12-24", "end": "2026-12-21"}]},
    ):
        try:
            person(7, **bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")


OOO_NOW = datetime(2026, 12, 22, 15, 0, tzinfo=UTC)


def test_a_lead_naming_an_agent_out_of_office_goes_to_their_available_backup() -> None:
    away = person(4, out_of_office=[{"start": "2026-12-21", "end": "2026-12-24", "backup_agent_id": 9}])
    config = company(away, person(9))
    decision = decide(LeadFacts(source="website", agent_code="4"), config, OOO_NOW, NoRandom())
    assert decision.outcome == AssignTo(
        9,
        "Assigned to agent 9 (Agent 9), backup of agent 4 (Agent 4) (out of office 2026-12-21 to 2026-12-24): "
        "the lead came with agent code 4.",
    )
    dropdown = decide(LeadFacts(source="website", chosen_agent_id=4), config, OOO_NOW, NoRandom())
    assert isinstance(dropdown.outcome, AssignTo)
    assert dropdown.outcome.agent_id == 9
    after = decide(LeadFacts(source="website", agent_code="4"), config, OOO_NOW + timedelta(days=3), NoRandom())
    assert isinstance(after.outcome, AssignTo)
    assert after.outcome.agent_id == 4


def test_without_an_available_backup_the_named_agent_keeps_the_lead_and_the_history_says_why() -> None:
    away = person(4, out_of_office=[{"start": "2026-12-21", "end": "2026-12-24", "backup_agent_id": 9}])
    config = company(away, person(9, status="offline"), default_agent_id=4)
    decision = decide(LeadFacts(source="website"), config, OOO_NOW, NoRandom())
    assert decision.outcome == AssignTo(4, "Assigned to agent 4 (Agent 4): the company's default agent.")
    assert [r.detail for r in decision.notes()] == [
        "agent 4 (Agent 4) is out of office and their backup agent 9 (Agent 9) is offline: the lead goes to them"
    ]
    no_backup = company(person(4, out_of_office=[{"start": "2026-12-21", "end": "2026-12-24"}]), person(9))
    plain = decide(LeadFacts(source="website", agent_code="4"), no_backup, OOO_NOW, NoRandom())
    assert isinstance(plain.outcome, AssignTo)
    assert plain.outcome.agent_id == 4
    assert not plain.notes()


def test_a_rejected_lead_agent_out_of_office_hands_over_to_their_backup_unless_it_declined() -> None:
    config = company(
        person(1, rejected_lead_agent=4),
        person(4, out_of_office=[{"start": "2026-12-21", "end": "2026-12-24", "backup_agent_id": 9}]),
        person(9),
    )
    outcome = after_decline(config, 1, [1], OOO_NOW)
    assert isinstance(outcome, AssignTo)
    assert outcome.agent_id == 9
    assert "backup of agent 4 (Agent 4, out of office 2026-12-21 to 2026-12-24)" in outcome.detail
    # The backup already declined: the rejected-lead agent is out of office, so the pool, as before.
    assert not isinstance(after_decline(config, 1, [1, 9], OOO_NOW), AssignTo)


clocks = st.sampled_from(("00:00", "01:30", "02:30", "09:00", "17:00", "23:59"))
blocks = st.tuples(clocks, clocks).filter(lambda block: block[0] != block[1])
schedules = st.builds(
    lambda days, zone, start, length: (
        WorkingHours(
            time_zone=zone, days={d: [HoursBlock(start=a, end=b) for a, b in spans] for d, spans in days.items()}
        ),
        [OutOfOffice(start=start, end=start + timedelta(days=length))] if length >= 0 else [],
    ),
    st.dictionaries(st.sampled_from(("saturday", "sunday", "monday")), st.lists(blocks, max_size=2), max_size=3),
    st.sampled_from((CHICAGO, "Europe/London", "Australia/Lord_Howe", "UTC")),
    st.dates(min_value=date(2026, 3, 6), max_value=date(2026, 3, 10)),
    st.integers(min_value=-1, max_value=1),
)


@settings(max_examples=40, deadline=None)
@given(schedules, st.integers(min_value=0, max_value=5 * 24 * 60))
def test_an_answer_holds_until_the_moment_the_schedule_says_it_may_change(
    schedule: tuple[WorkingHours, list[OutOfOffice]], minute: int
) -> None:
    """Checked minute by minute across DST changes (Chicago and London in March, Lord Howe's half hour)."""
    working, periods = schedule
    agent = company(
        person(8, working_hours=working.model_dump(), out_of_office=[p.model_dump() for p in periods])
    ).agents[8]
    planned = agent.schedule()
    assert planned is not None
    at = datetime(2026, 3, 6, tzinfo=UTC) + timedelta(minutes=minute)
    expected = agent.unavailable_reason(at) is None
    until = planned.valid_until(at)
    moment = at
    while moment < min(until, at + timedelta(hours=30)):
        assert (agent.unavailable_reason(moment) is None) == expected, moment
        moment += timedelta(minutes=1)


def test_only_a_change_of_presence_is_an_agent_status_change() -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    before = person(3)
    assert presence_change("co", None, before, at) is None  # a new agent, available by default
    assert presence_change("co", before, person(3, name="Renamed"), at) is None
    away = presence_change("co", before, person(3, status="away", status_reason="sick"), at)
    assert away is not None
    detail = away.detail()
    assert (detail["status"], detail["status_reason"], detail["previous_status"]) == ("away", "sick", "available")
    assert detail["changed"] == ["status", "status_reason"]
    assert "email" not in detail
    created_away = presence_change("co", None, person(4, status="offline"), at)
    assert created_away is not None
    assert created_away.changed == ("status",)
