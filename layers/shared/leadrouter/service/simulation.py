"""What the cascade would do with a lead at a moment: reads the configuration and the round-robin queue's
position, and changes nothing (no lead, no email, no timer, no round-robin turn taken)."""

from dataclasses import replace
from datetime import UTC, datetime

from leadrouter.domain.cascade import LeadFacts, RoundRobinTurn, decide
from leadrouter.domain.leads import Contact
from leadrouter.domain.ports import Clock
from leadrouter.domain.simulation import PreviewRandom, Simulation, explain
from leadrouter.service.people_desk import PeopleDesk
from leadrouter.service.ports import ConfigRepository
from leadrouter.service.round_robin_turns import RoundRobinTurns


class RoutingSimulator:
    def __init__(
        self, config: ConfigRepository, turns: RoundRobinTurns, clock: Clock, people: PeopleDesk | None = None
    ) -> None:
        self._people = people
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
        outcome = decision.outcome
        upcoming = self._turns.upcoming(company_id, outcome.queue) if isinstance(outcome, RoundRobinTurn) else None
        return explain(decision, facts, config, moment, upcoming, chance.options)
