"""The assignment cascade of ROUTING.md, steps 1-4 and 7-9 (routes: test_routes.py): which step decides, what it
decides, and the words that explain every skip."""

from datetime import datetime, timedelta

import pytest
from pydantic import ValidationError

from leadrouter.domain.agents import Agent, Criteria
from leadrouter.domain.caps import CapReached
from leadrouter.domain.cascade import (
    DEFAULT_STEPS,
    AssignTo,
    RoundRobinTurn,
    StepReport,
    ToPool,
    decide,
    round_robin_assignment,
)
from leadrouter.domain.round_robin import next_in_queue
from tests.support.fakes import (
    NOW,
    ScriptedRandom,
    agent,
    company,
    details,
    exclusive_listing,
    interest,
    lead,
    note_details,
    route,
)

POOL_DETAIL = "No routing step applied: the lead waits in the pool for an admin or an agent to take it."
STEP_ORDER = [step.name for step in DEFAULT_STEPS]
LATER = NOW + timedelta(days=1)


def away(agent_id: int, until: datetime = LATER, *, in_queue: bool = False) -> Agent:
    """An active agent on vacation until `until` (a day after NOW unless told)."""
    return agent(agent_id, away_until=until, in_queue=in_queue)


# 1. Agent code --------------------------------------------------------------------------------------------


def test_agent_code_of_an_active_agent_assigns_to_that_agent() -> None:
    decision = route(lead(agent_code="3"), company(agent(1), agent(3)))

    assert decision.step == "agent_code"
    assert decision.outcome == AssignTo(3, "Assigned to agent 3 (Cy): the lead came with agent code 3.")
    assert decision.reports == (StepReport("agent_code", True, decision.outcome.detail),)
    assert decision.notes() == []


def test_agent_code_with_leading_zeros_names_the_same_agent() -> None:
    decision = route(lead(agent_code="007"), company(agent(7)))

    assert decision.outcome == AssignTo(7, "Assigned to agent 7 (Gus): the lead came with agent code 007.")


def test_unknown_agent_code_is_recorded_and_the_cascade_goes_on() -> None:
    decision = route(lead(agent_code="42"), company(agent(5), default_agent_id=5))

    assert decision.step == "default_agent"
    assert decision.outcome == AssignTo(5, "Assigned to agent 5 (Eli): the company's default agent.")
    assert decision.notes() == [StepReport("agent_code", False, "agent code 42 skipped: no such agent", True)]


def test_inactive_agent_code_is_recorded_and_the_cascade_goes_on() -> None:
    decision = route(lead(agent_code="3"), company(agent(3, active=False)))

    assert decision.step == "pool"
    assert decision.outcome == ToPool(POOL_DETAIL)
    assert decision.notes() == [
        StepReport("agent_code", False, "agent code 3 skipped: agent 3 (Cy) is inactive", True),
    ]


@pytest.mark.parametrize("code", ["abc", "0", "00", "-3", "3a", "3.0", " 3", ""])
def test_agent_code_that_is_not_an_agent_id_is_recorded_and_the_cascade_goes_on(code: str) -> None:
    decision = route(lead(agent_code=code), company(agent(3), agent(4), default_agent_id=4))

    assert decision.step == "default_agent"
    assert decision.outcome == AssignTo(4, "Assigned to agent 4 (Dee): the company's default agent.")
    assert decision.notes() == [
        StepReport("agent_code", False, f"agent code {code!r} skipped: not an agent id", True),
    ]


def test_no_agent_code_is_a_quiet_skip() -> None:
    decision = route(lead(), company(agent(1)))

    assert decision.reports[0] == StepReport("agent_code", False, "no agent code", False)
    assert decision.notes() == []


def test_agent_code_assigns_even_to_an_away_agent() -> None:
    decision = route(lead(agent_code="2"), company(away(2)))

    assert decision.step == "agent_code"
    assert decision.outcome == AssignTo(2, "Assigned to agent 2 (Bea): the lead came with agent code 2.")


# 2. The "are you working with an agent" dropdown ---------------------------------------------------------

CHOSE_BEA = "Assigned to agent 2 (Bea): the lead chose this agent in the 'are you working with an agent' dropdown."


