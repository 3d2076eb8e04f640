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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Final

from aws_lambda_powertools import Logger

from leadrouter.domain.cascade import Decision, LeadFacts, RoundRobinTurn, decide, round_robin_assignment
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import InProgress, KeyReused
from leadrouter.domain.ids import new_lead_id, new_offer_id
from leadrouter.domain.intake_requests import IntakeRequest
from leadrouter.domain.leads import IntakeMark, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import OfferTerms, apply_decision, new_lead
from leadrouter.domain.people import EarlierLead, PersonRaced
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.observability import correlate
from leadrouter.service.lead_changes import LeadChanges, Snapshot
from leadrouter.service.people_desk import PeopleDesk
from leadrouter.service.ports import ConfigRepository, LeadRepository
from leadrouter.service.round_robin_turns import RoundRobinTurns

if TYPE_CHECKING:
    from leadrouter.service.escalation import Escalations

logger = Logger(child=True)

# Lambda's longest timeout: without an invocation's own deadline, an attempt is taken to run until then.
LONGEST_INVOCATION: Final = timedelta(minutes=15)
# Sign-ups of one person racing each other: each lost race means another lead of theirs was just stored.
_PERSON_ATTEMPTS: Final = 3


@dataclass(frozen=True)
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
    ) -> None:
        """`people`: matching returning leads (service/people_desk.py); without it every lead is new.
        `escalations` builds, on the first lead of a company that escalates, what starts the escalation timer
        each such lead gets (None: no timers)."""
        self._people = people
        self._escalations = escalations
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
    ) -> IntakeResult:
        """`link_base_url`: where links in this lead's emails point (the API's public address). `left_out`:
        fields the website sent that could not be read, noted in the history. `running_for`: how long this
        invocation may still run, when known (a repeat meanwhile may find this attempt delivering)."""
        if submission.is_spam:
            return self.drop_spam(company_id)
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
        # not take one), and near a window's start (a repeat of a request made in the previous window).
        # The person index naming this very lead: an earlier attempt of this request stored it.
        stored_already = person is not None and person.names(lead_id)
        earlier_ids = [lead_id] if stored_already or isinstance(decision.outcome, RoundRobinTurn) else []
        previous = request.previous_lead_id(now)
        if previous is not None:
            earlier_ids.append(previous)
        if earlier_ids:
            earlier = self._leads.first_stored(company_id, earlier_ids)
            if earlier is not None and request.repeated_by(earlier.created_at, now):
                return self._answer_repeat(earlier, request, config, now)
        lead = self._commit(config, lead_id, submission, decision, link_base_url, left_out, now)
        if person is not None:
            person.file(lead, decision.step)
        lead.intake = IntakeMark(
            body=request.body,
            attempt=self._rng.token_bytes(8).hex(),
            answered=lead.status,
            in_flight_until=now + (LONGEST_INVOCATION if running_for is None else running_for),
        )
        if person is None or self._people is None:
            stored = self._leads.create_once(lead)
        else:
            stored = self._people.create_once(lead, person)
        if stored is not None and (stored.intake is None or stored.intake.attempt != lead.intake.attempt):
            return self._answer_repeat(stored, request, config, now)
        # Else stored: this attempt's own write, which the SDK sent again after a timeout though it had landed.
        logger.info(
            "lead routed",
            extra={
                "company_id": company_id,
                "lead_id": lead.lead_id,
                "step": decision.step,
                "status": lead.status,
            },
        )
        # The lead is stored: start timers and send emails; failures are recorded on the lead.
        self._after_write(lead, config)
        return IntakeResult(lead.lead_id, lead.status)

    def _after_write(self, lead: Lead, config: CompanyConfig) -> None:
        self._changes.after_commit(lead, config, Snapshot.of(None))
        if self._escalations is not None and config.settings.escalate_unclaimed_after_seconds is not None:
            self._escalations().arm(lead, config)

    def drop_spam(self, company_id: str) -> IntakeResult:
        """A filled honeypot: answered like a real intake so the bot learns nothing; nothing is stored."""
        self._config.load(company_id)  # NotFound for an unknown company, as for a real lead
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

    def _commit(
        self,
        config: CompanyConfig,
        lead_id: str,
        submission: LeadSubmission,
        decision: Decision,
        base_url: str | None,
        left_out: Sequence[str],
        now: datetime,
    ) -> Lead:
        """The routed lead, not yet written; a round-robin turn is taken here, before the write: a write that
        fails after it costs that agent one turn, never a lead (docs/DECISIONS.md)."""
        lead = new_lead(lead_id, config.company.company_id, submission, now, left_out)
        lead.link_base_url = base_url
        outcome = decision.outcome
        if isinstance(outcome, RoundRobinTurn):
            chosen = self._turns.take(config.company.company_id, outcome.queue)
            decision = Decision(decision.step, round_robin_assignment(config, outcome, chosen), decision.reports)
        office_of = {agent_id: agent.office_id for agent_id, agent in config.agents.items()}
        apply_decision(lead, decision, office_of, lead.created_at, self._terms(config, lead), config.agents)
        return lead

    def _terms(self, config: CompanyConfig, lead: Lead) -> OfferTerms:
        return OfferTerms(new_offer_id(lead.created_at, self._rng), config.settings)
