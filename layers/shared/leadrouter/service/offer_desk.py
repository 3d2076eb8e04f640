"""Offers from the agent's side (links, /v1/me) and the timer's: answering, listing, expiring.

Every answer and every expiry is one conditional write of the lead (through LeadChanges): the first one
that closes an offer wins; anything after it finds the offer closed and answers 409, or, for a timer,
changes nothing."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from leadrouter.domain.acceptance import STEP as ACCEPTANCE_STEP
from leadrouter.domain.acceptance import after_decline
from leadrouter.domain.caps import CapReached, caps_of, periods
from leadrouter.domain.cascade import (
    AssignTo,
    Decision,
    RoundRobinTurn,
    StepReport,
    ToPool,
    round_robin_assignment,
)
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import NotFound
from leadrouter.domain.ids import new_offer_id
from leadrouter.domain.leads import Lead, LeadStatus
from leadrouter.domain.lifecycle import (
    Answered,
    OfferTerms,
    answer_offer,
    apply_decision,
    continue_route,
    expire_offer,
    place,
    record_cap_skips,
    skip_member_at_cap,
    to_pool,
)
from leadrouter.domain.offers import (
    AgentNotActive,
    ClaimAtCap,
    Offer,
    OfferAction,
    OfferOrigin,
    OfferState,
    OfferTicket,
    hash_token,
    looks_like_token,
    token_matches,
)
from leadrouter.domain.owner_first import decide_without_owner
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.queries import LeadQuery
from leadrouter.observability import correlate
from leadrouter.service.cap_reads import at_cap
from leadrouter.service.lead_changes import LeadChanges, Turns
from leadrouter.service.ports import ConfigRepository, LeadCounters, LeadRepository, TicketRepository

logger = Logger(child=True)

# The offers an automatic step makes: claiming one is that step's assignment, which a cap refuses.
_AUTOMATIC_OFFERS = frozenset({OfferOrigin.CLICK_TO_CLAIM, OfferOrigin.ROUTE})

# What `expire` answers when it closed the offer (the other answers say why it changed nothing).
EXPIRED = "expired"


@dataclass(frozen=True)
class OfferInView:
    """An offer as its recipient sees it, with the lead it is about and its company's name."""

    ticket: OfferTicket
    lead: Lead
    offer: Offer
    agent_name: str
    company_name: str
    time_zone: str
    agent_active: bool = True  # a deactivated agent's offers are open to them no more, whatever their state

    def open_to_agent(self, at: datetime) -> bool:
        return self.agent_active and self.offer.open_to(self.ticket.agent_id) and at < self.offer.expires_at


@dataclass(frozen=True)
class Answer:
    lead: Lead
    offer: Offer
    agent_id: int
    action: OfferAction


@dataclass(frozen=True)
class MyLeads:
    """A page of an agent's leads. `contact_allowed`: whether the agent may see contact details at all (a
    deactivated agent sees none, even of the leads they still hold)."""

    leads: list[Lead]
    next_cursor: str | None
    contact_allowed: bool


class OfferPresence(Protocol):
    """What presence learns from offers (service/auto_away.py)."""

    def ran_out(self, config: CompanyConfig, lead_id: str, agent_id: int, offer_id: str) -> bool: ...

    def answered(self, config: CompanyConfig, agent_id: int) -> None: ...


class NothingToDo(Exception):  # not an error: a timer that has nothing left to do
    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