def test_dropdown_choice_of_an_active_agent_assigns_to_that_agent() -> None:
    decision = route(lead(chosen_agent_id=2), company(agent(1), agent(2)))

    assert decision.step == "chosen_agent"
    assert decision.outcome == AssignTo(2, CHOSE_BEA)
    assert [report.step for report in decision.reports] == ["agent_code", "chosen_agent"]


def test_dropdown_choice_wins_on_an_exclusive_listing_page() -> None:
    config = company(agent(1, mls_id="LA-1"), agent(2))

    decision = route(lead(chosen_agent_id=2, listing=exclusive_listing("LA-1")), config)

    assert decision.step == "chosen_agent"
    assert decision.outcome == AssignTo(2, CHOSE_BEA)
    assert "exclusive_listing" not in [report.step for report in decision.reports]


def test_agent_code_beats_the_dropdown_choice() -> None:
    decision = route(lead(agent_code="1", chosen_agent_id=2), company(agent(1), agent(2)))

    assert decision.step == "agent_code"
    assert decision.outcome == AssignTo(1, "Assigned to agent 1 (Ada): the lead came with agent code 1.")
    assert [report.step for report in decision.reports] == ["agent_code"]


def test_dropdown_choice_of_an_unknown_agent_is_recorded_and_the_cascade_goes_on() -> None:
    decision = route(lead(chosen_agent_id=9), company(agent(1)))

    assert decision.step == "pool"
    assert decision.notes() == [StepReport("chosen_agent", False, "chosen agent 9 skipped: no such agent", True)]


def test_dropdown_choice_of_an_inactive_agent_is_recorded_and_the_cascade_goes_on() -> None:
    decision = route(lead(chosen_agent_id=2), company(agent(2, active=False), agent(5), default_agent_id=5))

    assert decision.step == "default_agent"
    assert decision.outcome == AssignTo(5, "Assigned to agent 5 (Eli): the company's default agent.")
    assert decision.notes() == [
        StepReport("chosen_agent", False, "chosen agent 2 skipped: agent 2 (Bea) is inactive", True),
    ]


def test_dropdown_is_consulted_after_an_unusable_agent_code() -> None:
    decision = route(lead(agent_code="8", chosen_agent_id=2), company(agent(2)))

    assert decision.outcome == AssignTo(2, CHOSE_BEA)
    assert decision.notes() == [StepReport("agent_code", False, "agent code 8 skipped: no such agent", True)]


def test_dropdown_choice_assigns_even_to_an_away_agent() -> None:
    decision = route(lead(chosen_agent_id=2), company(away(2)))

    assert decision.outcome == AssignTo(2, CHOSE_BEA)


def test_no_dropdown_choice_is_a_quiet_skip() -> None:
    decision = route(lead(), company(agent(1)))

    assert decision.reports[1] == StepReport("chosen_agent", False, "no agent chosen in the dropdown", False)


# 3. Exclusive listing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("listing_mls_id", ["AB-123", "ab-123", "Ab-123", " ab-123 "])
def test_exclusive_listing_goes_to_the_agent_with_that_mls_id_case_insensitively(listing_mls_id: str) -> None:
    config = company(agent(1, mls_id="zz-9"), agent(4, mls_id="AB-123"))

    decision = route(lead(listing=exclusive_listing(listing_mls_id)), config)

    assert decision.step == "exclusive_listing"
    assert decision.outcome == AssignTo(
        4, "Assigned to agent 4 (Dee): listing agent of the exclusive listing (MLS# MLS-4711)."
    )


def test_exclusive_listing_without_an_mls_number_says_so_plainly() -> None:
    decision = route(lead(listing=exclusive_listing("AB-123", mls_number=None)), company(agent(4, mls_id="AB-123")))

    assert decision.outcome == AssignTo(4, "Assigned to agent 4 (Dee): listing agent of the exclusive listing.")


