"""The one way a stored lead changes: read it, let the domain change it, write it on the condition that its
version is still the one read, then stop the timers of the offers it closed and deliver the offers it
opened, and count what it did (domain/lead_measures.py). Its events are published from the stored change, by
the table stream's consumer (event_outbox).

A change that loses a race is re-run on the fresh lead: the domain then decides again, and refuses (a
Conflict, 409) when the lead is no longer open to it, so the first of several concurrent claims wins and the
history stays consistent."""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from leadrouter.domain.caps import CapReached, CapRefused, PeriodKind, tally_of_change
from leadrouter.domain.cascade import RoundRobinTurn
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import Conflict, Unavailable
from leadrouter.domain.lead_measures import change_measures, entries_measures
from leadrouter.domain.lead_size import keep_within_size
from leadrouter.domain.leads import HistoryEntry, Lead
from leadrouter.domain.ports import RandomSource
from leadrouter.service.assignment_notices import AssignmentNotices
from leadrouter.service.delivery import OfferDelivery
from leadrouter.service.ports import ConfigRepository, LeadRepository, Meter
from leadrouter.service.round_robin_turns import RoundRobinTurns

logger = Logger(child=True)

_ATTEMPTS = 25


class Turns:
    """Takes round-robin turns for the change being made to one company's lead, and holds what the change
    learnt of caps. A change re-run after it lost its write race asks again for the turn it took and gets
    the same agent: a lost race costs no turn (unless the re-run needs none any more, when the lead was
    answered another way meanwhile). A change re-run after a cap refused its write finds the agent in
    `capped`: their turns are passed over (spent), as at intake, and the change leaves them out."""

    def __init__(self, turns: RoundRobinTurns, company_id: str) -> None:
        self._turns = turns
        self._company_id = company_id
        self._taken: dict[tuple[tuple[int, ...], frozenset[int], frozenset[int]], int | None] = {}
        self.capped: dict[int, CapReached] = {}
        self._chosen: tuple[int, dict[PeriodKind, int]] | None = None

    def take(self, turn: RoundRobinTurn) -> int | None:
        """The agent of the turn, passing over the agents in `capped`; None: every agent left is capped."""
        asked = (tuple(turn.queue), frozenset(turn.declined), frozenset(self.capped))
        if asked not in self._taken:
            open_to = set(turn.queue) - set(turn.declined) - set(self.capped)
            if not open_to:
                self._taken[asked] = None
            else:
                refused = {agent_id: reached.words() for agent_id, reached in self.capped.items()}
                self._taken[asked] = self._turns.next_turn(self._company_id, turn, refused)[0]
        return self._taken[asked]

    def chose(self, agent_id: int, limits: Mapping[PeriodKind, int]) -> None:
        """An automatic step of this change gives the lead to `agent_id`: its count is conditional on
        `limits` (the agent's caps), so the write is refused when a cap was reached meanwhile."""
        self._chosen = (agent_id, dict(limits))

    def limits_for(self, agent_id: int | None) -> dict[PeriodKind, int]:
        """The caps the count of `agent_id` is conditional on: theirs if an automatic step chose them."""
        if self._chosen is None or agent_id is None or self._chosen[0] != agent_id:
            return {}
        return self._chosen[1]

    def begin(self) -> None:
        """A new attempt at the change: nobody is chosen yet (what was capped stays learnt)."""
        self._chosen = None


Change = Callable[[Lead, CompanyConfig, Turns], None]


@dataclass(frozen=True)
class Snapshot:
    """What a lead looked like before a change: to tell which offers the change opened and closed, and
    which history entries it added."""

    offer_ids: frozenset[str]
    open_offer_ids: frozenset[str]
    # The lead's `entries_recorded`: its history stays readable by index after a fold (Lead.added_since).
    entries_recorded: int = 0

    @classmethod
    def of(cls, lead: Lead | None) -> "Snapshot":
        if lead is None:
            return cls(frozenset(), frozenset())
        return cls(
            frozenset(offer.offer_id for offer in lead.offers),
            frozenset(offer.offer_id for offer in lead.offers if offer.is_open),
            lead.entries_recorded,
        )


