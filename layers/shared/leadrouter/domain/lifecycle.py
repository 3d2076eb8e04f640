"""How a lead's state changes. Every change appends a history entry in words; the entries whose event is
one of the contract's `lead.*` names are also published on the event bus."""

from datetime import datetime

from leadrouter.domain.cascade import AssignTo, Decision, StepReport, ToPool
from leadrouter.domain.leads import HistoryEntry, Lead, LeadStatus, LeadSubmission

PUBLISHED_EVENTS = frozenset(
    {
        "lead.received",
        "lead.offered",
        "lead.claimed",
        "lead.passed",
        "lead.accepted",
        "lead.rejected",
        "lead.expired",
        "lead.assigned",
        "lead.returned_to_pool",
    }
)


def new_lead(lead_id: str, company_id: str, submission: LeadSubmission, at: datetime) -> Lead:
    lead = Lead(
        lead_id=lead_id,
        company_id=company_id,
        status=LeadStatus.UNASSIGNED,
        source=submission.source,
        created_at=at,
        updated_at=at,
        contact=submission.contact(),
        message=submission.message,
        agent_code=submission.agent_code,
        chosen_agent_id=submission.chosen_agent_id,
        listing=submission.listing,
        interest=submission.interest,
        page_url=submission.page_url,
    )
    where = f" from {submission.page_url}" if submission.page_url else ""
    lead.record(HistoryEntry(at=at, event="lead.received", detail=f"Lead received from source '{lead.source}'{where}."))
    return lead


def record_notes(lead: Lead, notes: list[StepReport], at: datetime) -> None:
    for note in notes:
        lead.record(HistoryEntry(at=at, event="routing.skipped", detail=_sentence(note.detail), step=note.step))


def assign(lead: Lead, agent_id: int, office_id: str | None, detail: str, at: datetime, step: str, by: str) -> None:
    lead.status = LeadStatus.ASSIGNED
    lead.agent_id = agent_id
    lead.office_id = office_id
    lead.record(HistoryEntry(at=at, event="lead.assigned", agent_id=agent_id, detail=detail, step=step, by=by))


def to_pool(lead: Lead, detail: str, at: datetime, step: str, by: str) -> None:
    lead.status = LeadStatus.UNASSIGNED
    lead.agent_id = None
    lead.record(HistoryEntry(at=at, event="lead.returned_to_pool", detail=detail, step=step, by=by))


def apply_decision(lead: Lead, decision: Decision, office_of: dict[int, str | None], at: datetime) -> None:
    """Apply a cascade decision whose round-robin turn, if any, has already been taken."""
    record_notes(lead, decision.notes(), at)
    outcome = decision.outcome
    if isinstance(outcome, AssignTo):
        assign(
            lead,
            outcome.agent_id,
            office_of.get(outcome.agent_id),
            outcome.detail,
            at,
            decision.step,
            "routing",
        )
    elif isinstance(outcome, ToPool):
        # The lead was never out of the pool: say why it stays there without a state change event.
        lead.record(HistoryEntry(at=at, event="routing.pooled", detail=outcome.detail, step=decision.step))
    else:
        raise TypeError(f"take the round-robin turn before applying the decision: {outcome!r}")


def published(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    return [entry for entry in entries if entry.event in PUBLISHED_EVENTS]


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def to_office(lead: Lead, office_id: str, detail: str, at: datetime, by: str) -> None:
    """An office without an agent: the lead stays unassigned, visible to that office's managers."""
    lead.status = LeadStatus.UNASSIGNED
    lead.agent_id = None
    lead.office_id = office_id
    lead.record(HistoryEntry(at=at, event="lead.assigned", detail=detail, step="manual", by=by))
