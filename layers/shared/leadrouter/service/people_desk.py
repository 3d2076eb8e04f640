"""People: who an incoming lead is (matching at intake, and in simulations), and a person's erasure.

Guarantees:
- matching a lead costs at most two AWS requests, whatever the number of the person's leads: one read of
  the person index (both of the lead's keys at once), one read of the few latest leads it names;
- a new lead is stored together with its index items (one transaction, adapters/dynamo_people.py), so two
  sign-ups of one new person at the same moment become one person: the one whose transaction loses reads
  the index again and joins the person the other made;
- the index is keyed by keyed hashes only (domain/people.py); no contact detail is logged here;
- an erasure removes the person from the index first, then erases every lead of theirs (one conditional
  write each, published as `person.erased`); running it again finishes what a failed run left and changes
  nothing else, so it is idempotent.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final, Protocol

from aws_lambda_powertools import Logger

from leadrouter.domain.caps import Tally
from leadrouter.domain.cascade import ReturningLeadStep
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import Contact, EarlierInquiry, HistoryEntry, Lead
from leadrouter.domain.people import (
    EarlierLead,
    IdentityKey,
    IndexClaim,
    IndexEntry,
    LeadExists,
    MatchedBy,
    earlier_lead,
    erase,
    identity_of,
    new_person_id,
)
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.domain.queries import LeadQuery
from leadrouter.service.lead_changes import LeadChanges, Turns
from leadrouter.service.ports import LeadRepository

logger = Logger(child=True)

_PAGE: Final = 200


class PeopleIndex(Protocol):
    def find(self, company_id: str, keys: Sequence[IdentityKey]) -> list[IndexEntry]: ...

    def create_lead(
        self, lead: Lead, claims: Sequence[IndexClaim], tally: Tally | None = None, absent: str | None = None
    ) -> None: ...

    def remove(self, company_id: str, person_id: str, digests: Sequence[str]) -> None: ...


@dataclass(frozen=True)
class PersonMatch:
    """Who a new lead is: its person (new or found), the earlier lead whose agent may get it, the index
    items its write must claim, and whether a phone was sent that could not be read."""

    person_id: str
    earlier: EarlierLead | None
    claims: tuple[IndexClaim, ...]
    phone_unread: bool = False
    # The leads the index named: one of them is the new lead's own id when this is a repeat of its request.
    seen_lead_ids: frozenset[str] = frozenset()

    def names(self, lead_id: str) -> bool:
        return lead_id in self.seen_lead_ids

    def file(self, lead: Lead, step: str) -> None:
        """Give the new lead its person, before it is written; `step`: the cascade step that decided."""
        lead.person_id = self.person_id
        lead.person_keys = [claim.key.digest for claim in self.claims]
        earlier = self.earlier
        if earlier is not None and step == ReturningLeadStep.name:
            lead.returning_of = EarlierInquiry(
                lead_id=earlier.lead_id, created_at=earlier.created_at, source=earlier.source
            )
        if self.phone_unread:
            detail = "Phone could not be read as a phone number; left out of matching returning leads."
            lead.record(HistoryEntry(at=lead.created_at, event="intake.left_out", detail=detail))


class PeopleDesk:
    def __init__(
        self,
        index: PeopleIndex,
        leads: LeadRepository,
        changes: LeadChanges,
        secret: Callable[[], bytes],
        clock: Clock,
        rng: RandomSource,
    ) -> None:
        self._index = index
        self._leads = leads
        self._changes = changes
        self._secret = secret
        self._clock = clock
        self._rng = rng

    def match(self, config: CompanyConfig, contact: Contact, at: datetime, lead_id: str | None = None) -> PersonMatch:
        """`lead_id`: the new lead's id; the index naming it means a repeat, whose routing is not read."""
        settings = config.settings
        company_id = config.company.company_id
        identity = identity_of(contact, settings.phone_region)
        keys = identity.keys(self._secret(), company_id)
        entries = self._index.find(company_id, keys)
        person_id = entries[0].person_id if entries else new_person_id(at, self._rng)
        seen = {entry.key.digest: entry for entry in entries}
        claims = tuple(IndexClaim(key, person_id, seen.get(key.digest)) for key in keys)
        earlier: EarlierLead | None = None
        seen_ids = frozenset(seen_id for entry in entries for seen_id in entry.lead_ids)
        if entries and settings.returning_leads != "new" and lead_id not in seen_ids:
            earlier = self._owner(config, entries, at)
        return PersonMatch(person_id, earlier, claims, identity.phone_unread, seen_ids)

    def _owner(self, config: CompanyConfig, entries: Sequence[IndexEntry], at: datetime) -> EarlierLead | None:
        """The person's latest lead that an agent holds (within ownership_days), from the few latest ones the
        index names, read in one request; the email's entry first (the stronger match) when both name it."""
        kinds: dict[str, MatchedBy] = {}
        for entry in entries:
            for seen_id in entry.lead_ids:
                kinds.setdefault(seen_id, entry.key.kind)
        stored = self._leads.get_many(config.company.company_id, list(kinds))
        for lead in sorted(stored.values(), key=lambda lead: lead.created_at, reverse=True):
            found = earlier_lead(lead, kinds[lead.lead_id], config.settings, at)
            if found is not None:
                return found
        return None

    def create_once(
        self, lead: Lead, match: PersonMatch, tally: Tally | None = None, absent: str | None = None
    ) -> Lead | None:
        """Write a new lead with its index items and `tally` unless its id is taken: then answer the stored
        lead (a repeat of the request that made it). PersonRaced when the index changed since `match` read
        it, CapRefused when a cap refused the tally, PreviousWindowStored when the lead `absent` is stored."""
        if not match.claims:  # nothing to find the person by (a phone without a last name): the lead alone
            return self._leads.create_once(lead, tally, absent)
        try:
            self._index.create_lead(lead, match.claims, tally, absent)
        except LeadExists:
            return self._leads.get(lead.company_id, lead.lead_id)
        return None

    def leads_of(self, company_id: str, person_id: str) -> list[Lead]:
        leads: list[Lead] = []
        cursor: str | None = None
        while True:
            page = self._leads.list(company_id, LeadQuery(person_id=person_id, limit=_PAGE, cursor=cursor))
            leads.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                return leads

    def erase(self, company_id: str, person_id: str, by: str) -> int:
        """Erase the person: answers how many leads this call erased (0 when it was done already)."""
        pending = [lead for lead in self.leads_of(company_id, person_id) if lead.erased_at is None]
        # Out of the index first: from here on a new lead of the same email is a new person, never theirs.
        self._index.remove(company_id, person_id, [digest for lead in pending for digest in lead.person_keys])
        erased = 0

        def change(lead: Lead, _config: CompanyConfig, _turns: Turns) -> None:
            nonlocal erased
            erased += erase(lead, self._clock.now(), by)

        for lead in pending:
            self._changes.apply(company_id, lead.lead_id, change)
        logger.info("person erased", extra={"company_id": company_id, "person_id": person_id, "leads": erased})
        return erased
