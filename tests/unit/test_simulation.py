"""The simulator's explanation of a decision: the outcome of every kind of step, in the cascade's words."""

from datetime import UTC, datetime

from leadrouter.domain.agents import Criteria
from leadrouter.domain.cascade import decide
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.routes import Route
from leadrouter.domain.simulation import PreviewRandom, Simulation, explain
from tests.support.fakes import agent, company, interest, lead

SATURDAY = datetime(2025, 3, 15, 15, 12, tzinfo=UTC)  # 10:12 in Chicago


def simulate(config: CompanyConfig, source: str = "website", next_turn: int | None = None) -> Simulation:
    facts = lead(source=source, interest=interest(zip="60614"))
    chance = PreviewRandom()
    decision = decide(facts, config, SATURDAY, chance)
    return explain(decision, facts, config, SATURDAY, next_turn, chance.options)


def test_advanced_distribution_tells_the_candidates_not_a_pick() -> None:
    config = company(
        agent(1, criteria=Criteria(zips=["60614"])),
        agent(2),
        agent(3, criteria=Criteria(zips=["99999"])),
        advanced_distribution_enabled=True,
    )
    answer = simulate(config)
    assert (answer.step, answer.outcome, answer.agent_id) == ("advanced_distribution", "random_pick", None)
    assert answer.eligible_agent_ids == [1, 2]
    assert answer.detail.startswith("Assigned at random to one of agents 1, 2")


def test_click_to_claim_lists_the_recipients_and_the_skipped() -> None:
    config = company(
        agent(1, click_to_claim=True),
        agent(2, click_to_claim=True, away_until=datetime(2030, 1, 1, tzinfo=UTC)),
        click_to_claim_enabled=True,
    )
    answer = simulate(config)
    assert (answer.outcome, answer.eligible_agent_ids) == ("claim_emails", [1])
    assert [(s.step, s.agent_id) for s in answer.skipped_agents] == [("click_to_claim", 2)]
    assert answer.local_time == "Saturday 2025-03-15 15:12 UTC"


def test_round_robin_tells_the_next_turn_after_the_stored_position() -> None:
    config = company(agent(1, in_queue=True), agent(2, in_queue=True), auto_assign_enabled=True)
    assert simulate(config, next_turn=2).agent_id == 2
    assert simulate(config).agent_id == 1  # a queue that never took a turn starts with the lowest id


def test_nothing_applies_is_the_pool_and_every_step_says_why() -> None:
    answer = simulate(company(agent(1)))
    assert (answer.step, answer.outcome) == ("pool", "pool")
    assert all(step.reached for step in answer.steps)
    assert [step.applied for step in answer.steps] == [False] * 9 + [True]


def test_a_matched_route_lists_its_members_in_order_with_their_availability() -> None:
    weekend = Route(route_id=f"rt_{1:026d}", name="Weekend", priority=1, members=[3, 1, 2])
    config = company(agent(1), agent(2, active=False), agent(3, active=False), time_zone="America/Chicago")
    config = CompanyConfig(config.company, config.agents, {}, {weekend.route_id: weekend})
    answer = simulate(config)
    assert (answer.outcome, answer.agent_id, answer.eligible_agent_ids) == ("route_offer", 1, [1])
    assert [(m.position, m.agent_id, m.available) for m in answer.route_members] == [
        (1, 3, False),
        (2, 1, True),
        (3, 2, False),
    ]
    assert answer.route_members[0].detail == "Agent 3 (Cy), member 1 of 3 of route 'Weekend', skipped: inactive."
    assert answer.route_members[1].detail == "offered first"
    assert answer.route_members[2].detail == "would be skipped if the lead reached this member: inactive"
    assert [(r.name, r.tried, r.matched) for r in answer.routes] == [("Weekend", True, True)]