def test_exclusive_listing_is_skipped_when_the_company_skips_exclusive_assignment() -> None:
    config = company(agent(4, mls_id="AB-123"), agent(5), skip_exclusive_listing_assignment=True, default_agent_id=5)

    decision = route(lead(listing=exclusive_listing("AB-123")), config)

    assert decision.step == "default_agent"
    assert decision.outcome == AssignTo(5, "Assigned to agent 5 (Eli): the company's default agent.")
    assert decision.notes() == [
        StepReport(
            "exclusive_listing",
            False,
            "exclusive listing skipped: the company skips auto exclusive assignment",
            True,
        ),
    ]


def test_exclusive_listing_with_an_inactive_listing_agent_goes_on() -> None:
    config = company(agent(4, mls_id="AB-123", active=False), agent(5), default_agent_id=5)

    decision = route(lead(listing=exclusive_listing("AB-123")), config)

    assert decision.step == "default_agent"
    assert decision.notes() == [
        StepReport("exclusive_listing", False, "exclusive listing skipped: no active agent has MLS id 'AB-123'", True),
    ]


def test_exclusive_listing_with_no_agent_holding_the_mls_id_goes_on() -> None:
    decision = route(lead(listing=exclusive_listing("NOPE")), company(agent(4, mls_id="AB-123")))

    assert decision.step == "pool"
    assert decision.notes() == [
        StepReport("exclusive_listing", False, "exclusive listing skipped: no active agent has MLS id 'NOPE'", True),
    ]


def test_exclusive_listing_prefers_the_active_agent_when_an_inactive_one_shares_the_mls_id() -> None:
    config = company(agent(2, mls_id="AB-123", active=False), agent(6, mls_id="ab-123"))

    decision = route(lead(listing=exclusive_listing("AB-123")), config)

    assert decision.outcome == AssignTo(
        6, "Assigned to agent 6 (Fay): listing agent of the exclusive listing (MLS# MLS-4711)."
    )


def test_exclusive_listing_that_names_no_listing_agent_goes_on() -> None:
    decision = route(lead(listing=exclusive_listing(None)), company(agent(4, mls_id="AB-123")))

    assert decision.step == "pool"
    assert decision.notes() == [
        StepReport("exclusive_listing", False, "exclusive listing skipped: the listing names no agent MLS id", True),
    ]


def test_non_exclusive_listing_is_ignored_even_when_the_mls_id_matches() -> None:
    listing = exclusive_listing("AB-123").model_copy(update={"exclusive": False})

    decision = route(lead(listing=listing), company(agent(4, mls_id="AB-123")))

    assert decision.step == "pool"
    assert decision.reports[3] == StepReport("exclusive_listing", False, "not from an exclusive listing", False)
    assert decision.notes() == []


# 4. Default agent, then default broker ---------------------------------------------------------------------


def test_default_agent_gets_the_lead() -> None:
    decision = route(lead(), company(agent(5), agent(6), default_agent_id=5, default_broker_id=6))

    assert decision.step == "default_agent"
    assert decision.outcome == AssignTo(5, "Assigned to agent 5 (Eli): the company's default agent.")
    assert decision.notes() == []


def test_inactive_default_agent_falls_to_the_default_broker() -> None:
    config = company(agent(5, active=False), agent(6), default_agent_id=5, default_broker_id=6)

    decision = route(lead(), config)

    assert decision.step == "default_agent"
    assert decision.outcome == AssignTo(6, "Assigned to agent 6 (Fay): the company's default broker.")
    assert decision.notes() == [
        StepReport("default_agent", False, "default agent 5 skipped: agent 5 (Eli) is inactive", True),
    ]


def test_unset_default_agent_falls_to_the_default_broker() -> None:
    decision = route(lead(), company(agent(6), default_broker_id=6))

    assert decision.outcome == AssignTo(6, "Assigned to agent 6 (Fay): the company's default broker.")
    assert decision.notes() == []


def test_default_agent_that_no_longer_exists_falls_to_the_default_broker() -> None:
    decision = route(lead(), company(agent(6), default_agent_id=5, default_broker_id=6))

    assert decision.outcome == AssignTo(6, "Assigned to agent 6 (Fay): the company's default broker.")
    assert decision.notes() == [StepReport("default_agent", False, "default agent 5 skipped: no such agent", True)]


