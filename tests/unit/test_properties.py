"""Stateful properties: hypothesis runs random sequences of intakes, claims, passes, accepts, rejects, timer
firings (on time, late, twice) and admin assignments through the services, on in-memory fakes of every port,
and checks after each step: at most one holder, every lead held, pooled or waiting on an open offer that
expires, nobody offered a lead after declining it, round-robin turns handed out in order (never skipped, never
twice), and the history replaying to the lead's state."""

from __future__ import annotations

import builtins
from datetime import datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from leadrouter.domain.caps import Tally
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import DomainError
from leadrouter.domain.intake_requests import PreviousWindowStored
from leadrouter.domain.leads import HistoryEntry, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.offers import OfferAction, OfferKind, OfferTicket
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.queries import LeadQuery, Page
from leadrouter.domain.round_robin import next_in_queue
from leadrouter.service.delivery import OfferDelivery
from leadrouter.service.intake import IntakeService
from leadrouter.service.lead_changes import LeadChanges
from leadrouter.service.lead_desk import LeadDesk
from leadrouter.service.offer_desk import OfferDesk
from leadrouter.service.ports import Email
from leadrouter.service.round_robin_turns import RoundRobinTurns
from tests.support.fakes import COMPANY_ID, FixedClock, MemoryCounter, MemoryMeter, ScriptedRandom, agent, company

AGENTS = (1, 2, 3, 4)
MODES: dict[str, dict[str, Any]] = {
    # Round robin, the agent must accept; a reject moves on by round robin.
    "acceptance": {"auto_assign_enabled": True, "acceptance_required": True, "acceptance_timeout_seconds": 120},
    # Click to claim to every agent; an unclaimed lead stays in the pool.
    "claim": {"click_to_claim_enabled": True, "claim_link_ttl_seconds": 120},
    # Plain round robin: the agent holds the lead at once.
    "round_robin": {"auto_assign_enabled": True},
}


class Store:
    """Leads (in the order they arrived), the round-robin counter, tickets: the ports the services write to."""

    def __init__(self, config: CompanyConfig) -> None:
        self.config = config
        self.leads: dict[str, Lead] = {}
        self.counter = MemoryCounter()
        self.tickets: dict[str, OfferTicket] = {}

    # ConfigRepository (only what the services read)
    def load(self, company_id: str) -> CompanyConfig:
        return self.config

    # LeadRepository
    def create_once(self, lead: Lead, tally: Tally | None = None, absent: str | None = None) -> Lead | None:
        assert tally is None  # the intake here keeps no counts
        if lead.lead_id in self.leads:
            return self.get(lead.company_id, lead.lead_id)
        if absent in self.leads:
            raise PreviousWindowStored(self.get(lead.company_id, absent))
        self.leads[lead.lead_id] = lead.model_copy(deep=True)
        return None

    def first_stored(self, company_id: str, lead_ids: builtins.list[str]) -> Lead | None:
        return next((self.get(company_id, lead_id) for lead_id in lead_ids if lead_id in self.leads), None)

    def get(self, company_id: str, lead_id: str) -> Lead:
        return self.leads[lead_id].model_copy(deep=True)

    def save(self, lead: Lead, tally: Tally | None = None) -> None:
        # `tally`: the counts of the agent a change gives the lead to; these properties do not read counts.
        assert self.leads[lead.lead_id].version == lead.version
        lead.version += 1
        self.leads[lead.lead_id] = lead.model_copy(deep=True)

    def get_many(self, company_id: str, lead_ids: list[str]) -> dict[str, Lead]:
        return {lead_id: self.get(company_id, lead_id) for lead_id in lead_ids if lead_id in self.leads}

    def list(self, company_id: str, query: LeadQuery) -> Page[Lead]:
        return Page(items=list(self.leads.values()), next_cursor=None)

    # TicketRepository
    def put_many(self, tickets: builtins.list[OfferTicket]) -> None:
        self.tickets.update({ticket.token_hash: ticket for ticket in tickets})

    def find(self, token_hash: str) -> OfferTicket | None:
        return self.tickets.get(token_hash)

    def inbox(self, company_id: str, agent_id: int, live_at: datetime) -> builtins.list[OfferTicket]:
        mine = [t for t in self.tickets.values() if t.agent_id == agent_id and t.expires_at > live_at]
        return sorted(mine, key=lambda ticket: ticket.offer_id, reverse=True)

    def in_inbox(self, company_id: str, agent_id: int, offer_id: str) -> OfferTicket | None:
        found = [t for t in self.tickets.values() if t.agent_id == agent_id and t.offer_id == offer_id]
        return found[0] if found else None

    def mark_used(self, token_hash: str, at: datetime) -> None:
        pass

    # Mailer, Timers, Renderer
    def send(self, email: Email) -> str:
        return "sent"

    def start(self, company_id: str, lead_id: str, offer_id: str, expires_at: datetime) -> None:
        pass

    def cancel(self, offer_id: str) -> None:
        pass

    def render(self, name: str, **context: Any) -> str:
        return name


