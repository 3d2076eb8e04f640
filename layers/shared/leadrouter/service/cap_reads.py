"""Who among some agents is at a cap now, read before a step that assigns nothing can refuse them (a claim
email, a route's offer, a simulation): one consistent BatchGetItem of just the capped agents' period counts
(per 100 items), and nothing at all when none of them has a cap, so a company without caps pays nothing.

A read, not a condition: the write that finally gives the lead (the claim of the offer) is what is exact
under concurrency (docs/DECISIONS.md "Caps after intake")."""

from collections.abc import Sequence

from leadrouter.domain import caps
from leadrouter.domain.cascade import Decision, OfferTo, RouteOffer
from leadrouter.domain.config import CompanyConfig
from leadrouter.service.ports import LeadCounters


def at_cap(
    counters: LeadCounters | None,
    config: CompanyConfig,
    agent_ids: Sequence[int],
    periods: tuple[caps.Period, ...],
) -> dict[int, caps.CapReached]:
    """Those of these agents at a cap now, with the cap reached (no counters: nobody)."""
    capped_ids = [
        agent_id
        for agent_id in dict.fromkeys(agent_ids)
        if agent_id in config.agents and caps.caps_of(config.agents[agent_id])
    ]
    if not capped_ids or counters is None:
        return {}
    counts = counters.counts_of(config.company.company_id, capped_ids, periods)
    reached = {agent_id: caps.first_reached(config.agents[agent_id], counts[agent_id]) for agent_id in capped_ids}
    return {agent_id: cap for agent_id, cap in reached.items() if cap is not None}


def offered_to(config: CompanyConfig, decision: Decision) -> tuple[int, ...]:
    """The agents a claim offer of the decision may reach: click to claim's recipients, a route's members."""
    outcome = decision.outcome
    if isinstance(outcome, OfferTo):
        return outcome.recipients
    if isinstance(outcome, RouteOffer) and outcome.next.route_id in config.routes:
        members = config.routes[outcome.next.route_id].members
        return tuple(agent_id for agent_id in members if agent_id in config.agents)
    return ()
