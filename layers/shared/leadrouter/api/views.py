"""What answers look like: response models shared by the routers and the OpenAPI document."""

from datetime import datetime

from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from pydantic import BaseModel

from leadrouter.domain.leads import Contact, HistoryEntry, Interest, Lead, LeadStatus, Listing
from leadrouter.domain.model import Model
from leadrouter.domain.offers import Offer, OfferKind, OfferState
from leadrouter.domain.summaries import contact_visible_to, summary_of


class HistoryView(Model):
    at: datetime
    event: str
    agent_id: int | None
    detail: str
    step: str | None = None


class LeadView(Model):
    lead_id: str
    status: LeadStatus
    agent_id: int | None
    office_id: str | None
    source: str
    created_at: datetime
    updated_at: datetime
    contact: Contact | None
    message: str | None = None
    interest: Interest | None = None
    listing: Listing | None = None
    page_url: str | None = None
    # The same for every lead of one person (GET /v1/leads?person_id=); erased_at: when the person's
    # erasure request removed its contact details, message and page.
    person_id: str | None = None
    erased_at: datetime | None = None
    # Bumped by every change; send it back as `If-Match` to change the lead only if nobody else did since.
    version: int
    # From `created_at` to the first moment an agent held the lead (claim, accept, assignment without
    # acceptance); null until then.
    speed_to_lead_seconds: float | None = None

    @classmethod
    def of(cls, lead: Lead, with_contact: bool = True) -> "LeadView":
        return cls(**_fields(lead, with_contact))


class LeadDetail(LeadView):
    history: list[HistoryView]
    offers: list["OfferView"]
    declined_agent_ids: list[int]

    @classmethod
    def of(cls, lead: Lead, with_contact: bool = True) -> "LeadDetail":
        return cls(
            **_fields(lead, with_contact),
            history=[_history(entry) for entry in lead.history],
            offers=[OfferView.of(offer) for offer in lead.offers],
            declined_agent_ids=list(lead.declined_agent_ids),
        )


class LeadPage(Model):
    leads: list[LeadView]
    next_cursor: str | None


class IntakeAnswer(Model):
    lead_id: str
    status: LeadStatus


class DirectoryEntry(Model):
    agent_id: int
    display_name: str


class Directory(Model):
    agents: list[DirectoryEntry]


class ErrorBody(Model):
    code: str
    message: str


class ErrorAnswer(Model):
    error: ErrorBody


def _history(entry: HistoryEntry) -> HistoryView:
    return HistoryView(at=entry.at, event=entry.event, agent_id=entry.agent_id, detail=entry.detail, step=entry.step)


def _fields(lead: Lead, with_contact: bool) -> dict[str, object]:
    return {
        "lead_id": lead.lead_id,
        "status": lead.status,
        "agent_id": lead.agent_id,
        "office_id": lead.office_id,
        "source": lead.source,
        "created_at": lead.created_at,
        "updated_at": lead.updated_at,
        "contact": lead.contact if with_contact else None,
        "message": lead.message if with_contact else None,
        "interest": lead.interest,
        "listing": lead.listing,
        "page_url": lead.page_url,
        "person_id": lead.person_id,
        "erased_at": lead.erased_at,
        "version": lead.version,
        "speed_to_lead_seconds": lead.speed_to_lead_seconds,
    }


# Routes that need an API key say so; the public ones (intake, directory, links, the document) do not.
KEY_REQUIRED: list[dict[str, list[str]]] = [{"apiKey": []}]


def documented(
    *errors: int, ok: int | None = None, model: type[BaseModel] | None = None, description: str = "Done"
) -> dict[int, OpenAPIResponse]:
    """OpenAPI `responses`: the success answer (by default a 200 of the route's return type) and the errors,
    always with 422 in the contract's error shape."""
    responses: dict[int, OpenAPIResponse] = {ok or 200: {"description": description}}
    if model is not None:
        responses[ok or 200]["content"] = {"application/json": {"model": model}}
    for status in {*errors, 422}:
        responses[status] = {"description": "Error", "content": {"application/json": {"model": ErrorAnswer}}}
    return responses


class LeadSummaryView(Model):
    """What an agent sees of a lead before it is theirs: no contact details."""

    lead_id: str
    name_initial: str | None
    area: str | None
    source: str

    @classmethod
    def of(cls, lead: Lead) -> "LeadSummaryView":
        summary = summary_of(lead)
        return cls(lead_id=summary.lead_id, name_initial=summary.name_initial, area=summary.area, source=summary.source)


class PoolLeadView(Model):
    """A pool lead as an agent sees it before claiming: what the summary of an offer shows (name initial,
    area, source), when it came in, and whether claim emails for it are out. No contact details."""

    lead_id: str
    status: LeadStatus
    source: str
    created_at: datetime
    name_initial: str | None
    area: str | None
    claim_emails_out: bool

    @classmethod
    def of(cls, lead: Lead) -> "PoolLeadView":
        summary = summary_of(lead)
        offer = lead.open_offer()
        return cls(
            lead_id=lead.lead_id,
            status=lead.status,
            source=lead.source,
            created_at=lead.created_at,
            name_initial=summary.name_initial,
            area=summary.area,
            claim_emails_out=offer is not None and offer.kind is OfferKind.CLAIM,
        )


class PoolPage(Model):
    leads: list[PoolLeadView]
    next_cursor: str | None


class OfferView(Model):
    """An offer as admins see it on a lead."""

    offer_id: str
    kind: OfferKind
    origin: str
    state: OfferState
    recipients: list[int]
    created_at: datetime
    expires_at: datetime
    passed_by: list[int]
    answered_by: int | None
    closed_at: datetime | None

    @classmethod
    def of(cls, offer: Offer) -> "OfferView":
        return cls(**offer.model_dump(include=set(cls.model_fields)))


class AgentLeadView(LeadView):
    """A lead as its agent sees it: contact details, message and particulars only once it is theirs."""

    summary: LeadSummaryView

    @classmethod
    def for_agent(cls, lead: Lead, agent_id: int, contact_allowed: bool = True) -> "AgentLeadView":
        visible = contact_allowed and contact_visible_to(lead, agent_id)
        fields = _fields(lead, visible)
        if not visible:
            fields.update(interest=None, listing=None, page_url=None)
        return cls(**fields, summary=LeadSummaryView.of(lead))