def move_on(lead: Lead, config: CompanyConfig, agent_id: int, turns: Turns, at: datetime, rng: RandomSource) -> None:
    """After a reject or an acceptance that ran out: the agent's rejected-lead agent, round robin, or the pool.
    An automatic step, as at intake: the next agent is counted in the lead's write, conditional on their
    caps; an agent whose cap refused it is passed over on the re-run, said so in the history."""
    outcome = after_decline(config, agent_id, lead.declined_agent_ids, at, turns.capped)
    record_cap_skips(lead, turns.capped.values(), at, ACCEPTANCE_STEP)
    if isinstance(outcome, RoundRobinTurn):
        chosen = turns.take(outcome)
        if chosen is None:
            outcome = ToPool(
                f"Agent {agent_id} passes rejected leads to round robin, but every agent left in the queue is at a "
                "cap: the lead goes to the pool."
            )
        else:
            assigned = round_robin_assignment(config, outcome, chosen)
            outcome = AssignTo(
                chosen, f"{assigned.detail.rstrip('.')}: agent {agent_id} passes rejected leads to round robin."
            )
    if isinstance(outcome, AssignTo):
        agent = config.agents[outcome.agent_id]
        turns.chose(outcome.agent_id, caps_of(agent))
        terms = OfferTerms(new_offer_id(at, rng), config.settings)
        place(lead, outcome.agent_id, agent.office_id, outcome.detail, at, ACCEPTANCE_STEP, "routing", terms)
    else:
        to_pool(lead, outcome.detail, at, ACCEPTANCE_STEP, "routing")


def continue_past_caps(
    counters: LeadCounters | None, lead: Lead, offer: Offer, config: CompanyConfig, now: datetime, rng: RandomSource
) -> None:
    """A route's chain moves on: the next member not at a cap (the counts of the later members who have caps
    read first, as at intake: nothing is read when none has one)."""
    turn = offer.route
    assert turn is not None
    later = turn.members[turn.position + 1 :]
    capped = at_cap(counters, config, later, periods(now, config.settings.time_zone))
    continue_route(lead, offer, config.agents, new_offer_id(now, rng), now, capped)


