"""Telling an agent that a lead is theirs when someone else put it there: routing's assignment without
acceptance (the default agent, advanced distribution, round robin, a returning lead given to its owner)
and an admin's or office manager's assignment. Offers already reach the agent as an email (and a text); an
assignment needs no answer, so without this notice the agent would learn of the lead only by looking.

Guarantees:
- one notice per assignment to an agent, after the lead's write: an email, and a text to an agent who
  turned texts on; never for a claim or an accept (the agent did it), nor for an assignment that waits for
  acceptance (its offer is the notice), nor to an inactive agent or an address that bounced;
- it shows what offers show before a lead is the agent's (an initial, the area, the source), where to read
  the lead, and, for a returning lead's owner, when and where the person first inquired; never contact
  details: an inbox keeps what a person's erasure cannot reach (docs/DECISIONS.md);
- at most once, never holding up or undoing the assignment: a failure is retried where that can help,
  then handed back as a `delivery.failed` entry for the caller to record on the lead."""

import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from leadrouter.domain.agents import Agent
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import HistoryEntry, Lead, LeadStatus
from leadrouter.domain.ports import Clock
from leadrouter.domain.routes import for_people
from leadrouter.domain.summaries import summary_of
from leadrouter.domain.texts import assignment_text
from leadrouter.service.delivery import returning_words, send_with_retries
from leadrouter.service.ports import Email, Mailer, Renderer

if TYPE_CHECKING:
    from leadrouter.service.offer_texts import OfferTexts

# Where an agent reads the leads they hold: the console's page (the API's is GET /v1/me/leads).
MY_LEADS_PATH = "/app/my-leads"


def assignment_to_tell(lead: Lead, added: Sequence[HistoryEntry]) -> HistoryEntry | None:
    """The assignment among a change's new entries that the agent holding the lead is told of, if any: the
    last one, when the lead is still theirs after the change."""
    assigned = [entry for entry in added if entry.event == "lead.assigned" and entry.agent_id is not None]
    if not assigned or lead.status is not LeadStatus.ASSIGNED or lead.agent_id != assigned[-1].agent_id:
        return None
    return assigned[-1]


class AssignmentNotices:
    def __init__(
        self,
        mailer: Mailer,
        renderer: Renderer,
        clock: Clock,
        default_sender: str,
        default_base_url: str,
        sleep: Callable[[float], None] = time.sleep,
        texts: "OfferTexts | None" = None,
    ) -> None:
        self._mailer = mailer
        self._renderer = renderer
        self._clock = clock
        self._default_sender = default_sender
        self._default_base_url = default_base_url
        self._sleep = sleep
        self._texts = texts

    def notify(self, lead: Lead, added: Sequence[HistoryEntry], config: CompanyConfig) -> list[HistoryEntry]:
        """Tell the agent of the assignment among `added` (a change's new entries); the entries to record on
        the lead for what could not be sent."""
        entry = assignment_to_tell(lead, added)
        if entry is None or entry.agent_id is None:
            return []
        agent = config.agents.get(entry.agent_id)
        if agent is None or not agent.active:
            return []
        context = self._context(lead, entry, config, agent)
        failures: list[HistoryEntry] = []
        if not agent.email_bouncing:
            email = Email(
                to=agent.email,
                sender=config.settings.sender_email or self._default_sender,
                subject=self._renderer.render("lead_assigned_subject.txt.j2", **context).strip(),
                text=self._renderer.render("lead_assigned.txt.j2", **context),
                html=self._renderer.render("lead_assigned.html.j2", **context),
                # The bounce handler reads these (no offer: an assignment is not one).
                tags={"company_id": lead.company_id, "lead_id": lead.lead_id, "agent_id": str(agent.agent_id)},
            )
            reason = send_with_retries(partial(self._mailer.send, email), self._sleep)
            if reason is not None:
                failures.append(self._failed(agent, "email", reason))
        if agent.sms_enabled and self._texts is not None:
            text = assignment_text(config.company.name, summary_of(lead), context["leads_url"])
            reason = self._texts.send_words(agent, text)
            if reason is not None:
                failures.append(self._failed(agent, "text", reason))
        return failures

    def _context(self, lead: Lead, entry: HistoryEntry, config: CompanyConfig, agent: Agent) -> dict[str, Any]:
        base = (lead.link_base_url or self._default_base_url).rstrip("/")
        zone = config.settings.time_zone
        return {
            "company_name": config.company.name,
            "agent_name": agent.display_name(),
            "summary": summary_of(lead),
            "by_admin": entry.step == "manual",
            "leads_url": base + MY_LEADS_PATH,
            "assigned_at": for_people(entry.at, zone),
            "returning": returning_words(lead, entry.step, zone),
        }

    def _failed(self, agent: Agent, channel: str, reason: str) -> HistoryEntry:
        return HistoryEntry(
            at=self._clock.now(),
            event="delivery.failed",
            agent_id=agent.agent_id,
            detail=f"The assignment {channel} to agent {agent.agent_id} ({agent.display_name()}) could not be sent "
            f"({reason}); the lead is theirs all the same, in their list of leads.",
        )
