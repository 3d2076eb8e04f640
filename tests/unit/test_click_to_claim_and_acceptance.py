"""Cascade step 6 (click to claim) and where a lead goes after a reject or an acceptance that ran out."""

from datetime import timedelta

from leadrouter.domain.acceptance import after_decline
from leadrouter.domain.agents import Criteria
from leadrouter.domain.cascade import AssignTo, OfferTo, RoundRobinTurn, ToPool
from tests.support.fakes import NOW, agent, company, interest, lead, note_details, route

AWAY = NOW + timedelta(days=1)


# Step 6 -----------------------------------------------------------------------------------------------------


def test_click_to_claim_off_is_a_quiet_skip() -> None:
    decision = route(lead(), company(agent(1, click_to_claim=True)))
    assert decision.step == "pool"


def test_every_available_click_to_claim_agent_gets_the_email_without_advanced_distribution() -> None:
    config = company(
        agent(1, click_to_claim=True),
        agent(2),
        agent(3, click_to_claim=True),
        agent(4, click_to_claim=True, active=False),
        agent(5, click_to_claim=True, away_until=AWAY),
        click_to_claim_enabled=True,
        auto_assign_enabled=True,
    )

    decision = route(lead(), config)

    assert decision.step == "click_to_claim"
    assert isinstance(decision.outcome, OfferTo)
    assert decision.outcome.recipients == (1, 3)
    assert note_details(decision) == [f"agent 5 (Eli) skipped: away until {AWAY.isoformat()}"]


def test_with_advanced_distribution_only_matching_agents_get_the_email() -> None:
    config = company(
        agent(1, click_to_claim=True, criteria=Criteria(zips=["60614"])),
        agent(2, click_to_claim=True, criteria=Criteria(zips=["10001"])),
        agent(3, click_to_claim=True),
        click_to_claim_enabled=True,
        advanced_distribution_enabled=True,
    )

    decision = route(lead(interest=interest(zip="60614")), config)

    assert isinstance(decision.outcome, OfferTo)
    assert decision.outcome.recipients == (1, 3)


def test_when_no_criteria_match_every_click_to_claim_agent_gets_the_email() -> None:
    config = company(
        agent(1, click_to_claim=True, criteria=Criteria(zips=["60614"])),
        agent(2, click_to_claim=True, criteria=Criteria(types=["rent"])),
        agent(3, in_queue=True),
        click_to_claim_enabled=True,
        advanced_distribution_enabled=True,
    )

    decision = route(lead(interest=interest(zip="99999", type="buy")), config)

    assert isinstance(decision.outcome, OfferTo)
    assert decision.outcome.recipients == (1, 2)
    assert "no click-to-claim agent's criteria match" in note_details(decision)[0]


def test_no_click_to_claim_agent_at_all_is_the_pool_not_a_later_step() -> None:
    config = company(agent(1, in_queue=True), click_to_claim_enabled=True, auto_assign_enabled=True)

    decision = route(lead(), config)

    assert decision.step == "click_to_claim"
    assert isinstance(decision.outcome, ToPool)


def test_earlier_steps_still_win_over_click_to_claim() -> None:
    config = company(agent(1, click_to_claim=True), agent(2), click_to_claim_enabled=True, default_agent_id=2)
    assert route(lead(), config).outcome == AssignTo(2, "Assigned to agent 2 (Bea): the company's default agent.")


# After a decline --------------------------------------------------------------------------------------------


def test_no_rejected_lead_agent_is_the_pool() -> None:
    assert isinstance(after_decline(company(agent(1)), 1, [1], NOW), ToPool)


def test_a_named_rejected_lead_agent_gets_it() -> None:
    config = company(agent(1, rejected_lead_agent=2), agent(2))
    assert after_decline(config, 1, [1], NOW) == AssignTo(
        2, "Assigned to agent 2 (Bea): the rejected-lead agent of agent 1 (Ada)."
    )


def test_a_rejected_lead_agent_who_declined_already_is_skipped_to_the_pool() -> None:
    config = company(agent(1, rejected_lead_agent=2), agent(2, rejected_lead_agent=1))
    outcome = after_decline(config, 1, [2, 1], NOW)
    assert isinstance(outcome, ToPool)
    assert "already declined" in outcome.detail


def test_an_inactive_or_away_rejected_lead_agent_is_the_pool() -> None:
    config = company(agent(1, rejected_lead_agent=2), agent(2, active=False), agent(3, rejected_lead_agent=4))
    config = company(*config.agents.values(), agent(4, away_until=AWAY))
    assert isinstance(after_decline(config, 1, [1], NOW), ToPool)
    assert isinstance(after_decline(config, 3, [3], NOW), ToPool)


def test_round_robin_skips_everyone_who_declined() -> None:
    config = company(
        agent(1, in_queue=True, rejected_lead_agent="round_robin"),
        agent(2, in_queue=True),
        agent(3, in_queue=True),
    )
    turn = after_decline(config, 1, [1, 3], NOW)
    assert turn == RoundRobinTurn((1, 2, 3), frozenset({1, 3}))  # the queue's own turns, decliners passing
    assert isinstance(turn, RoundRobinTurn)
    assert turn.eligible == (2,)
    outcome = after_decline(config, 1, [1, 2, 3], NOW)
    assert isinstance(outcome, ToPool)


def test_a_chain_of_declines_always_ends_in_the_pool() -> None:
    """Every agent passes rejected leads to round robin: each hop declines one more agent, so it ends."""
    config = company(*(agent(n, in_queue=True, rejected_lead_agent="round_robin") for n in range(1, 6)))
    declined = [3]
    current = 3
    for _ in range(10):
        outcome = after_decline(config, current, declined, NOW)
        if isinstance(outcome, ToPool):
            break
        assert isinstance(outcome, RoundRobinTurn)
        assert not set(outcome.eligible) & set(declined)
        current = outcome.eligible[0]
        declined.append(current)
    assert sorted(declined) == [1, 2, 3, 4, 5]
    assert isinstance(outcome, ToPool)
