"""Escalation of a lead nobody takes, the pure part: when it is due, whether a lead is still "without an
agent", who is told, and the one mark that makes it happen once.

- Without an agent: any status but `assigned` (unassigned, in the pool or at an office; offered inside a
  route; pending acceptance, since an agent asked to accept has not taken it yet). This is the same line the
  routing report draws for speed to lead: a lead counts as held once an agent claims, accepts, or is
  assigned it without acceptance.
- Who is told: the company's `escalation_emails` and the managers of the lead's office, who are its active
  agents with lead management (the agents an office leans on to work its pool), except those whose address
  bounced; each address once, whatever its case.
- Once: `escalated_at` is set by the conditional write that records `lead.escalated`; a late or repeated
  timer finds it set and does nothing.
- Judged from its due time on: a lead an agent held at that moment, or took at any moment after it, is not
  escalated, even when it is without an agent again by the time a late or repeated timer arrives (a timer
  is delivered at least once: the first delivery found it held and sent nothing, so the next must not send
  either). The history tells: `held_since` replays it."""

from datetime import datetime, timedelta
from typing import Final

from leadrouter.domain.company import CompanySettings
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.lead_size import EVENT as FOLDED
from leadrouter.domain.lead_size import LETTING_GO
from leadrouter.domain.leads import HistoryEntry, Lead, LeadStatus
from leadrouter.domain.offers import duration_words

EVENT: Final = "lead.escalated"
# Escalation timers travel in the offer timers' messages and schedules, named by this id instead of an
# offer's: es_ and the lead's 26 characters, within Scheduler's 64 and its alphabet.
_TIMER_PREFIX: Final = "es_"


def escalation_timer_id(lead_id: str) -> str:
    return _TIMER_PREFIX + lead_id.removeprefix("ld_")


def is_escalation_timer(timer_id: str) -> bool:
    return timer_id.startswith(_TIMER_PREFIX)


def escalation_due_at(created_at: datetime, settings: CompanySettings) -> datetime | None:
    """When a lead made at `created_at` is escalated if still without an agent; None when escalation is off."""
    seconds = settings.escalate_unclaimed_after_seconds
    return None if seconds is None else created_at + timedelta(seconds=seconds)


def without_agent(lead: Lead) -> bool:
    return lead.status is not LeadStatus.ASSIGNED


def held_since(lead: Lead, moment: datetime) -> bool:
    """Whether an agent held the lead at `moment` or came to hold it at any time after. A fold of older
    entries (domain/lead_size.py) names the agent holding the lead after them, if any."""
    held = False
    for entry in lead.history:
        holding = entry.makes_holder or (entry.event == FOLDED and entry.agent_id is not None)
        if entry.at > moment:
            if holding:
                return True
            continue
        if holding:
            held = True
        elif entry.event in LETTING_GO or entry.event == FOLDED:
            held = False
    return held


def escalate(lead: Lead, at: datetime) -> bool:
    """Mark the lead escalated and say so in its history; False (nothing changed) when it was marked already
    or an agent holds it."""
    if lead.escalated_at is not None or not without_agent(lead):
        return False
    waited = duration_words(int((at - lead.created_at).total_seconds()))
    lead.escalated_at = at
    lead.record(
        HistoryEntry(
            at=at,
            event=EVENT,
            agent_id=lead.agent_id,
            detail=f"No agent has taken this lead {waited} after it came in ({lead.status.value.replace('_', ' ')}): "
            "it was escalated to the company's escalation addresses and its office's managers.",
            step="escalation",
            by="routing",
        )
    )
    return True


def escalation_recipients(lead: Lead, config: CompanyConfig) -> list[str]:
    """The addresses told about the lead, each once (the first spelling kept)."""
    managers = (
        agent.email
        for agent in config.agents.values()
        if lead.office_id is not None
        and agent.office_id == lead.office_id
        and agent.active
        and agent.lead_management
        and not agent.email_bouncing
    )
    chosen: dict[str, str] = {}
    for address in (*config.settings.escalation_emails, *managers):
        chosen.setdefault(address.lower(), address)
    return list(chosen.values())
