"""Intake: a website's lead through the cascade into the table, exactly once."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from aws_lambda_powertools import Logger

from leadrouter.domain.cascade import Decision, LeadFacts, RoundRobinTurn, decide, round_robin_assignment
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import AlreadyReceived, Conflict, NotFound
from leadrouter.domain.ids import new_lead_id, new_offer_id
from leadrouter.domain.leads import IntakeReceipt, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import OfferTerms, apply_decision, new_lead
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.observability import correlate
from leadrouter.service.lead_changes import LeadChanges, Snapshot
from leadrouter.service.ports import ConfigRepository, LeadRepository
from leadrouter.service.round_robin_turns import RoundRobinTurns

logger = Logger(child=True)


@dataclass(frozen=True)
class RequestKey:
    """Names one intake request across its retries (a hash of the company and the idempotency key or the
    payload), for as long as a retry counts as the same request."""

    key: str
    window_seconds: int


@dataclass(frozen=True)
class IntakeResult:
    lead_id: str
    status: LeadStatus

    def as_dict(self) -> dict[str, str]:
        return {"lead_id": self.lead_id, "status": self.status.value}


def facts_of(submission: LeadSubmission) -> LeadFacts:
    return LeadFacts(
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
    ) -> None:
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
        link_base_url: str | None = None,
        request: RequestKey | None = None,
        left_out: Sequence[str] = (),
    ) -> IntakeResult:
        """`link_base_url`: where links in this lead's emails point (the API's public address). `request`:
        a retry of a request whose lead is stored already resumes that lead instead of making another.
        `left_out`: fields the website sent that could not be read, noted in the history."""
        if submission.is_spam:
            return self.drop_spam(company_id)
        config = self._config.load(company_id)  # NotFound for an unknown company
        now = self._clock.now()
        lead_id = new_lead_id(now, self._rng)
        correlate(lead_id)
        if request is not None:
            expires = now + timedelta(seconds=request.window_seconds)
            try:
                self._leads.receive(IntakeReceipt(company_id, request.key, lead_id, now, expires))
            except AlreadyReceived as earlier:
                stored = self._stored(company_id, earlier.lead_id)
                if stored is not None:
                    return self._resume(stored, config)
                lead_id = earlier.lead_id  # the earlier attempt stopped before writing its lead
                correlate(lead_id)
        decision = decide(facts_of(submission), config, now, self._rng)
        try:
            lead = self._commit(config, lead_id, submission, decision, link_base_url, left_out)
        except Conflict:
            # The lead id exists already: a write the SDK retried after a timeout though it had landed, or
            # an earlier attempt of this same request (its receipt named this id). Either way it is this
            # request's lead: answer it.
            stored = self._stored(company_id, lead_id)
            if stored is None:
                raise
            return self._resume(stored, config)
        logger.info(
            "lead routed",
            extra={
                "company_id": company_id,
                "lead_id": lead.lead_id,
                "step": decision.step,
                "status": lead.status,
            },
        )
        # The lead is stored: publish, start timers and send emails; failures are recorded on the lead.
        self._changes.after_commit(lead, config, Snapshot.of(None))
        return IntakeResult(lead.lead_id, lead.status)

    def drop_spam(self, company_id: str) -> IntakeResult:
        """A filled honeypot: answered like a real intake so the bot learns nothing; nothing is stored."""
        self._config.load(company_id)  # NotFound for an unknown company, as for a real lead
        logger.info("honeypot filled: lead dropped", extra={"company_id": company_id})
        return IntakeResult(new_lead_id(self._clock.now(), self._rng), LeadStatus.UNASSIGNED)

    def _stored(self, company_id: str, lead_id: str) -> Lead | None:
        try:
            return self._leads.get(company_id, lead_id)
        except NotFound:
            return None

    def _resume(self, lead: Lead, config: CompanyConfig) -> IntakeResult:
        """This request's lead is stored already: an earlier attempt was cut off (a Lambda timeout) before
        it answered, or the SDK retried a lead write that had landed. Emails go out at most once: if the
        emails were reached, nothing is sent again (the offer is in every recipient's inbox); if not, the
        work after the write is done now. Events are at least once: published again in that case."""
        correlate(lead.lead_id)
        logger.info("retried intake: the lead is stored already", extra={"lead_id": lead.lead_id})
        if not self._changes.delivery_started(lead):
            self._changes.after_commit(lead, config, Snapshot.of(None))
        return IntakeResult(lead.lead_id, lead.status)

    def _new_lead(
        self,
        config: CompanyConfig,
        lead_id: str,
        submission: LeadSubmission,
        base_url: str | None,
        left_out: Sequence[str],
    ) -> Lead:
        lead = new_lead(lead_id, config.company.company_id, submission, self._clock.now(), left_out)
        lead.link_base_url = base_url
        return lead

    def _commit(
        self,
        config: CompanyConfig,
        lead_id: str,
        submission: LeadSubmission,
        decision: Decision,
        base_url: str | None,
        left_out: Sequence[str],
    ) -> Lead:
        lead = self._new_lead(config, lead_id, submission, base_url, left_out)
        outcome = decision.outcome
        if isinstance(outcome, RoundRobinTurn):
            chosen = self._turns.take(config.company.company_id, outcome.queue)
            decision = Decision(decision.step, round_robin_assignment(config, outcome, chosen), decision.reports)
        office_of = {agent_id: agent.office_id for agent_id, agent in config.agents.items()}
        apply_decision(lead, decision, office_of, lead.created_at, self._terms(config, lead), config.agents)
        # The turn is taken before the lead is written: a write that fails after it costs that agent one
        # turn, never a lead (docs/DECISIONS.md).
        self._leads.create(lead)
        return lead

    def _terms(self, config: CompanyConfig, lead: Lead) -> OfferTerms:
        return OfferTerms(new_offer_id(lead.created_at, self._rng), config.settings)