def test_inactive_default_agent_and_broker_are_both_recorded_and_the_cascade_goes_on() -> None:
    config = company(
        agent(5, active=False),
        agent(6, active=False),
        agent(7, in_queue=True),
        default_agent_id=5,
        default_broker_id=6,
        auto_assign_enabled=True,
    )

    decision = route(lead(), config)

    assert decision.step == "round_robin"
    assert decision.outcome == RoundRobinTurn((7,))
    assert decision.notes() == [
        StepReport("default_agent", False, "default agent 5 skipped: agent 5 (Eli) is inactive", True),
        StepReport("default_agent", False, "default broker 6 skipped: agent 6 (Fay) is inactive", True),
    ]


def test_inactive_default_agent_without_a_broker_goes_on() -> None:
    decision = route(lead(), company(agent(5, active=False), default_agent_id=5))

    assert decision.step == "pool"
    assert note_details(decision) == ["default agent 5 skipped: agent 5 (Eli) is inactive"]


def test_default_agent_gets_the_lead_even_when_away() -> None:
    decision = route(lead(), company(away(5), agent(6), default_agent_id=5, default_broker_id=6))

    assert decision.outcome == AssignTo(5, "Assigned to agent 5 (Eli): the company's default agent.")


def test_no_default_agent_or_broker_is_a_quiet_skip() -> None:
    decision = route(lead(), company(agent(1)))

    assert decision.reports[4] == StepReport("default_agent", False, "no default agent or default broker set", False)


# 7. Advanced distribution ------------------------------------------------------------------------------------


def test_advanced_distribution_picks_through_the_random_source_among_matching_agents() -> None:
    config = company(agent(1), agent(2), agent(3), advanced_distribution_enabled=True)
    rng = ScriptedRandom(picks=[1])

    decision = route(lead(), config, rng)

    assert rng.choices_offered == [[1, 2, 3]]
    assert decision.step == "advanced_distribution"
    assert decision.outcome == AssignTo(
        2,
        "Assigned to agent 2 (Bea): picked at random among 3 agent(s) whose distribution criteria match the lead.",
    )


def test_advanced_distribution_offers_only_active_matching_agents_who_are_not_away() -> None:
    config = company(
        agent(1, criteria=Criteria(zips=["60601"])),
        agent(2, criteria=Criteria(zips=["10001"])),
        agent(3, active=False),
        away(4),
        agent(5),
        agent(6, criteria=Criteria(cities=["chicago"], types=["buy"])),
        advanced_distribution_enabled=True,
    )
    rng = ScriptedRandom(picks=[2])

    decision = route(lead(interest=interest(zip="60601", city="Chicago", type="buy")), config, rng)

    assert rng.choices_offered == [[1, 5, 6]]
    assert decision.outcome == AssignTo(
        6,
        "Assigned to agent 6 (Fay): picked at random among 3 agent(s) whose distribution criteria match the lead.",
    )
    assert decision.notes() == [
        StepReport(
            "advanced_distribution",
            False,
            "agent 4 (Dee) matches but is skipped: away until 2025-03-15T15:09:26+00:00",
            True,
        ),
    ]


def test_advanced_distribution_passes_over_an_agent_at_a_cap_and_says_so() -> None:
    config = company(agent(1), agent(2), agent(3), advanced_distribution_enabled=True)
    rng = ScriptedRandom(picks=[1])
    at_cap = {2: CapReached(2, "day", 3, 3), 9: CapReached(9, "day", 1, 1)}

    decision = decide(lead(), config, NOW, rng, capped=at_cap)

    assert rng.choices_offered == [[1, 3]]  # an id of no agent is left out
    assert decision.outcome == AssignTo(
        3,
        "Assigned to agent 3 (Cy): picked at random among 2 agent(s) whose distribution criteria match the lead.",
    )
    assert decision.notes() == [
        StepReport("advanced_distribution", False, "agent 2 skipped: daily cap 3 of 3 reached", True)
    ]


def test_advanced_distribution_does_not_need_the_auto_assign_queue_flag() -> None:
    config = company(agent(1, in_queue=False), advanced_distribution_enabled=True)

    decision = route(lead(), config, ScriptedRandom(picks=[0]))

    assert decision.step == "advanced_distribution"
    assert isinstance(decision.outcome, AssignTo)
    assert decision.outcome.agent_id == 1


