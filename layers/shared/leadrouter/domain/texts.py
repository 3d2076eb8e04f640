"""Offers and assignments by text message, the pure part: the short text each becomes. A text carries what
the offer email shows before the lead is the agent's (the summary: an initial, the area, the source), never
contact details, and a link: an offer's one-time link, whose page shows the offer and whose button acts, or
the page of the agent's leads."""

from leadrouter.domain.offers import LeadSummary, OfferKind


def offer_text(company_name: str, kind: OfferKind, summary: LeadSummary, time_left: str, link: str) -> str:
    """One short text: who, what, how long, the link. The words before the link stay within 130
    characters (a long area is cut), so that with a link the text is one or two SMS segments."""
    ask = "to accept" if kind is OfferKind.ACCEPTANCE else "to claim"
    return f"{company_name[:30]}: new lead ({_about(summary)}) {ask}, {time_left} left: {link}"


def assignment_text(company_name: str, summary: LeadSummary, leads_url: str) -> str:
    """The text telling an agent a lead was assigned to them: who, and where their leads are."""
    return f"{company_name[:30]}: a new lead is yours ({_about(summary)}): {leads_url}"


def _about(summary: LeadSummary) -> str:
    """The summary in a few words: the initial, the area (cut at 30 characters), the source (at 20)."""
    return ", ".join(part for part in (summary.name_initial, (summary.area or "")[:30], summary.source[:20]) if part)
