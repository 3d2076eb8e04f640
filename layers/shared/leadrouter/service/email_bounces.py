"""SES's word that an offer email bounced or drew a complaint, acted on. A hard bounce marks the agent
(`email_bouncing`: no more emails to that address until an admin changes it); every bounce and complaint is
written in the history of the offer's lead, where admins see it, and counted (EmailBounces,
EmailComplaints). The address in the event is never logged or stored: the email's tags name the company,
lead, offer and agent.

SES and the queue deliver at least once: an event seen again (the same kind, offer and agent already in the
lead's history) changes nothing. A bounce of an address the admin has corrected meanwhile marks nothing."""

from dataclasses import dataclass
from enum import StrEnum

from aws_lambda_powertools import Logger

from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import NotFound
from leadrouter.domain.lead_measures import Measure
from leadrouter.domain.leads import HistoryEntry, Lead
from leadrouter.domain.ports import Clock
from leadrouter.service.config_writes import at_current_version
from leadrouter.service.lead_changes import LeadChanges, Turns
from leadrouter.service.ports import ConfigReads, ConfigRepository, LeadRepository, Meter

logger = Logger(child=True)


class FeedbackKind(StrEnum):
    HARD_BOUNCE = "hard_bounce"  # SES's Permanent bounce type: the address does not take mail
    SOFT_BOUNCE = "soft_bounce"  # Transient or Undetermined: it may take mail later
    COMPLAINT = "complaint"  # the agent's mail client reported the email as spam


@dataclass(frozen=True)
class EmailFeedback:
    kind: FeedbackKind
    company_id: str
    lead_id: str
    offer_id: str | None  # None for an assignment notice (service/assignment_notices.py)
    agent_id: int
    address: str  # the recipient SES reports: compared with the agent's email, never logged


_EVENTS = {
    FeedbackKind.HARD_BOUNCE: "delivery.bounced",
    FeedbackKind.SOFT_BOUNCE: "delivery.bounced",
    FeedbackKind.COMPLAINT: "delivery.complained",
}


class EmailBounces:
    def __init__(
        self, config: ConfigRepository, leads: LeadRepository, changes: LeadChanges, meter: Meter, clock: Clock
    ) -> None:
        self._config = config
        self._leads = leads
        self._changes = changes
        self._meter = meter
        self._clock = clock

    def received(self, feedback: EmailFeedback) -> str:
        """Answers what happened, in a word: recorded, marked (a hard bounce), duplicate, unknown_lead."""
        event = _EVENTS[feedback.kind]
        try:
            if _seen(self._leads.get(feedback.company_id, feedback.lead_id), event, feedback):
                return "duplicate"
        except NotFound:
            logger.info("email feedback for a lead that is gone", extra={"lead_id": feedback.lead_id})
            return "unknown_lead"
        marked = feedback.kind is FeedbackKind.HARD_BOUNCE and self._mark(feedback)

        def change(lead: Lead, config: CompanyConfig, _turns: Turns) -> None:
            if not _seen(lead, event, feedback):
                lead.record(
                    HistoryEntry(
                        at=self._clock.now(),
                        event=event,
                        agent_id=feedback.agent_id,
                        offer_id=feedback.offer_id,
                        detail=_sentence(feedback, lead, config, marked),
                    )
                )

        self._changes.apply(feedback.company_id, feedback.lead_id, change)
        counted = "EmailComplaints" if feedback.kind is FeedbackKind.COMPLAINT else "EmailBounces"
        self._meter.record([Measure(counted)])
        outcome = "marked" if marked else "recorded"
        logger.info(
            "email feedback",
            extra={
                "kind": feedback.kind.value,
                "agent_id": feedback.agent_id,
                "offer_id": feedback.offer_id,
                "outcome": outcome,
            },
        )
        return outcome

    def _mark(self, feedback: EmailFeedback) -> bool:
        """Marks the agent whose address bounced; False when the agent's address is another one by now."""

        def write(config: ConfigReads) -> bool:
            agent = config.agent(feedback.agent_id)
            if agent is None or agent.email.lower() != feedback.address.lower():
                return False
            if not agent.email_bouncing:
                bouncing = agent.model_copy(update={"email_bouncing": True})
                self._config.put_agent(feedback.company_id, bouncing, must_exist=True, expected_version=config.version)
            return True

        return at_current_version(self._config, feedback.company_id, write)


def _seen(lead: Lead, event: str, feedback: EmailFeedback) -> bool:
    return any(
        entry.event == event and entry.offer_id == feedback.offer_id and entry.agent_id == feedback.agent_id
        for entry in lead.history
    )


def _sentence(feedback: EmailFeedback, lead: Lead, config: CompanyConfig, marked: bool) -> str:
    offer = lead.offer(feedback.offer_id) if feedback.offer_id is not None else None
    what = f"The {offer.kind.value} email" if offer is not None else "The email"
    agent = config.agents.get(feedback.agent_id)
    who = f"agent {feedback.agent_id}" + (f" ({agent.display_name()})" if agent is not None else "")
    if feedback.kind is FeedbackKind.COMPLAINT:
        return f"{what} to {who} was reported as spam by their mail client."
    if feedback.kind is FeedbackKind.SOFT_BOUNCE:
        return f"{what} to {who} bounced for now (their mailbox may be full or unavailable): they may not have seen it."
    if marked:
        return (
            f"{what} to {who} bounced: their address does not take mail. No more emails go to it until an admin "
            "corrects the agent's email; the agent still sees their offers in the API."
        )
    return f"{what} to {who} bounced: their address does not take mail (it has been changed since)."