HOLDING_EVENTS = {"lead.assigned", "lead.claimed", "lead.accepted"}
LETTING_GO = {"lead.returned_to_pool", "lead.rejected", "lead.expired"}


def replay(history: list[HistoryEntry]) -> tuple[int | None, bool]:
    """(who holds or is asked to accept the lead, whether they hold it) from the history alone."""
    holder: int | None = None
    holds = False
    for entry in history:
        if entry.event in HOLDING_EVENTS:
            holder, holds = entry.agent_id, True
        elif entry.event == "lead.offered":
            # An acceptance offer names its agent; a claim offer to several agents names nobody.
            holder, holds = entry.agent_id, False
        elif entry.event in LETTING_GO:
            holder, holds = None, False
    return holder, holds


class Routing(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock()
        self.rng = ScriptedRandom(seed=7)
        self.mode = "round_robin"
        self.submitted = 0
        self.declined: dict[str, set[int]] = {}
        self.offers_seen: dict[str, set[str]] = {}

    @initialize(mode=st.sampled_from(sorted(MODES)))
    def build(self, mode: str) -> None:
        self.mode = mode
        agents = [agent(n, in_queue=True, click_to_claim=True, rejected_lead_agent="round_robin") for n in AGENTS]
        self.store = Store(company(*agents, **MODES[mode]))
        store: Any = self.store  # one fake for every port (only what the services use)
        delivery = OfferDelivery(
            store, store, store, store, self.clock, self.rng, "from@x.test", "http://x", sleep=lambda _: None
        )
        turns = RoundRobinTurns(self.store.counter, self.rng, sleep=lambda _: None)
        self.meter = MemoryMeter()
        changes = LeadChanges(store, store, delivery, turns, self.meter, self.rng, sleep=lambda _: None)
        self.intake = IntakeService(store, store, changes, turns, self.clock, self.rng)
        self.desk = OfferDesk(store, store, store, changes, self.clock, self.rng)
        self.leads = LeadDesk(store, changes, self.clock, self.rng)
        self.admin = Principal(role=Role.ADMIN, company_id=COMPANY_ID, key_id="key_admin")

    # Rules ---------------------------------------------------------------------------------------------

    @rule()
    def intake_a_lead(self) -> None:
        self.submitted += 1
        submission = LeadSubmission.model_validate(
            {"first_name": "Lead", "last_name": str(self.submitted), "email": f"l{self.submitted}@x.test"}
        )
        result = self.intake.submit(COMPANY_ID, submission)
        self.declined[result.lead_id] = set()
        self.offers_seen[result.lead_id] = set()

    def _open_offers(self) -> list[tuple[str, str, int, OfferKind]]:
        found: list[tuple[str, str, int, OfferKind]] = []
        for lead in self.store.leads.values():
            for offer in lead.offers:
                if offer.is_open:
                    found.extend((lead.lead_id, offer.offer_id, agent_id, offer.kind) for agent_id in offer.recipients)
        return found

    @precondition(lambda self: bool(self._open_offers()))
    @rule(
        data=st.data(),
        action=st.sampled_from([OfferAction.CLAIM, OfferAction.PASS, OfferAction.ACCEPT, OfferAction.REJECT]),
    )
    def an_agent_answers(self, data: st.DataObject, action: OfferAction) -> None:
        lead_id, offer_id, agent_id, _kind = data.draw(st.sampled_from(self._open_offers()))
        principal = Principal(role=Role.AGENT, company_id=COMPANY_ID, key_id=f"key_{agent_id}", agent_id=agent_id)
        try:
            self.desk.answer_mine(principal, offer_id, action)
        except DomainError:
            return  # a wrong action, an offer closed or expired meanwhile, someone who passed: refused
        if action in (OfferAction.PASS, OfferAction.REJECT):
            self.declined[lead_id].add(agent_id)

    @rule(minutes=st.sampled_from([0, 1, 3, 60]))
    def time_passes_and_timers_fire(self, minutes: int) -> None:
        self.clock.advance(timedelta(minutes=minutes))
        due = [
            (lead.lead_id, offer.offer_id, offer.kind, offer.recipients)
            for lead in self.store.leads.values()
            for offer in lead.offers
            if offer.is_open and offer.is_due(self.clock.now())
        ]
        for lead_id, offer_id, kind, recipients in due:
            if self.desk.expire(COMPANY_ID, lead_id, offer_id) == "expired" and kind is OfferKind.ACCEPTANCE:
                self.declined[lead_id].update(recipients)  # an acceptance that ran out counts as declined

    @precondition(lambda self: bool(self.store.leads))
    @rule(data=st.data())
    def a_timer_fires_again(self, data: st.DataObject) -> None:
        lead = data.draw(st.sampled_from(sorted(self.store.leads.values(), key=lambda lead: lead.lead_id)))
        if lead.offers:
            before = self.store.leads[lead.lead_id].model_copy(deep=True)
            offer = data.draw(st.sampled_from(lead.offers))
            if not offer.is_open:
                assert self.desk.expire(COMPANY_ID, lead.lead_id, offer.offer_id) == "already_closed"
                assert self.store.leads[lead.lead_id] == before

    @precondition(lambda self: bool(self.store.leads))
    @rule(data=st.data(), agent_id=st.sampled_from(AGENTS))
    def an_admin_assigns(self, data: st.DataObject, agent_id: int) -> None:
        lead_id = data.draw(st.sampled_from(sorted(self.store.leads)))
        try:
            self.leads.assign_to_agent(self.admin, lead_id, agent_id)
        except DomainError:
            assert agent_id in self.declined[lead_id]  # the only reason to refuse an active agent
            return

    # Invariants ----------------------------------------------------------------------------------------

    @invariant()
    def at_most_one_holder_and_every_lead_somewhere(self) -> None:
        now = self.clock.now()
        for lead in self.store.leads.values():
            open_offers = [offer for offer in lead.offers if offer.is_open]
            assert len(open_offers) <= 1
            if lead.status is LeadStatus.ASSIGNED:
                assert lead.agent_id is not None
                assert open_offers == []
            elif lead.status is LeadStatus.PENDING_ACCEPTANCE:
                (offer,) = open_offers
                assert offer.kind is OfferKind.ACCEPTANCE
                assert offer.recipients == [lead.agent_id]
                assert offer.expires_at > offer.created_at
            else:
                assert lead.agent_id is None
                # In the pool, or waiting on an open claim offer with an expiry.
                for offer in open_offers:
                    assert offer.kind is OfferKind.CLAIM
                    assert offer.expires_at > offer.created_at
            if open_offers and open_offers[0].expires_at < now - timedelta(minutes=1):
                raise AssertionError("an open offer outlived its expiry though its timer fired")

    @invariant()
    def nobody_is_offered_a_lead_after_declining_it(self) -> None:
        for lead in self.store.leads.values():
            for offer in lead.offers:
                if offer.offer_id in self.offers_seen[lead.lead_id]:
                    continue
                self.offers_seen[lead.lead_id].add(offer.offer_id)
                assert not set(offer.recipients) & self.declined[lead.lead_id], (offer, self.declined[lead.lead_id])
            assert set(lead.declined_agent_ids) >= self.declined[lead.lead_id]

    @invariant()
    def round_robin_turns_go_in_order(self) -> None:
        if self.mode != "round_robin":
            return
        previous: int | None = None
        for lead in self.store.leads.values():  # each lead's turn follows the last one: none twice, none lost
            assert lead.history[1].agent_id == next_in_queue(AGENTS, previous)
            previous = lead.history[1].agent_id
        assert self.store.counter.state.turns == len(self.store.leads)
        counts = [sum(1 for lead in self.store.leads.values() if lead.history[1].agent_id == n) for n in AGENTS]
        assert max(counts) - min(counts) <= 1  # the first routing of every lead is a fair turn

    @invariant()
    def the_history_replays_to_the_state(self) -> None:
        for lead in self.store.leads.values():
            holder, holds = replay(lead.history)
            assert holder == lead.agent_id, lead.history
            assert holds == (lead.status is LeadStatus.ASSIGNED)

    @invariant()
    def every_stored_change_is_counted_once(self) -> None:
        entries = [entry for lead in self.store.leads.values() for entry in lead.history]
        for name, events in COUNTED_EVENTS.items():
            assert self.meter.total(name) == sum(1 for entry in entries if entry.event in events), name
        assert self.meter.total("LeadsRouted") == len(self.store.leads)
        ever_held = [
            lead
            for lead in self.store.leads.values()
            if any(entry.event in HOLDING_EVENTS and entry.agent_id is not None for entry in lead.history)
        ]
        speeds = [measure for measure in self.meter.measures if measure.name == "SpeedToLeadSeconds"]
        assert len(speeds) == len(ever_held)  # once per lead: the first time an agent holds it


COUNTED_EVENTS = {
    "OffersSent": {"lead.offered"},
    "OffersClaimed": {"lead.claimed", "lead.accepted"},
    "OffersPassed": {"lead.passed", "lead.rejected"},
    "OffersExpired": {"lead.expired"},
}

Routing.TestCase.settings = settings(
    max_examples=150, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
TestRouting = Routing.TestCase
