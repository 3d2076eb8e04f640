"""Intake: a website's lead through the cascade into the table, exactly once."""

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from leadrouter.domain.cascade import Decision, LeadFacts, RoundRobinTurn, decide, round_robin_assignment
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.ids import new_lead_id, new_offer_id
from leadrouter.domain.leads import Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import OfferTerms, apply_decision, new_lead
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.service.lead_changes import LeadChanges, Snapshot
from leadrouter.service.ports import ConfigRepository, LeadRepository
from leadrouter.service.round_robin_turns import RoundRobinTurns

logger = Logger(child=True)


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

    def submit(self, company_id: str, submission: LeadSubmission, link_base_url: str | None = None) -> IntakeResult:
        """`link_base_url`: where links in this lead's emails point (the API's public address)."""
        config = self._config.load(company_id)  # NotFound for an unknown company
        now = self._clock.now()
        lead_id = new_lead_id(now, self._rng)
        if submission.is_spam:
            # Answer like a real intake so the bot learns nothing; store nothing.
            logger.info("honeypot filled: lead dropped", extra={"company_id": company_id})
            return IntakeResult(lead_id, LeadStatus.UNASSIGNED)
        decision = decide(facts_of(submission), config, now, self._rng)
        lead = self._commit(config, lead_id, submission, decision, link_base_url)
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

    def _new_lead(self, config: CompanyConfig, lead_id: str, submission: LeadSubmission, base_url: str | None) -> Lead:
        lead = new_lead(lead_id, config.company.company_id, submission, self._clock.now())
        lead.link_base_url = base_url
        return lead

    def _commit(
        self,
        config: CompanyConfig,
        lead_id: str,
        submission: LeadSubmission,
        decision: Decision,
        base_url: str | None,
    ) -> Lead:
        lead = self._new_lead(config, lead_id, submission, base_url)
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
