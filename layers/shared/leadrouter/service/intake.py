"""Intake: a website's lead through the cascade into the table, exactly once, in one conditional write.

The lead's own write is its idempotency record: its id is derived from the request (domain/intake_requests.py),
so a retry or a double click of the same request finds the stored lead and answers it. Guarantees:
- a repeat answers the first lead and its first status, and makes nothing new; the same `Idempotency-Key`
  with another body is refused (422);
- a repeat that arrives while the attempt that wrote the lead may still be delivering its offer (emails not
  started, that attempt's invocation not past its deadline) is refused as in progress (409);
- a repeat after an attempt was cut off (a Lambda timeout) does the work after the write that attempt did
  not reach: emails go out at most once (docs/RELIABILITY.md);
- a repeat of a stored request takes no round-robin turn (the lead is looked up before the turn); of two
  identical requests at the same moment, the one whose write loses has taken a turn, which is spent."""

import dataclasses
import functools
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from aws_lambda_powertools import Logger

from leadrouter.domain import caps
from leadrouter.domain.cascade import (
    AdvancedDistributionStep,
    AssignTo,
    Decision,
    LeadFacts,
    RoundRobinTurn,
    StepReport,
    ToPool,
    decide,
    rotating_route,
    round_robin_assignment,
)
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import InProgress, KeyReused
from leadrouter.domain.ids import new_lead_id, new_offer_id
from leadrouter.domain.intake_requests import IntakeRequest, PreviousWindowStored
from leadrouter.domain.leads import IntakeMark, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import OfferTerms, apply_decision, new_lead
from leadrouter.domain.people import EarlierLead, PersonRaced
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.observability import correlate
from leadrouter.service.cap_reads import at_cap, offered_to
from leadrouter.service.lead_changes import LeadChanges, Snapshot
from leadrouter.service.people_desk import PeopleDesk, PersonMatch
from leadrouter.service.ports import ConfigRepository, LeadCounters, LeadRepository, RouteRotation
from leadrouter.service.round_robin_turns import RoundRobinTurns

if TYPE_CHECKING:
    from leadrouter.service.escalation import Escalations

logger = Logger(child=True)

# Lambda's longest timeout: without an invocation's own deadline, an attempt is taken to run until then.
LONGEST_INVOCATION: Final = timedelta(minutes=15)
# The steps that assign on their own, whose assignments a cap turns away (round robin takes turns instead);
# an agent code, a dropdown, a returning lead's owner, an exclusive listing or the default agent is named.
_CAPPED_ASSIGNMENTS: Final = frozenset({AdvancedDistributionStep.name})
# Sign-ups of one person racing each other: each lost race means another lead of theirs was just stored.
_PERSON_ATTEMPTS: Final = 3


@dataclasses.dataclass(frozen=True)
class IntakeResult:
    lead_id: str
    status: LeadStatus

    def as_dict(self) -> dict[str, str]:
        return {"lead_id": self.lead_id, "status": self.status.value}


def facts_of(submission: LeadSubmission, returning: EarlierLead | None = None) -> LeadFacts:
    return LeadFacts(
        returning=returning,
        source=submission.source,
        agent_code=submission.agent_code,
        chosen_agent_id=submission.chosen_agent_id,
        listing=submission.listing,
        interest=submission.interest,
    )


@dataclasses.dataclass(frozen=True)
class _Routing:
    """What one attempt at routing a new lead knows before it decides whom the lead goes to."""

    config: CompanyConfig
    request: IntakeRequest
    lead_id: str
    submission: LeadSubmission
    link_base_url: str | None
    left_out: Sequence[str]
    running_for: timedelta | None
    now: datetime
    person: PersonMatch | None
    # The previous window's id of this request, not read before the decision: the write checks it is absent.
    unread_previous: str | None


def _refusals(step: str, refused: dict[int, str]) -> tuple[StepReport, ...]:
    """The history's lines for the agents whose caps turned this lead away, in the order of their turns."""
    return tuple(StepReport(step, False, words, True, agent_id) for agent_id, words in refused.items())


