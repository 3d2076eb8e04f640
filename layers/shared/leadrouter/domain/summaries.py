"""What an agent may see of a lead before it is theirs (ROUTING.md §9): the first letter of the name, the
area and the source. No contact details, no message (a lead types contact details into it)."""

from leadrouter.domain.leads import Lead, LeadStatus
from leadrouter.domain.offers import LeadSummary


def summary_of(lead: Lead) -> LeadSummary:
    name = (lead.contact.first_name or lead.contact.last_name or "").strip()
    area = None
    if lead.interest is not None:
        area = " ".join(part for part in (lead.interest.city, lead.interest.zip) if part) or None
    return LeadSummary(
        lead_id=lead.lead_id,
        name_initial=f"{name[0].upper()}." if name else None,
        area=area,
        source=lead.source,
    )


def contact_visible_to(lead: Lead, agent_id: int) -> bool:
    """Contact details only for the agent who holds the lead (assigned, or accepted)."""
    return lead.status is LeadStatus.ASSIGNED and lead.agent_id == agent_id