def test_advanced_distribution_gives_each_matching_agent_the_same_chance() -> None:
    """The step hands the RandomSource each eligible agent exactly once, so a uniform source is fair."""
    config = company(agent(1), agent(2), agent(3), agent(4, active=False), advanced_distribution_enabled=True)
    rng = ScriptedRandom(seed=20250314)
    winners: dict[int, int] = {}

    for _ in range(300):
        outcome = route(lead(), config, rng).outcome
        assert isinstance(outcome, AssignTo)
        winners[outcome.agent_id] = winners.get(outcome.agent_id, 0) + 1

    assert all(options == [1, 2, 3] for options in rng.choices_offered)
    assert sorted(winners) == [1, 2, 3]
    assert all(70 <= count <= 130 for count in winners.values()), winners


def test_agents_without_criteria_match_every_lead() -> None:
    config = company(agent(1, criteria=Criteria(zips=["10001"])), agent(2), advanced_distribution_enabled=True)
    rng = ScriptedRandom(picks=[0])

    route(lead(source="open-house", interest=interest(zip="60601", price=1)), config, rng)
    route(lead(), config, rng)

    assert rng.choices_offered == [[2], [2]]


def test_advanced_distribution_with_no_match_falls_to_round_robin_when_auto_assign_is_on() -> None:
    config = company(
        agent(1, criteria=Criteria(sources=["zillow"]), in_queue=True),
        agent(2, criteria=Criteria(sources=["zillow"]), in_queue=True),
        advanced_distribution_enabled=True,
        auto_assign_enabled=True,
    )

    decision = route(lead(source="website"), config)

    assert decision.step == "round_robin"
    assert decision.outcome == RoundRobinTurn((1, 2))
    assert decision.notes() == [
        StepReport(
            "advanced_distribution",
            False,
            "advanced distribution found no agent whose criteria match; trying round robin",
            True,
        ),
    ]


def test_advanced_distribution_with_no_match_sends_the_lead_to_the_pool_when_auto_assign_is_off() -> None:
    config = company(
        agent(1, criteria=Criteria(sources=["zillow"]), in_queue=True),
        advanced_distribution_enabled=True,
        auto_assign_enabled=False,
    )

    decision = route(lead(source="website"), config)

    assert decision.step == "advanced_distribution"
    assert decision.outcome == ToPool(
        "No agent's distribution criteria match the lead and auto assignment is off: to the pool."
    )
    assert "round_robin" not in [report.step for report in decision.reports]


def test_advanced_distribution_whose_only_match_is_away_sends_the_lead_to_the_pool() -> None:
    config = company(away(3), agent(4, active=False), advanced_distribution_enabled=True)

    decision = route(lead(), config)

    assert decision.step == "advanced_distribution"
    assert isinstance(decision.outcome, ToPool)
    assert note_details(decision) == ["agent 3 (Cy) matches but is skipped: away until 2025-03-15T15:09:26+00:00"]


def test_advanced_distribution_off_is_a_quiet_skip() -> None:
    decision = route(lead(), company(agent(1)))

    assert decision.reports[7] == StepReport("advanced_distribution", False, "advanced distribution is off", False)


# 8. Round robin --------------------------------------------------------------------------------------------


def test_round_robin_queue_is_active_queued_available_agents_in_ascending_ids() -> None:
    config = company(
        agent(7, in_queue=True),
        agent(2, in_queue=True),
        agent(5, in_queue=True, active=False),
        agent(3, in_queue=False),
        away(4, in_queue=True),
        agent(1, in_queue=True),
        auto_assign_enabled=True,
    )

    decision = route(lead(), config)

    assert decision.step == "round_robin"
    assert decision.outcome == RoundRobinTurn((1, 2, 7))
    assert decision.reports[-1] == StepReport("round_robin", True, "next turn of the queue")
    assert decision.notes() == [
        StepReport("round_robin", False, "agent 4 skipped: away until 2025-03-15T15:09:26+00:00", True),
    ]