class IntakeService:
    def __init__(
        self,
        config: ConfigRepository,
        leads: LeadRepository,
        changes: LeadChanges,
        turns: RoundRobinTurns,
        clock: Clock,
        rng: RandomSource,
        people: PeopleDesk | None = None,
        escalations: "Callable[[], Escalations] | None" = None,
        counters: LeadCounters | None = None,
        rotation: RouteRotation | None = None,
    ) -> None:
        """`people`: matching returning leads (service/people_desk.py); without it every lead is new.
        `escalations` builds, on the first lead of a company that escalates, what starts the escalation timer
        each such lead gets (None: no timers). `counters`: leads per agent per period; with them, the lead's write
        counts it for its agent and the automatic steps respect caps (None: no caps are kept, as in tests of
        other rules).
        `rotation`: the `round_robin` routes' counts (None: every route starts
        with its first member)."""
        self._people = people
        self._escalations = escalations
        self._counters = counters
        self._counts = counters is not None
        self._rotation = rotation
        self._config = config
        self._leads = leads
        self._turns = turns
        self._changes = changes
        self._clock = clock
        self._rng = rng

    def submit(
        self,
        company_id: str,
        submission: LeadSubmission,
        idempotency_key: str | None = None,
        link_base_url: str | None = None,
        left_out: Sequence[str] = (),
        running_for: timedelta | None = None,
        config: CompanyConfig | None = None,
    ) -> IntakeResult:
        """`link_base_url`: where links in this lead's emails point (the API's public address). `left_out`:
        fields the website sent that could not be read, noted in the history. `running_for`: how long this
        invocation may still run, when known (a repeat meanwhile may find this attempt delivering). `config`:
        the company's configuration when this request loaded it already (its origin was checked against it);
        loaded here otherwise."""
        if submission.is_spam:
            return self.drop_spam(company_id, config)
        if config is None:
            config = self._config.load(company_id)  # NotFound for an unknown company
        now = self._clock.now()
        request = IntakeRequest.of(company_id, submission, idempotency_key)
        lead_id = request.lead_id(now)
        correlate(lead_id)
        for attempt in range(_PERSON_ATTEMPTS):
            try:
                return self._route(config, request, lead_id, submission, link_base_url, left_out, running_for, now)
            except PersonRaced:
                # Another lead of the same person was stored since we read the index: read it again.
                if attempt == _PERSON_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _route(
        self,
        config: CompanyConfig,
        request: IntakeRequest,
        lead_id: str,
        submission: LeadSubmission,
        link_base_url: str | None,
        left_out: Sequence[str],
        running_for: timedelta | None,
        now: datetime,
    ) -> IntakeResult:
        company_id = config.company.company_id
        person = self._people.match(config, submission.contact(), now, lead_id) if self._people is not None else None
        facts = facts_of(submission, person.earlier if person is not None else None)
        decision = decide(facts, config, now, self._rng)
        # Looked up first only where the write alone cannot tell: before a round-robin turn (a repeat must
        # not take one). Near a window's start a repeat of a request made in the previous window is found
        # by that read where there is one, else by a condition of the write (`unread_previous`).
        # The person index naming this very lead: an earlier attempt of this request stored it.
        stored_already = person is not None and person.names(lead_id)
        rotating = rotating_route(decision, config) if self._rotation is not None else None
        taking = isinstance(decision.outcome, RoundRobinTurn) or rotating is not None
        earlier_ids = [lead_id] if stored_already or taking else []
        previous = request.previous_lead_id(now)
        if previous is not None and earlier_ids:
            earlier_ids.append(previous)
            previous = None  # read here, with the lead's own id
        if earlier_ids:
            earlier = self._leads.first_stored(company_id, earlier_ids)
            if earlier is not None and request.repeated_by(earlier.created_at, now):
                return self._answer_repeat(earlier, request, config, now)
        started: dict[str, int] = {}
        if rotating is not None and self._rotation is not None:
            # The route's count is taken once the lead is known to be new, like a round-robin turn.
            started = {rotating: self._rotation.take(company_id, rotating)}
            decision = decide(facts, config, now, self._rng, route_starts=started)
        routing = _Routing(
            config, request, lead_id, submission, link_base_url, left_out, running_for, now, person, previous
        )
        return self._assign(routing, facts, decision, started)

    def _assign(
        self, routing: "_Routing", facts: LeadFacts, decision: Decision, started: dict[str, int]
    ) -> IntakeResult:
        """The lead written as decided, counted for its agent in the same write. A named assignment is counted
        whatever the caps; an automatic step's is refused by a cap reached meanwhile, and the lead is decided
        again with that agent passed over (the refusal in its history), as an unavailable one would be."""
        config, now = routing.config, routing.now
        store = functools.partial(self._store, routing)
        periods = caps.periods(now, config.settings.time_zone)
        capped: dict[int, caps.CapReached] = {}
        offered = offered_to(config, decision)
        if offered:
            # Claim offers are no assignment to refuse in the write: the capped recipients' counts are read
            # first (only theirs, and only when one has a cap), and the lead decided again without them.
            capped = at_cap(self._counters, config, offered, periods)
            if capped:
                decision = decide(facts, config, now, self._rng, route_starts=started, capped=capped)
        while True:
            outcome = decision.outcome
            if isinstance(outcome, RoundRobinTurn):
                return self._by_turns(config, decision, outcome, periods, store)
            if not isinstance(outcome, AssignTo) or not self._counts:
                return store(decision, None)
            automatic = decision.step in _CAPPED_ASSIGNMENTS
            limits = caps.caps_of(config.agents[outcome.agent_id]) if automatic else {}
            try:
                return store(decision, caps.Tally(outcome.agent_id, periods, limits))
            except caps.CapRefused as refusal:
                capped[outcome.agent_id] = refusal.reached
                decision = decide(facts, config, now, self._rng, route_starts=started, capped=capped)

    def _store(self, routing: "_Routing", chosen: Decision, tally: caps.Tally | None) -> IntakeResult:
        """Write the lead as `chosen` routes it, with `tally` in the same write (CapRefused: nothing written),
        and answer it; a repeat found by the write is answered as the repeat."""
        config, request, now, person = routing.config, routing.request, routing.now, routing.person
        lead = self._routed(
            config, routing.lead_id, routing.submission, chosen, routing.link_base_url, routing.left_out, now
        )
        if person is not None:
            person.file(lead, chosen.step)
        lead.intake = IntakeMark(
            body=request.body,
            attempt=self._rng.token_bytes(8).hex(),
            answered=lead.status,
            in_flight_until=now + (LONGEST_INVOCATION if routing.running_for is None else routing.running_for),
        )
        try:
            if person is None or self._people is None:
                stored = self._leads.create_once(lead, tally, routing.unread_previous)
            else:
                stored = self._people.create_once(lead, person, tally, routing.unread_previous)
        except PreviousWindowStored as earlier:
            if request.repeated_by(earlier.lead.created_at, now):
                return self._answer_repeat(earlier.lead, request, config, now)
            # The same request made again well after that lead, though in the window before: a new lead.
            return self._store(dataclasses.replace(routing, unread_previous=None), chosen, tally)
        if stored is not None and (stored.intake is None or stored.intake.attempt != lead.intake.attempt):
            return self._answer_repeat(stored, request, config, now)
        # Else stored: this attempt's own write, which the SDK sent again after a timeout though it had landed.
        logger.info(
            "lead routed",
            extra={
                "company_id": config.company.company_id,
                "lead_id": lead.lead_id,
                "step": chosen.step,
                "status": lead.status,
            },
        )
        # The lead is stored: start timers and send emails; failures are recorded on the lead.
        self._after_write(lead, config)
        return IntakeResult(lead.lead_id, lead.status)

    def _by_turns(
        self,
        config: CompanyConfig,
        decision: Decision,
        outcome: RoundRobinTurn,
        periods: tuple[caps.Period, ...],
        store: Callable[[Decision, caps.Tally | None], IntakeResult],
    ) -> IntakeResult:
        """Round robin: the lead written for the agent of the turn, counted in that very write under the
        agent's caps. A cap refusing the write spends the turn: the next turn is taken and the lead written
        again, the refusal in its history. A turn taken for a write that then fails costs that agent one
        turn, never a lead (docs/DECISIONS.md)."""
        company_id = config.company.company_id
        refused: dict[int, str] = {}
        *before, applied = decision.reports
        while len(refused) < len(set(outcome.queue)):
            agent_id, words = self._turns.next_turn(company_id, outcome, refused)
            refusals = _refusals(decision.step, refused)
            assigned = round_robin_assignment(config, outcome, agent_id, words)
            limits = caps.caps_of(config.agents[agent_id])
            tally = caps.Tally(agent_id, periods, limits) if self._counts else None
            try:
                return store(Decision(decision.step, assigned, (*before, *refusals, applied)), tally)
            except caps.CapRefused as refusal:
                refused[agent_id] = refusal.reached.words()
        detail = "Every agent of the round-robin queue is at a cap: to the pool."
        pooled = StepReport(decision.step, True, detail)
        return store(
            Decision(decision.step, ToPool(detail), (*before, *_refusals(decision.step, refused), pooled)), None
        )

    def _after_write(self, lead: Lead, config: CompanyConfig) -> None:
        self._changes.after_commit(lead, config, Snapshot.of(None))
        if self._escalations is not None and config.settings.escalate_unclaimed_after_seconds is not None:
            self._escalations().arm(lead, config)

    def drop_spam(self, company_id: str, config: CompanyConfig | None = None) -> IntakeResult:
        """A filled honeypot: answered like a real intake so the bot learns nothing; nothing is stored.
        `config`: the company's configuration when this request loaded it already (the company exists)."""
        if config is None:
            self._config.company(company_id)  # NotFound for an unknown company, as for a real lead; one item
        logger.info("honeypot filled: lead dropped", extra={"company_id": company_id})
        return IntakeResult(new_lead_id(self._clock.now(), self._rng), LeadStatus.UNASSIGNED)

    def _answer_repeat(self, lead: Lead, request: IntakeRequest, config: CompanyConfig, now: datetime) -> IntakeResult:
        """An earlier attempt of this request stored `lead`. Its emails go out at most once: if the earlier
        attempt reached them, nothing is sent again (the offer is in every recipient's inbox); if not and
        it may still be running, the repeat is refused for now; if it surely stopped, the work is done here."""
        correlate(lead.lead_id)
        mark = lead.intake
        if mark is None:  # a lead from before leads carried their request's mark
            return IntakeResult(lead.lead_id, lead.status)
        if mark.body != request.body:
            raise KeyReused("This Idempotency-Key was already used with a different body.")
        if lead.open_offer() is not None and not self._changes.delivery_started(lead):
            if now < mark.in_flight_until:
                raise InProgress("The same request is being handled right now; retry in a moment.")
            logger.info(
                "retried intake: the earlier attempt stopped before its emails", extra={"lead_id": lead.lead_id}
            )
            self._after_write(lead, config)
        return IntakeResult(lead.lead_id, mark.answered)

    def _routed(
        self,
        config: CompanyConfig,
        lead_id: str,
        submission: LeadSubmission,
        decision: Decision,
        base_url: str | None,
        left_out: Sequence[str],
        now: datetime,
    ) -> Lead:
        """The lead as `decision` routes it, not yet written."""
        lead = new_lead(lead_id, config.company.company_id, submission, now, left_out)
        lead.link_base_url = base_url
        office_of = {agent_id: agent.office_id for agent_id, agent in config.agents.items()}
        apply_decision(lead, decision, office_of, lead.created_at, self._terms(config, lead), config.agents)
        return lead

    def _terms(self, config: CompanyConfig, lead: Lead) -> OfferTerms:
        return OfferTerms(new_offer_id(lead.created_at, self._rng), config.settings)