class LeadChanges:
    def __init__(
        self,
        config: ConfigRepository,
        leads: LeadRepository,
        delivery: OfferDelivery,
        turns: RoundRobinTurns,
        meter: Meter,
        rng: RandomSource,
        sleep: Callable[[float], None] = time.sleep,
        notices: AssignmentNotices | None = None,
    ) -> None:
        """`notices`: tell agents of leads assigned to them (None: offers alone are delivered)."""
        self._notices = notices
        self._config = config
        self._meter = meter
        self._leads = leads
        self._delivery = delivery
        self._turns = turns
        self._rng = rng
        self._sleep = sleep

    def apply(self, company_id: str, lead_id: str, change: Change, *, retry_conflicts: bool = True) -> Lead:
        """Run `change` on the current lead and store it; domain errors from `change` reach the caller."""
        turns = Turns(self._turns, company_id)  # one for every attempt: see Turns
        conflicts = 0
        while True:
            lead = self._leads.get(company_id, lead_id)
            config = self._config.load(company_id)
            before = Snapshot.of(lead)
            held_by = lead.agent_id
            turns.begin()
            change(lead, config, turns)
            keep_within_size(lead, before.entries_recorded)
            # The agent the change gives the lead to is counted in the same write: never refused, unless an
            # automatic step of the change chose them (then conditional on their caps).
            limits = turns.limits_for(lead.agent_id)
            try:
                self._leads.save(lead, tally_of_change(held_by, lead, config.settings.time_zone, limits))
            except CapRefused as refusal:
                # Nothing was written: the change runs again with that agent passed over. Bounded: each
                # refusal adds an agent the change will not choose again.
                if refusal.reached.agent_id in turns.capped:
                    raise Unavailable("A cap kept refusing this change; retry shortly.") from refusal
                turns.capped[refusal.reached.agent_id] = refusal.reached
                continue
            except Conflict:
                landed = self._landed(lead)
                if landed is not None:
                    self.after_commit(landed, config, before)
                    return landed
                if not retry_conflicts:
                    raise
                conflicts += 1
                if conflicts >= _ATTEMPTS:
                    raise Unavailable("Too many changes to this lead at once; retry shortly.") from None
                self._back_off(conflicts - 1)
                continue
            self.after_commit(lead, config, before)
            return lead

    def _landed(self, attempted: Lead) -> Lead | None:
        """The stored lead, when it is exactly the change whose write just failed its condition: the SDK
        sent that write again after a timeout though the first one had landed. Then the change is done."""
        stored = self._leads.get(attempted.company_id, attempted.lead_id)
        if stored.version != attempted.version + 1:
            return None
        same = stored.model_dump(mode="json", exclude={"version"}) == attempted.model_dump(
            mode="json", exclude={"version"}
        )
        return stored if same else None

    def after_commit(self, lead: Lead, config: CompanyConfig, before: Snapshot) -> None:
        """Everything that follows a stored change; none of it can undo the change."""
        for offer in lead.offers:
            if offer.offer_id in before.open_offer_ids and not offer.is_open:
                self._delivery.cancel(offer)
        failures: list[HistoryEntry] = []
        for offer in lead.offers:
            if offer.offer_id not in before.offer_ids and offer.is_open:
                failures.extend(self._delivery.deliver(lead, offer, config))
        added = lead.added_since(before.entries_recorded)  # where the change's own entries start, past a fold
        if self._notices is not None:
            failures.extend(self._notices.notify(lead, lead.history[added:], config))
        if failures:
            self.record(lead.company_id, lead.lead_id, failures)
        self._meter.record([*change_measures(lead, added), *entries_measures(failures)])

    def delivery_started(self, lead: Lead) -> bool:
        """Whether the delivery of the lead's open offers began (their links exist)."""
        return any(self._delivery.started(lead, offer) for offer in lead.offers if offer.is_open)

    def record(self, company_id: str, lead_id: str, entries: list[HistoryEntry]) -> None:
        """Add entries to a lead's history (failures to deliver), whatever else changes it meanwhile."""
        for attempt in range(_ATTEMPTS):
            lead = self._leads.get(company_id, lead_id)
            recorded = lead.entries_recorded
            for entry in entries:
                lead.record(entry)
            keep_within_size(lead, recorded)
            try:
                self._leads.save(lead)
                return
            except Conflict:
                self._back_off(attempt)
        logger.error("could not record on the lead", extra={"lead_id": lead_id, "entries": len(entries)})

    def _back_off(self, attempt: int) -> None:
        self._sleep(min(0.2, 0.005 * (attempt + 1)) * (0.5 + self._rng.token_bytes(1)[0] / 255))
