"""What the cascade would do with a lead at a moment: reads the configuration, the round-robin queue's
position and, when some candidate has a cap, the candidates' counts, and changes nothing (no lead, no email,
no timer, no round-robin turn taken). An agent at a cap is skipped in the same words as a real lead's
history ("agent 7 skipped: daily cap 10 of 10 reached")."""

from dataclasses import replace
from datetime import UTC, datetime

from leadrouter.domain import caps
from leadrouter.domain.cascade import (
    DEFAULT_STEPS,
    AdvancedDistributionStep,
    AssignTo,
    Decision,
    LeadFacts,
    RoundRobinTurn,
    StepReport,
    ToPool,
    decide,
    rotating_route,
)
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import Contact
from leadrouter.domain.ports import Clock
from leadrouter.domain.simulation import PreviewRandom, Simulation, explain
from leadrouter.service.cap_reads import at_cap, offered_to
from leadrouter.service.people_desk import PeopleDesk
from leadrouter.service.ports import ConfigRepository, LeadCounters, RouteRotation
from leadrouter.service.round_robin_turns import RoundRobinTurns


class RoutingSimulator:
    def __init__(
        self,
        config: ConfigRepository,
        turns: RoundRobinTurns,
        clock: Clock,
        people: PeopleDesk | None = None,
        rotation: RouteRotation | None = None,
        counters: LeadCounters | None = None,
    ) -> None:
        """`counters`: leads per agent per period, read when a candidate has a cap (None: nobody is capped)."""
        self._counters = counters
        self._people = people
        self._rotation = rotation
        self._config = config
        self._turns = turns
        self._clock = clock

    def simulate(
        self, company_id: str, facts: LeadFacts, at: datetime | None = None, contact: Contact | None = None
    ) -> Simulation:
        """`contact`: the lead's contact details, when given, to tell whether it would be a returning lead
        (the person index is read, never written)."""
        config = self._config.load(company_id)
        moment = (at or self._clock.now()).astimezone(UTC)  # answered in UTC, like every time
        if self._people is not None and contact is not None and (contact.email or contact.phone):
            facts = replace(facts, returning=self._people.match(config, contact, moment).earlier)
        chance = PreviewRandom()
        decision = decide(facts, config, moment, chance)
        started: dict[str, int] = {}
        rotating = rotating_route(decision, config)
        if rotating is not None and self._rotation is not None:
            started = {rotating: self._rotation.started(company_id, rotating)}
            chance = PreviewRandom()
            decision = decide(facts, config, moment, chance, route_starts=started)
        # As intake learns of caps (from the write, or a read for an offer), decided again without those at a
        # cap; a step that then falls through to another may bring candidates not read yet (at most once per step).
        periods = caps.periods(moment, config.settings.time_zone)
        capped: dict[int, caps.CapReached] = {}
        read: set[int] = set()
        for _ in range(len(DEFAULT_STEPS)):
            wanted = [agent_id for agent_id in _candidates(config, decision, chance.options) if agent_id not in read]
            read.update(wanted)
            found = at_cap(self._counters, config, wanted, periods)
            if not found:
                break
            capped.update(found)
            chance = PreviewRandom()
            decision = decide(facts, config, moment, chance, route_starts=started, capped=capped)
        outcome = decision.outcome
        if not isinstance(outcome, RoundRobinTurn):
            return explain(decision, facts, config, moment, None, chance.options, capped=capped)
        upcoming, share, passed = self._turns.next_pick_past(company_id, outcome, capped)
        *before, applied = decision.reports
        skips = [StepReport(decision.step, False, capped[agent_id].words(), True, agent_id) for agent_id in passed]
        if upcoming is None:
            detail = "Every agent of the round-robin queue is at a cap: to the pool."
            pooled = StepReport(decision.step, True, detail)
            decision = Decision(decision.step, ToPool(detail), (*before, *skips, pooled))
            return explain(decision, facts, config, moment, None, chance.options)
        decision = Decision(decision.step, outcome, (*before, *skips, applied))
        return explain(decision, facts, config, moment, upcoming, chance.options, share)


def _candidates(config: CompanyConfig, decision: Decision, options: list[int]) -> tuple[int, ...]:
    """Whom the decision's automatic step may give or offer the lead to (what a cap would turn away)."""
    outcome = decision.outcome
    if isinstance(outcome, RoundRobinTurn):
        return outcome.queue
    if isinstance(outcome, AssignTo) and decision.step == AdvancedDistributionStep.name:
        return tuple(options)
    return offered_to(config, decision)
