"""A company (one brokerage, the tenant) and its routing settings."""

import hashlib
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfoNotFoundError

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo

from leadrouter.domain.model import AgentNumber, Model, WholeNumber, is_stored
from leadrouter.domain.time_zones import zone

EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$"
ORIGIN_PATTERN = r"^https?://[A-Za-z0-9.\-]+(:\d{1,5})?$"


def _check_time_zone(value: str) -> str:
    try:
        zone(value)
    except ZoneInfoNotFoundError as exc:
        raise ValueError(f"unknown IANA time zone {value!r}") from exc
    return value


TimeZoneName = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_check_time_zone)]
Seconds = Annotated[WholeNumber, Field(ge=1, le=30 * 24 * 3600)]
SenderEmail = Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]
# How returning leads are routed (ROUTING.md, "Returning leads").
ReturningLeads = Literal["owner", "offer_owner_first", "new"]
# Where an agent who becomes eligible again starts in the round-robin queue (domain/fair_share.py).
FairShareOnReturn = Literal["start_even", "keep_place"]


def _check_phone_region(value: str, info: ValidationInfo) -> str:
    if is_stored(info):  # checked when the settings were written
        return value
    import phonenumbers  # only a settings write pays for its import

    if value not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"unknown phone region {value!r} (an ISO 3166 two-letter code, e.g. US)")
    return value


PhoneRegion = Annotated[str, Field(pattern=r"^[A-Z]{2}$"), AfterValidator(_check_phone_region)]
OwnershipDays = Annotated[WholeNumber, Field(ge=1, le=3650)]
MissesInARow = Annotated[WholeNumber, Field(ge=1, le=1000)]
Origins = Annotated[list[Annotated[str, Field(pattern=ORIGIN_PATTERN, max_length=255)]], Field(max_length=50)]
EscalationEmails = Annotated[list[SenderEmail], Field(max_length=20)]


class CompanySettings(Model):
    """Every setting of the contract, with the defaults a new company gets."""

    model_config = ConfigDict(extra="forbid")

    time_zone: TimeZoneName = "UTC"
    skip_exclusive_listing_assignment: bool = False
    default_agent_id: AgentNumber | None = None
    default_broker_id: AgentNumber | None = None
    click_to_claim_enabled: bool = False
    advanced_distribution_enabled: bool = False
    auto_assign_enabled: bool = False
    acceptance_required: bool = False
    acceptance_timeout_seconds: Seconds = 3600
    agents_can_claim_unassigned: bool = False
    claim_link_ttl_seconds: Seconds = 24 * 3600
    sender_email: SenderEmail | None = None
    allowed_origins: Origins = Field(default_factory=list)
    # Escalation (service/escalation.py): null is off; who is emailed besides the office's managers.
    escalate_unclaimed_after_seconds: Seconds | None = None
    escalation_emails: EscalationEmails = Field(default_factory=list)
    returning_leads: ReturningLeads = "owner"
    owner_window_seconds: Seconds = 3600
    ownership_days: OwnershipDays | None = 180
    phone_region: PhoneRegion = "US"
    # Presence: an agent who lets this many offers in a row run out is set away (null: never).
    auto_away_after_misses: MissesInARow | None = None
    fair_share_on_return: FairShareOnReturn = "start_even"

    def fingerprint(self) -> str:
        """These values in 16 hex digits. A form names the fingerprint of the settings it showed, and its save
        is refused once they differ (service/configuration.py): someone else changed them meanwhile."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


class Company(Model):
    company_id: str
    name: str
    created_at: datetime
    settings: CompanySettings
    # Bumped by every configuration write; warm Lambdas compare it to decide whether their cache is stale.
    config_version: int = 0
