"""What follows an agent's deactivation: every open offer to them closes and the lead moves on, as a pass
or a reject would (a route's next member, the rejected-lead chain, the pool); a click-to-claim email leaves
them out and stays open for the others.

Each lead changes in one conditional write (LeadChanges), checked against the configuration of that write:
an agent reactivated meanwhile keeps their offer, and an offer answered or closed meanwhile is left alone.
The agent's inbox of live tickets finds their offers; an offer whose ticket was never stored (a delivery
that failed) is not in it, but its timer or the sweeper closes it and moves it on, since routing skips
inactive agents, and the agent cannot answer it meanwhile (OfferDesk refuses inactive agents)."""

from aws_lambda_powertools import Logger

from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import NotFound
from leadrouter.domain.leads import Lead
from leadrouter.domain.lifecycle import withdraw_agent
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.service.lead_changes import LeadChanges, Turns
from leadrouter.service.offer_desk import NothingToDo, continue_past_caps, move_on
from leadrouter.service.ports import LeadCounters, TicketRepository

logger = Logger(child=True)

BY = "deactivation"  # the history's `by`: no agent or timer did this, the agent's deactivation did


class AgentDeactivation:
    def __init__(
        self,
        tickets: TicketRepository,
        changes: LeadChanges,
        clock: Clock,
        rng: RandomSource,
        counters: LeadCounters | None = None,
    ) -> None:
        """`counters`: read to pass over a route's members at a cap when its chain moves on."""
        self._counters = counters
        self._tickets = tickets
        self._changes = changes
        self._clock = clock
        self._rng = rng

    def withdraw_offers(self, company_id: str, agent_id: int) -> int:
        """Take an inactive agent out of every open offer to them; answers how many offers it changed.
        Harmless to run again (a repeated DELETE finishes what an interrupted one started)."""
        changed = 0
        for ticket in self._tickets.inbox(company_id, agent_id, live_at=self._clock.now()):
            if self._withdraw(company_id, ticket.lead_id, ticket.offer_id, agent_id):
                changed += 1
        logger.info("deactivated agent's offers withdrawn", extra={"agent_id": agent_id, "offers": changed})
        return changed

    def _withdraw(self, company_id: str, lead_id: str, offer_id: str, agent_id: int) -> bool:
        def change(lead: Lead, config: CompanyConfig, turns: Turns) -> None:
            agent = config.agents.get(agent_id)
            if agent is None or agent.active:
                raise NothingToDo("agent_active")
            offer = lead.offer(offer_id)
            if offer is None or not offer.open_to(agent_id):
                raise NothingToDo("not_open_to_agent")
            now = self._clock.now()
            if not withdraw_agent(lead, offer, agent_id, agent.display_name(), now, BY):
                return
            if offer.route is not None:
                continue_past_caps(self._counters, lead, offer, config, now, self._rng)
            else:
                move_on(lead, config, agent_id, turns, now, self._rng)

        try:
            self._changes.apply(company_id, lead_id, change)
        except (NothingToDo, NotFound):
            return False
        return True
