"""A lead: what the website sent, where it stands, and its history in plain words."""

import re
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Final

from pydantic import ConfigDict, Field, field_validator, model_validator

from leadrouter.domain.agents import LeadType, OfficeId
from leadrouter.domain.company import EMAIL_PATTERN
from leadrouter.domain.model import AgentNumber, Model, WholeNumber
from leadrouter.domain.offers import Offer

Name = Annotated[str, Field(max_length=100)]


# Digits and the usual separators, then an optional extension ("x12", "ext. 12", "#12"), as people type them.
Phone = Annotated[str, Field(pattern=r"^[0-9+()\-. ]{5,40}(?:\s*(?:[xX#]|[eE][xX][tT]\.?)\s*[0-9]{1,6})?$")]


# Control characters (C0, DEL, C1). A CR/LF in a one-line field would break the line of an email's text or
# a page it is shown on; the message keeps its line breaks and tabs, and loses the rest.
_CONTROLS: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]+")
_CONTROLS_BUT_LINE_BREAKS: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
MULTILINE_FIELDS: Final = frozenset({"message"})


def _plain(key: object, value: object) -> object:
    if not isinstance(value, str):
        return value
    value = _CONTROLS_BUT_LINE_BREAKS.sub("", value) if key in MULTILINE_FIELDS else _CONTROLS.sub(" ", value)
    return value if value.strip() else None


class FormFields(Model):
    """What websites post: blank fields are missing ones, numbers may stand where text is expected, and
    one-line fields lose control characters (ROUTING.md, "Intake leniency")."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, coerce_numbers_to_str=True)

    @model_validator(mode="before")
    @classmethod
    def _as_plain_text(cls, data: object) -> object:
        if isinstance(data, dict):
            return {key: _plain(key, value) for key, value in data.items()}
        return data


class LeadStatus(StrEnum):
    UNASSIGNED = "unassigned"
    OFFERED = "offered"
    PENDING_ACCEPTANCE = "pending_acceptance"
    ASSIGNED = "assigned"


class Contact(FormFields):
    first_name: Name | None = None
    last_name: Name | None = None
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)] | None = None
    phone: Phone | None = None


class Listing(FormFields):
    mls_number: Annotated[str, Field(max_length=40)] | None = None
    listing_agent_mls_id: Annotated[str, Field(max_length=40)] | None = None
    exclusive: bool = False


class Interest(FormFields):
    type: LeadType | None = None
    zip: Annotated[str, Field(max_length=10)] | None = None
    city: Annotated[str, Field(max_length=100)] | None = None
    price: Annotated[WholeNumber, Field(ge=0, le=10_000_000_000)] | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _type_in_any_case(cls, value: object) -> object:
        # A select's option may say "Buy"; text is matched case-insensitively everywhere else too.
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("price", mode="before")
    @classmethod
    def _price_as_people_write_it(cls, value: object) -> object:
        """ "$450,000", "450 000" or "450000.00" is 450000; anything else is left for the int check to refuse."""
        if not isinstance(value, str):
            return value
        plain = value.replace("$", "").replace(",", "").replace(" ", "").removesuffix(".00")
        return plain if plain.isdigit() else value


class LeadSubmission(FormFields):
    """What a website form posts. Unknown fields (submit buttons, tracking) are ignored, as forms send them."""

    first_name: Name | None = None
    last_name: Name | None = None
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)] | None = None
    phone: Phone | None = None
    message: Annotated[str, Field(max_length=5000)] | None = None
    source: Annotated[str, Field(min_length=1, max_length=64)] = "website"
    agent_code: Annotated[str, Field(max_length=64)] | None = None
    chosen_agent_id: AgentNumber | None = None
    listing: Listing | None = None
    interest: Interest | None = None
    page_url: Annotated[str, Field(max_length=2000)] | None = None
    # The honeypot: people never see it, bots fill it in.
    website: Annotated[str, Field(max_length=2000)] | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _normalise_source(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or "website"
        return value if value is not None else "website"

    @field_validator("first_name", "last_name", "email", "phone", "message", "agent_code", "page_url", mode="before")
    @classmethod
    def _blank_is_missing(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("chosen_agent_id", mode="before")
    @classmethod
    def _blank_choice_is_none(cls, value: object) -> object:
        # The dropdown's "no, I'm not working with an agent" option posts an empty value.
        if isinstance(value, str):
            value = value.strip()
            return None if value.lower() in ("", "none", "0") else value
        # `false == 0` in Python: a boolean goes on to be refused, not read as "no agent".
        return None if value == 0 and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _reachable(self) -> "LeadSubmission":
        if not self.email and not self.phone:
            raise ValueError("a lead needs an email or a phone number")
        return self

    @property
    def is_spam(self) -> bool:
        return bool(self.website)

    def contact(self) -> Contact:
        return Contact(first_name=self.first_name, last_name=self.last_name, email=self.email, phone=self.phone)


def honeypot_filled(document: Mapping[str, Any]) -> bool:
    """A bot filled the hidden `website` field: known before the rest is validated, so that a bot's invalid
    lead is answered like any other (202, nothing stored) and learns nothing from a 422."""
    value = document.get("website")
    return value is not None and str(value).strip() != ""


class HistoryEntry(Model):
    at: datetime
    event: str
    agent_id: int | None = None
    detail: str
    step: str | None = None
    by: str | None = None
    offer_id: str | None = None

    @property
    def makes_holder(self) -> bool:
        """After this entry an agent holds the lead: a claim, an accept, or an assignment without acceptance
        (an acceptance offer is `lead.offered`; an assignment to an office alone names no agent)."""
        return self.event in HOLDING_EVENTS and self.agent_id is not None


HOLDING_EVENTS: Final = frozenset({"lead.claimed", "lead.accepted", "lead.assigned"})


class IntakeMark(Model):
    """What a repeat of the intake request that made a lead needs to answer it from the lead alone
    (domain/intake_requests.py): no other item is written for idempotency."""

    # A hash of the submission: the same Idempotency-Key with another body is refused.
    body: str
    # Random per attempt: a write the SDK retried after it had landed finds its own attempt, not a repeat.
    attempt: str
    # The first answer's status, which a repeat answers again.
    answered: LeadStatus
    # When the attempt that wrote the lead is past its invocation's deadline, so surely no longer running.
    in_flight_until: datetime


class EarlierInquiry(Model):
    """The person's earlier lead a returning lead was routed by (ROUTING.md, "Returning leads"): its
    agent's email and the history name it, with its date and source."""

    lead_id: str
    created_at: datetime
    source: str


