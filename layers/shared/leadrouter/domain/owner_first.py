"""After the owner's first offer (`returning_leads: offer_owner_first`): the owner of a returning lead
passed or let their window run out, so the lead goes through the cascade as a new lead would, and never
to that owner again (ROUTING.md, "Returning leads").

The cascade itself is not told about the owner (no step grows a special case): its decision is taken as
it comes, then whatever it would give an agent who declined this lead is given to the next one the same
step would pick (round robin and routes move on to their next agent; claim emails leave them out), or to
the pool where the step named that agent alone."""

from dataclasses import replace
from datetime import datetime

from leadrouter.domain.cascade import (
    AssignTo,
    Decision,
    LeadFacts,
    OfferTo,
    Outcome,
    RoundRobinTurn,
    RouteOffer,
    StepReport,
    ToPool,
    decide,
)
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import Lead
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.routes import next_member


def facts_of_lead(lead: Lead) -> LeadFacts:
    """What the cascade looks at, from a stored lead (as from its submission at intake)."""
    return LeadFacts(
        source=lead.source,
        agent_code=lead.agent_code,
        chosen_agent_id=lead.chosen_agent_id,
        listing=lead.listing,
        interest=lead.interest,
    )


def decide_without_owner(lead: Lead, config: CompanyConfig, at: datetime, rng: RandomSource) -> Decision:
    """The cascade's decision for a returning lead its owner passed on, never giving it to an agent who
    declined it (the owner is one now)."""
    decision = decide(facts_of_lead(lead), config, at, rng)
    outcome = _without(decision.outcome, frozenset(lead.declined_agent_ids), config, at)
    if isinstance(outcome, str):
        detail = f"Step {decision.step} would give the lead to someone who passed on it ({outcome}): to the pool."
        return Decision(decision.step, ToPool(detail), (*decision.reports, StepReport(decision.step, True, detail)))
    return replace(decision, outcome=outcome)


def _without(outcome: Outcome, declined: frozenset[int], config: CompanyConfig, at: datetime) -> Outcome | str:
    """The outcome without the declined agents, or why nobody is left (the lead then goes to the pool)."""
    if isinstance(outcome, RoundRobinTurn):
        turn = RoundRobinTurn(outcome.queue, declined)
        return turn if turn.eligible else "everyone in the round-robin queue passed on this lead already"
    if isinstance(outcome, OfferTo):
        recipients = tuple(agent_id for agent_id in outcome.recipients if agent_id not in declined)
        if not recipients:
            return "every agent the claim email would go to passed on this lead already"
        return OfferTo(recipients, outcome.detail)
    if isinstance(outcome, RouteOffer) and outcome.next.turn is not None and outcome.next.turn.agent_id in declined:
        following = next_member(outcome.next.turn, config.agents, declined, at, after=outcome.next.turn.position - 1)
        return RouteOffer(outcome.matched, following, outcome.detail)
    if isinstance(outcome, AssignTo) and outcome.agent_id in declined:
        return f"agent {outcome.agent_id} passed on this lead already"
    return outcome