class OfferDesk:
    def __init__(
        self,
        config: ConfigRepository,
        leads: LeadRepository,
        tickets: TicketRepository,
        changes: LeadChanges,
        clock: Clock,
        rng: RandomSource,
        presence: OfferPresence | None = None,
        counters: LeadCounters | None = None,
    ) -> None:
        """`counters`: leads per agent per period, read to pass over a route's members at a cap when its
        chain moves on (None: no caps are kept)."""
        self._counters = counters
        self._config = config
        self._leads = leads
        self._tickets = tickets
        self._changes = changes
        self._clock = clock
        self._rng = rng
        self._presence = presence

    # One-time links ----------------------------------------------------------------------------------

    def by_token(self, token: str) -> OfferInView:
        """What a link shows. Reads only: mail scanners open links."""
        ticket = self._tickets.find(hash_token(token)) if looks_like_token(token) else None
        if ticket is None or not token_matches(token, ticket.token_hash):
            raise NotFound("This link is not one we sent.")
        correlate(ticket.lead_id)
        return self._view(ticket)

    def answer_link(self, token: str, action: OfferAction) -> Answer:
        view = self.by_token(token)
        answer = self._answer(view.ticket, action, by="link")
        try:
            self._tickets.mark_used(view.ticket.token_hash, self._clock.now())
        except Exception as error:  # informational only: the offer's state makes the link single-use
            logger.warning(
                "link not marked used", extra={"offer_id": view.ticket.offer_id, "error": type(error).__name__}
            )
        return answer

    # The agent's API ---------------------------------------------------------------------------------

    def answer_mine(self, principal: Principal, offer_id: str, action: OfferAction) -> Answer:
        agent_id = _agent_of(principal)
        ticket = self._tickets.in_inbox(principal.company, agent_id, offer_id)
        if ticket is None:
            raise NotFound(f"No offer {offer_id} for you.")
        correlate(ticket.lead_id)
        return self._answer(ticket, action, by=principal.key_id)

    def my_offers(self, principal: Principal) -> list[OfferInView]:
        """My open offers, newest first (the lead is the truth; an inbox entry only points at it)."""
        agent_id = _agent_of(principal)
        now = self._clock.now()
        tickets = self._tickets.inbox(principal.company, agent_id, live_at=now)
        leads = self._leads.get_many(principal.company, [ticket.lead_id for ticket in tickets])
        config = self._config.load(principal.company)
        views: list[OfferInView] = []
        for ticket in tickets:
            lead = leads.get(ticket.lead_id)
            offer = lead.offer(ticket.offer_id) if lead is not None else None
            if lead is None or offer is None:
                continue
            name, company = _name(config, agent_id), config.company.name
            view = OfferInView(ticket, lead, offer, name, company, config.settings.time_zone)
            if view.open_to_agent(now):
                views.append(view)
        return views

    def my_leads(self, principal: Principal, limit: int = 50, cursor: str | None = None) -> MyLeads:
        """Leads I hold or am asked to accept, newest first."""
        agent_id = _agent_of(principal)
        page = self._leads.list(principal.company, LeadQuery(agent_id=agent_id, limit=limit, cursor=cursor))
        held = (LeadStatus.ASSIGNED, LeadStatus.PENDING_ACCEPTANCE)
        agent = self._config.load(principal.company).agents.get(agent_id)
        return MyLeads(
            [lead for lead in page.items if lead.status in held and lead.agent_id == agent_id],
            page.next_cursor,
            contact_allowed=agent is not None and agent.active,
        )

    # The timer ---------------------------------------------------------------------------------------

    def expire(self, company_id: str, lead_id: str, offer_id: str) -> str:
        """A timer fired. Late, duplicate or stale firings change nothing; answers what happened, in a word."""
        ran_out: list[tuple[CompanyConfig, list[int]]] = []  # the configuration read, the offer's recipients

        def change(lead: Lead, config: CompanyConfig, turns: Turns) -> None:
            ran_out.clear()
            now = self._clock.now()
            offer = lead.offer(offer_id)
            if offer is None:
                raise NothingToDo("unknown_offer")
            if not offer.is_open:
                raise NothingToDo("already_closed")
            if not offer.is_due(now):
                raise NothingToDo("not_due")
            names = {agent_id: agent.display_name() for agent_id, agent in config.agents.items()}
            if not expire_offer(lead, offer, now, names):
                return
            ran_out.append((config, offer.recipients))
            if offer.route is not None:
                self._continue_route(lead, offer, config, now)
            elif offer.origin == OfferOrigin.RETURNING_LEAD:
                self._route_as_new(lead, config, turns, now)
            else:
                move_on(lead, config, offer.recipients[0], turns, now, self._rng)

        try:
            self._changes.apply(company_id, lead_id, change)
        except NothingToDo as nothing:
            logger.info("offer timer changed nothing", extra={"offer_id": offer_id, "outcome": nothing.outcome})
            return nothing.outcome
        except NotFound:
            logger.info("offer timer for a lead that is gone", extra={"lead_id": lead_id, "offer_id": offer_id})
            return "unknown_lead"
        self._ran_out(lead_id, offer_id, *ran_out)
        return EXPIRED

    def _ran_out(self, lead_id: str, offer_id: str, *stored: tuple[CompanyConfig, list[int]]) -> None:
        """An offer to one agent alone ran out: their miss (a claim offer to many is nobody's)."""
        for config, recipients in stored:
            if self._presence is not None and len(recipients) == 1:
                self._presence.ran_out(config, lead_id, recipients[0], offer_id)

    # Shared ------------------------------------------------------------------------------------------

    def _continue_route(self, lead: Lead, offer: Offer, config: CompanyConfig, now: datetime) -> None:
        continue_past_caps(self._counters, lead, offer, config, now, self._rng)

    def _route_as_new(self, lead: Lead, config: CompanyConfig, turns: Turns, now: datetime) -> None:
        """A returning lead's owner passed on their first offer: the cascade, as for a new lead, without them."""
        decision = decide_without_owner(lead, config, now, self._rng)
        outcome = decision.outcome
        if isinstance(outcome, RoundRobinTurn):
            # Round robin respects caps here as at intake: a capped agent's turn is passed over on the re-run.
            record_cap_skips(lead, turns.capped.values(), now, decision.step)
            chosen = turns.take(outcome)
            if chosen is None:
                detail = "Every agent of the round-robin queue left is at a cap: to the pool."
                pooled = StepReport(decision.step, True, detail)
                decision = Decision(decision.step, ToPool(detail), (*decision.reports, pooled))
            else:
                turns.chose(chosen, caps_of(config.agents[chosen]))
                assigned = round_robin_assignment(config, outcome, chosen)
                decision = Decision(decision.step, assigned, decision.reports)
        office_of = {agent_id: agent.office_id for agent_id, agent in config.agents.items()}
        terms = OfferTerms(new_offer_id(now, self._rng), config.settings)
        apply_decision(lead, decision, office_of, now, terms, config.agents)

    def _answer(self, ticket: OfferTicket, action: OfferAction, by: str) -> Answer:
        agent_id = ticket.agent_id

        read: list[CompanyConfig] = []  # the configuration the stored answer was checked against
        refused: list[CapReached] = []  # a route member's claim refused by their cap: the chain moved on

        def change(lead: Lead, config: CompanyConfig, turns: Turns) -> None:
            read[:] = [config]
            refused.clear()
            now = self._clock.now()
            agent = config.agents.get(agent_id)
            if agent is None or not agent.active:
                # Checked on the configuration of this very write: a deactivation that came first wins.
                raise AgentNotActive
            office_id = agent.office_id
            offer = lead.offer(ticket.offer_id)
            # A claim of an automatic step's offer is that step's assignment: counted on the condition that
            # the agent is still under their caps, so concurrent claims never take a cap past its number.
            automatic = action is OfferAction.CLAIM and offer is not None and offer.origin in _AUTOMATIC_OFFERS
            reached = turns.capped.get(agent_id)
            if automatic and reached is not None and offer is not None:
                if offer.route is None:
                    raise ClaimAtCap(f"You reached your {reached.reason()}: the lead stays open to the others.")
                skipped = skip_member_at_cap(lead, offer.offer_id, reached, _name(config, agent_id), now, by)
                self._continue_route(lead, skipped, config, now)
                refused.append(reached)
                return
            answered = answer_offer(
                lead, ticket.offer_id, agent_id, action, now, _name(config, agent_id), by, office_id=office_id
            )
            if automatic and answered.offer.state is OfferState.CLAIMED:
                turns.chose(agent_id, caps_of(agent))
            self._after_answer(lead, answered, config, agent_id, turns, now)

        lead = self._changes.apply(ticket.company_id, ticket.lead_id, change)
        offer = lead.offer(ticket.offer_id)
        assert offer is not None
        if refused:
            raise ClaimAtCap(f"You reached your {refused[0].reason()}: the lead went on to the route's next member.")
        if self._presence is not None and read:
            self._presence.answered(read[0], agent_id)
        logger.info(
            "offer answered",
            extra={"lead_id": lead.lead_id, "offer_id": offer.offer_id, "agent_id": agent_id, "action": action.value},
        )
        return Answer(lead, offer, agent_id, action)

    def _after_answer(
        self, lead: Lead, answered: Answered, config: CompanyConfig, agent_id: int, turns: Turns, now: datetime
    ) -> None:
        """Where the lead goes after a reject or a pass: the acceptance chain, a route's next member, or the
        cascade without a returning lead's owner."""
        if answered.declined:
            move_on(lead, config, agent_id, turns, now, self._rng)
        elif answered.offer.route is not None and answered.offer.state is OfferState.PASSED:
            # A route member passed: the next member, at once.
            self._continue_route(lead, answered.offer, config, now)
        elif answered.offer.origin == OfferOrigin.RETURNING_LEAD and answered.offer.state is OfferState.PASSED:
            self._route_as_new(lead, config, turns, now)

    def _view(self, ticket: OfferTicket) -> OfferInView:
        lead = self._leads.get(ticket.company_id, ticket.lead_id)
        offer = lead.offer(ticket.offer_id)
        if offer is None:
            raise NotFound("This link is not one we sent.")
        config = self._config.load(ticket.company_id)
        agent = config.agents.get(ticket.agent_id)
        return OfferInView(
            ticket,
            lead,
            offer,
            _name(config, ticket.agent_id),
            config.company.name,
            config.settings.time_zone,
            agent_active=agent is not None and agent.active,
        )


def _agent_of(principal: Principal) -> int:
    principal.require(Role.AGENT)
    if principal.agent_id is None:
        raise NotFound("This key names no agent.")
    return principal.agent_id


def _name(config: CompanyConfig, agent_id: int) -> str:
    agent = config.agents.get(agent_id)
    return agent.display_name() if agent is not None else "unknown"