class FoldedHistory(Model):
    """What the oldest history entries folded into the one `history.folded` entry were (domain/lead_size.py):
    the lead stays one DynamoDB item however long it lives."""

    entries: int  # how many entries the fold entry stands for (the history is `entries - 1` shorter)
    events: dict[str, int]  # of which events, how many
    first_at: datetime
    last_at: datetime
    offers: int = 0  # closed offers dropped from `offers` (their links then answer "no such offer")


class Lead(Model):
    lead_id: str
    company_id: str
    status: LeadStatus
    agent_id: int | None = None
    office_id: OfficeId | None = None
    source: str
    created_at: datetime
    updated_at: datetime
    contact: Contact
    message: str | None = None
    agent_code: str | None = None
    chosen_agent_id: int | None = None
    listing: Listing | None = None
    interest: Interest | None = None
    page_url: str | None = None
    history: list[HistoryEntry] = Field(default_factory=list)
    # Every offer made on this lead, oldest first; at most one is open at a time.
    offers: list[Offer] = Field(default_factory=list)
    # Agents who passed, rejected or let an acceptance run out: never offered this lead again.
    declined_agent_ids: list[int] = Field(default_factory=list)
    # Where the links in this lead's emails point (the timeout function has no request to ask).
    link_base_url: str | None = None
    # Optimistic concurrency: every write is conditional on the version it read.
    version: int = 0
    intake: IntakeMark | None = None
    # When the lead was escalated for having no agent (service/escalation.py): set once, by one conditional
    # write, so a late or repeated escalation timer finds it set and does nothing more.
    escalated_at: datetime | None = None
    # The same for every lead of one person in a company (domain/people.py); None for leads from before.
    person_id: str | None = None
    # The person index's keys (keyed hashes, domain/people.py) this lead was filed under: what an erasure
    # removes, whatever the company's phone region is by then.
    person_keys: list[str] = Field(default_factory=list)
    returning_of: EarlierInquiry | None = None
    # When the person's erasure request took this lead's contact details, message and page (for good).
    erased_at: datetime | None = None
    # From `created_at` to the first moment an agent held the lead; set once, by `record`, and kept when the
    # lead changes hands later (reports: domain/reports.py).
    speed_to_lead_seconds: float | None = None
    # The oldest entries folded into one, once the lead grew past its size budget (domain/lead_size.py).
    folded: FoldedHistory | None = None

    @property
    def entries_recorded(self) -> int:
        """How many entries the lead's history ever had: what it has plus what folding took away. Grows with
        every change that records, folding or not: a change is named by it (report markers)."""
        return len(self.history) + shortened_by(self.folded)

    def added_since(self, recorded_before: int) -> int:
        """The index in `history` of the first entry recorded after the lead had `recorded_before` entries
        (folding takes only entries recorded before the change it happens in, and shortens the list by its
        count less the one entry it leaves)."""
        return max(0, recorded_before - shortened_by(self.folded))

    def record(self, entry: HistoryEntry) -> None:
        self.history.append(entry)
        self.updated_at = entry.at
        if self.speed_to_lead_seconds is None and entry.makes_holder:
            self.speed_to_lead_seconds = max(0.0, (entry.at - self.created_at).total_seconds())

    def open_offer(self) -> Offer | None:
        return next((offer for offer in reversed(self.offers) if offer.is_open), None)

    def offer(self, offer_id: str) -> Offer | None:
        return next((offer for offer in self.offers if offer.offer_id == offer_id), None)

    def decline(self, agent_id: int) -> None:
        if agent_id not in self.declined_agent_ids:
            self.declined_agent_ids.append(agent_id)


def shortened_by(folded: FoldedHistory | None) -> int:
    return folded.entries - 1 if folded is not None else 0
