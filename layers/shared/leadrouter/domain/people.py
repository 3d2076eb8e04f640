"""Who a lead is (ROUTING.md, "Returning leads"): the identity two leads of one person share, the keyed
hashes the person index is keyed by, and the rule that makes a new lead a returning one.

A person is matched by the same email (trimmed, lower case), or the same phone (E.164, read by the
`phonenumbers` library in the company's `phone_region`) together with the same last name. Contact details
never leave this module in the clear towards storage: the index knows only HMAC-SHA256 digests under a
secret key, so the table's keys say nothing about anyone to whoever reads them, and nobody without the
key can test a guessed email against them. Pure: no I/O, the key and the clock are given."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final

from leadrouter.domain.company import CompanySettings
from leadrouter.domain.errors import Conflict
from leadrouter.domain.ids import new_ulid
from leadrouter.domain.leads import Contact, HistoryEntry, Lead, LeadStatus
from leadrouter.domain.phones import e164
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.routes import local_day

PERSON_ID_PATTERN: Final = r"^per_[0-9a-z]{26}$"

# What the history and the erased lead say in place of the person.
ERASED: Final = "erased"


class MatchedBy(StrEnum):
    EMAIL = "email"
    PHONE = "phone"

    def words(self) -> str:
        return "same email" if self is MatchedBy.EMAIL else "same phone and last name"


@dataclass(frozen=True)
class IdentityKey:
    """One way to find a person again: a keyed digest (hex) of a normalised email, or phone and last name."""

    kind: MatchedBy
    digest: str


@dataclass(frozen=True)
class Identity:
    """A lead's normalised contact details, as matching compares them; `phone_unread` when a phone was sent
    that `phonenumbers` could not read (it is then not used to match, and the history says so)."""

    email: str | None
    phone: str | None
    last_name: str | None
    phone_unread: bool = False

    def keys(self, secret: bytes, company_id: str) -> tuple[IdentityKey, ...]:
        """The index keys, email first (the stronger match). The company is part of what is hashed: one
        person at two brokerages is two people, and their digests differ."""
        keys: list[IdentityKey] = []
        if self.email:
            keys.append(IdentityKey(MatchedBy.EMAIL, _digest(secret, "email", company_id, self.email)))
        if self.phone and self.last_name:
            digest = _digest(secret, "phone", company_id, self.phone, self.last_name)
            keys.append(IdentityKey(MatchedBy.PHONE, digest))
        return tuple(keys)


def _digest(secret: bytes, *parts: str) -> str:
    # NUL never occurs in a normalised part (controls are stripped at intake): parts cannot run together.
    return hmac.new(secret, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


def normalised_email(email: str) -> str:
    return email.strip().lower()


def identity_of(contact: Contact, region: str) -> Identity:
    phone = e164(contact.phone, region) if contact.phone else None
    last_name = contact.last_name.strip().casefold() if contact.last_name else None
    return Identity(
        email=normalised_email(contact.email) if contact.email else None,
        phone=phone,
        last_name=last_name or None,
        phone_unread=contact.phone is not None and phone is None,
    )


# How many of a person's latest leads an index item names: enough to find the one an agent holds when the
# latest ones went to the pool, few enough that reading them all stays one small request.
RECENT_LEADS: Final = 5


@dataclass(frozen=True)
class IndexEntry:
    """What the index holds under one identity key: the person, and their latest leads, newest first."""

    key: IdentityKey
    person_id: str
    lead_ids: tuple[str, ...]

    @property
    def lead_id(self) -> str:
        return self.lead_ids[0]


@dataclass(frozen=True)
class IndexClaim:
    """An index item the new lead's transaction writes: `seen` is the entry read before (None: none was
    there), which must still be there unchanged for the write to go through."""

    key: IdentityKey
    person_id: str
    seen: IndexEntry | None

    def lead_ids(self, lead_id: str) -> list[str]:
        """The item's leads once the new lead `lead_id` is in: it first, then the latest ones seen."""
        earlier = self.seen.lead_ids if self.seen is not None else ()
        return [lead_id, *(seen for seen in earlier if seen != lead_id)][:RECENT_LEADS]


class PersonRaced(Conflict):
    """Another lead of the same person changed the index between the read and the write: read again."""


class LeadExists(Exception):
    """The new lead's id is taken already: a repeat of the request that made it (domain/intake_requests.py)."""


def new_person_id(at: datetime, rng: RandomSource) -> str:
    return "per_" + new_ulid(at, rng).lower()


@dataclass(frozen=True)
class EarlierLead:
    """What the cascade and the emails need of the earlier lead a returning lead matched (never its
    contact details): which lead, when and where it came from, and who holds it."""

    lead_id: str
    created_at: datetime
    source: str
    agent_id: int
    matched_by: MatchedBy

    def words(self, time_zone: str) -> str:
        """ "same email as ld_… of 2026-11-03": the day in the company's calendar, as the owner's email
        gives it (service/delivery.py), so the history and the email name the same day."""
        return f"{self.matched_by.words()} as {self.lead_id} of {local_day(self.created_at, time_zone)}"


def earlier_lead(
    lead: Lead | None, matched_by: MatchedBy, settings: CompanySettings, at: datetime
) -> EarlierLead | None:
    """The earlier lead as a returning lead's owner, when the rule holds: created within `ownership_days`
    (null: no limit) and held now (assigned) by an agent. Whether that agent is available is the cascade's
    question (it is skipped, with a note, when not)."""
    if lead is None or lead.status is not LeadStatus.ASSIGNED or lead.agent_id is None or lead.erased_at:
        return None
    days = settings.ownership_days
    if days is not None and at - lead.created_at > timedelta(days=days):
        return None
    return EarlierLead(lead.lead_id, lead.created_at, lead.source, lead.agent_id, matched_by)


def erase(lead: Lead, at: datetime, by: str) -> bool:
    """The person's erasure request, on one of their leads: contact details, message and page go for good,
    with the page's address wherever the history quoted it and the request's body hash (a hash of contact
    details). The routing history stays. Answers False, changing nothing, when the lead was erased already."""
    if lead.erased_at is not None:
        return False
    page = lead.page_url
    lead.contact = Contact()
    lead.message = None
    lead.page_url = None
    lead.intake = None
    lead.person_keys = []
    lead.erased_at = at
    if page:
        for entry in lead.history:
            entry.detail = entry.detail.replace(page, "(an erased page)")
    lead.record(
        HistoryEntry(
            at=at,
            event="person.erased",
            detail="The person asked to be erased: their contact details, message and page were removed for good.",
            by=by,
        )
    )
    return True