def test_round_robin_with_an_empty_queue_sends_the_lead_to_the_pool() -> None:
    config = company(agent(1, in_queue=False), agent(2, in_queue=True, active=False), auto_assign_enabled=True)

    decision = route(lead(), config)

    assert decision.step == "pool"
    assert decision.outcome == ToPool(POOL_DETAIL)
    assert decision.notes() == [
        StepReport("round_robin", False, "round robin skipped: no active agent is in the auto-assignment queue", True),
    ]


def test_round_robin_whose_queue_is_all_away_sends_the_lead_to_the_pool_and_says_who() -> None:
    config = company(away(1, in_queue=True), away(2, in_queue=True), auto_assign_enabled=True)

    decision = route(lead(), config)

    assert decision.step == "pool"
    assert note_details(decision) == [
        "agent 1 skipped: away until 2025-03-15T15:09:26+00:00",
        "agent 2 skipped: away until 2025-03-15T15:09:26+00:00",
        "round robin skipped: no active agent is in the auto-assignment queue",
    ]


def test_auto_assign_off_is_a_quiet_skip() -> None:
    decision = route(lead(), company(agent(1, in_queue=True)))

    assert decision.reports[8] == StepReport("round_robin", False, "auto assignment is off", False)


def test_round_robin_turn_becomes_an_assignment_to_the_next_id_after_the_last() -> None:
    config = company(
        agent(1, in_queue=True), agent(3, in_queue=True), agent(5, in_queue=True), auto_assign_enabled=True
    )
    turn = route(lead(), config).outcome
    assert isinstance(turn, RoundRobinTurn)

    chosen = next_in_queue(turn.queue, 1)

    assert round_robin_assignment(config, turn, chosen) == AssignTo(
        3, "Assigned to agent 3 (Cy): next in the round-robin queue (ascending ids 1, 3, 5)."
    )


# Away agents: only the automatic choices skip them -------------------------------------------------------


@pytest.mark.parametrize("until", [NOW, NOW - timedelta(seconds=1)], ids=["returns-now", "returned"])
def test_agent_whose_away_time_has_passed_is_available_again(until: datetime) -> None:
    config = company(away(1, until, in_queue=True), auto_assign_enabled=True, advanced_distribution_enabled=True)
    rng = ScriptedRandom(picks=[0])

    decision = route(lead(), config, rng)

    assert rng.choices_offered == [[1]]
    assert decision.step == "advanced_distribution"
    assert decision.notes() == []


def test_away_agent_is_out_of_the_round_robin_queue_only_while_away() -> None:
    config = company(away(1, in_queue=True), agent(2, in_queue=True), auto_assign_enabled=True)

    assert route(lead(), config).outcome == RoundRobinTurn((2,))
    assert route(lead(), config, at=LATER).outcome == RoundRobinTurn((1, 2))


# 9. Nothing applies --------------------------------------------------------------------------------------


def test_nothing_applies_sends_the_lead_to_the_pool_and_explains_every_step() -> None:
    decision = route(lead(), company(agent(1), agent(2)))

    assert decision.step == "pool"
    assert decision.outcome == ToPool(POOL_DETAIL)
    assert details(decision) == [
        "no agent code",
        "no agent chosen in the dropdown",
        "not a returning lead",
        "not from an exclusive listing",
        "no default agent or default broker set",
        "no routes set up",
        "click to claim is off",
        "advanced distribution is off",
        "auto assignment is off",
        POOL_DETAIL,
    ]
    assert [report.step for report in decision.reports] == [*STEP_ORDER, "pool"]
    assert [report.applied for report in decision.reports] == [False] * 9 + [True]
    assert decision.notes() == []


def test_a_company_without_agents_sends_every_lead_to_the_pool() -> None:
    config = company(auto_assign_enabled=True, advanced_distribution_enabled=True, default_agent_id=1)

    decision = route(lead(agent_code="1", chosen_agent_id=1, listing=exclusive_listing("X")), config)

    assert decision.step == "pool"
    assert note_details(decision) == [
        "agent code 1 skipped: no such agent",
        "chosen agent 1 skipped: no such agent",
        "exclusive listing skipped: no active agent has MLS id 'X'",
        "default agent 1 skipped: no such agent",
        "advanced distribution found no agent whose criteria match; trying round robin",
        "round robin skipped: no active agent is in the auto-assignment queue",
    ]


