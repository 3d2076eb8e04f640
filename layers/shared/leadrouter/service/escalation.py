"""Escalation: a lead still without an agent `escalate_unclaimed_after_seconds` after intake is emailed once
to the company's escalation addresses and its office's managers, published as `lead.escalated` (the table
stream's outbox, like every lead event) and written in its history (domain/escalation.py says who and when).

Guarantees:
- its timer is an offer timer (DeadlineTimers: a delayed message within 15 minutes, else a schedule), named
  by the lead (`es_...`), started at intake; it is never cancelled: a lead held when it fires is left alone;
- one conditional write of the lead sets `escalated_at` and records the entry; a late, repeated or
  concurrent timer finds it set (or loses the write and then finds it set) and sends nothing;
- the emails go after that write (at most once each): a failed one is retried, then recorded on the lead as
  a `delivery.failed` entry; a function stopped between the write and the emails sends none (RELIABILITY.md).
A timer that could not be started is recorded on the lead (`timer.failed`): that lead is not escalated."""

import time
from collections.abc import Callable
from functools import partial

from aws_lambda_powertools import Logger

from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import NotFound
from leadrouter.domain.escalation import (
    escalate,
    escalation_due_at,
    escalation_recipients,
    escalation_timer_id,
    held_since,
    without_agent,
)
from leadrouter.domain.leads import HistoryEntry, Lead
from leadrouter.domain.offers import duration_words
from leadrouter.domain.ports import Clock
from leadrouter.domain.routes import for_people
from leadrouter.domain.summaries import summary_of
from leadrouter.service.delivery import send_with_retries
from leadrouter.service.lead_changes import LeadChanges, Turns
from leadrouter.service.offer_desk import NothingToDo
from leadrouter.service.ports import ConfigRepository, Email, Mailer, Renderer, Timers

logger = Logger(child=True)

# What `due` answers when it escalated the lead (the other answers say why it changed nothing).
ESCALATED = "escalated"


class Escalations:
    def __init__(
        self,
        config: ConfigRepository,
        changes: LeadChanges,
        timers: Timers,
        mailer: Mailer,
        renderer: Renderer,
        clock: Clock,
        default_sender: str,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._config = config
        self._changes = changes
        self._timers = timers
        self._mailer = mailer
        self._renderer = renderer
        self._clock = clock
        self._default_sender = default_sender
        self._sleep = sleep

    def arm(self, lead: Lead, config: CompanyConfig) -> None:
        """At intake, once the lead is stored: its escalation timer, when the company escalates."""
        due = escalation_due_at(lead.created_at, config.settings)
        if due is None:
            return
        try:
            self._timers.start(lead.company_id, lead.lead_id, escalation_timer_id(lead.lead_id), due)
        except Exception as error:
            logger.error("escalation timer not created", extra={"lead_id": lead.lead_id, "error": _name(error)})
            entry = HistoryEntry(
                at=self._clock.now(),
                event="timer.failed",
                detail=f"The escalation timer of this lead could not be created ({_name(error)}): it will not be "
                "escalated if no agent takes it.",
            )
            self._changes.record(lead.company_id, lead.lead_id, [entry])

    def due(self, company_id: str, lead_id: str) -> str:
        """The timer fired: escalate the lead if it is still without an agent; answers what happened, in a word."""

        def change(lead: Lead, config: CompanyConfig, _turns: Turns) -> None:
            if lead.escalated_at is not None:
                raise NothingToDo("already_escalated")
            due = escalation_due_at(lead.created_at, config.settings)
            if due is None:
                raise NothingToDo("turned_off")  # since the lead came in
            if not without_agent(lead) or held_since(lead, due):
                raise NothingToDo("held")
            escalate(lead, self._clock.now())

        try:
            lead = self._changes.apply(company_id, lead_id, change)
        except NothingToDo as nothing:
            logger.info("escalation timer changed nothing", extra={"lead_id": lead_id, "outcome": nothing.outcome})
            return nothing.outcome
        except NotFound:
            logger.info("escalation timer for a lead that is gone", extra={"lead_id": lead_id})
            return "unknown_lead"
        failures = self._notify(lead, self._config.load(company_id))
        if failures:
            self._changes.record(company_id, lead_id, failures)
        logger.info("lead escalated", extra={"lead_id": lead_id, "failed_emails": len(failures)})
        return ESCALATED

    def _notify(self, lead: Lead, config: CompanyConfig) -> list[HistoryEntry]:
        recipients = escalation_recipients(lead, config)
        if not recipients:
            return []
        office = config.offices.get(lead.office_id) if lead.office_id is not None else None
        context = {
            "company_name": config.company.name,
            "summary": summary_of(lead),
            "status": lead.status.value.replace("_", " "),
            "office_name": office.name if office is not None else None,
            "waited": duration_words(int((self._clock.now() - lead.created_at).total_seconds())),
            "created_at": for_people(lead.created_at, config.settings.time_zone),
        }
        subject = self._renderer.render("escalation_subject.txt.j2", **context).strip()
        text = self._renderer.render("escalation.txt.j2", **context)
        html = self._renderer.render("escalation.html.j2", **context)
        sender = config.settings.sender_email or self._default_sender
        # Tagged with ids only: the bounce handler acts on offer emails' tags and leaves these alone.
        tags = {"company_id": lead.company_id, "lead_id": lead.lead_id}
        emails = [Email(address, sender, subject, text, html, tags) for address in recipients]
        failures: list[HistoryEntry] = []
        for number, email in enumerate(emails, start=1):
            reason = send_with_retries(partial(self._mailer.send, email), self._sleep)
            if reason is not None:
                failures.append(
                    HistoryEntry(
                        at=self._clock.now(),
                        event="delivery.failed",
                        detail=f"The escalation email to recipient {number} of {len(recipients)} could not be sent "
                        f"({reason}).",
                    )
                )
        return failures


def _name(error: Exception) -> str:
    return getattr(error, "reason", None) or type(error).__name__