# The order of the steps: the first that applies wins -------------------------------------------------------


LADDER = [
    # (what the lead brings, settings, expected step, expected outcome)
    ({"agent_code": "1", "chosen": 2, "listing": True}, {}, "agent_code", AssignTo),
    ({"chosen": 2, "listing": True}, {}, "chosen_agent", AssignTo),
    ({"listing": True}, {}, "exclusive_listing", AssignTo),
    ({}, {}, "default_agent", AssignTo),
    ({}, {"default_agent_id": None}, "advanced_distribution", AssignTo),
    ({}, {"default_agent_id": None, "advanced_distribution_enabled": False}, "round_robin", RoundRobinTurn),
    (
        {},
        {"default_agent_id": None, "advanced_distribution_enabled": False, "auto_assign_enabled": False},
        "pool",
        ToPool,
    ),
]
EXPECTED_AGENT = {"agent_code": 1, "chosen_agent": 2, "exclusive_listing": 3, "default_agent": 4}


@pytest.mark.parametrize(("brings", "settings", "step", "kind"), LADDER, ids=[row[2] for row in LADDER])
def test_the_first_step_that_applies_wins(
    brings: dict[str, object], settings: dict[str, object], step: str, kind: type[object]
) -> None:
    zip_only = Criteria(zips=["99999"])
    config = company(
        agent(1, criteria=zip_only, in_queue=False),
        agent(2, criteria=zip_only),
        agent(3, mls_id="LA-3", criteria=zip_only),
        agent(4, criteria=zip_only),
        agent(5, criteria=Criteria(zips=["60601"])),
        agent(6, criteria=zip_only, in_queue=True),
        **{
            "default_agent_id": 4,
            "advanced_distribution_enabled": True,
            "auto_assign_enabled": True,
            **settings,
        },
    )
    facts = lead(
        agent_code="1" if "agent_code" in brings else None,
        chosen_agent_id=2 if "chosen" in brings else None,
        listing=exclusive_listing("LA-3") if "listing" in brings else None,
        interest=interest(zip="60601"),
    )
    rng = ScriptedRandom(picks=[0])

    decision = route(facts, config, rng)

    assert decision.step == step
    assert isinstance(decision.outcome, kind)
    if step in EXPECTED_AGENT:
        assert isinstance(decision.outcome, AssignTo)
        assert decision.outcome.agent_id == EXPECTED_AGENT[step]
    if step == "advanced_distribution":
        assert rng.choices_offered == [[5]]
        assert isinstance(decision.outcome, AssignTo)
        assert decision.outcome.agent_id == 5
    else:
        assert rng.choices_offered == []
    if step == "round_robin":
        assert decision.outcome == RoundRobinTurn((6,))
    # The explanation walks the steps in cascade order and stops at the one that decided.
    walked = list(dict.fromkeys(report.step for report in decision.reports))
    expected_walk = STEP_ORDER[: STEP_ORDER.index(step) + 1] if step != "pool" else [*STEP_ORDER, "pool"]
    assert walked == expected_walk
    assert decision.reports[-1].applied
    assert not any(report.applied for report in decision.reports[:-1])


# Regressions: bugs found by these tests and fixed ------------------------------------------------------


def test_away_until_without_an_offset_never_crashes_routing() -> None:
    try:
        naive = Agent.model_validate(
            {
                "agent_id": 1,
                "name": "Ada",
                "email": "a@b.co",
                "in_auto_assign_queue": True,
                "away_until": "2030-01-01T00:00:00",
            }
        )
    except ValidationError:
        return  # refused at the door: also a fix
    config = company(naive, agent(2, in_queue=True), auto_assign_enabled=True)

    assert route(lead(), config).outcome == RoundRobinTurn((2,))


@pytest.mark.parametrize("code", ["²", "①", "1²"])
def test_agent_code_with_digits_int_cannot_read_is_not_an_agent_id(code: str) -> None:
    decision = route(lead(agent_code=code), company(agent(1), agent(2)))

    assert decision.step == "pool"
    assert note_details(decision) == [f"agent code {code!r} skipped: not an agent id"]
