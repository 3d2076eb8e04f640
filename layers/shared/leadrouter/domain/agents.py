"""Agents, offices and the distribution criteria that advanced distribution matches leads against."""

import hashlib
import re
from datetime import UTC, datetime
from typing import Annotated, ClassVar, Literal

from pydantic import ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from leadrouter.domain.company import EMAIL_PATTERN
from leadrouter.domain.model import AgentNumber, Model, Moment, WholeNumber, is_stored
from leadrouter.domain.phones import DEFAULT_PHONE_REGION, e164
from leadrouter.domain.presence import OutOfOffice, Schedule, WorkingHours
from leadrouter.domain.time_zones import zone

OfficeId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


def office_id_for(name: str) -> str:
    """The id an office gets from its name when none is given: its ASCII letters and digits, dashed. A name
    with none of those ("東京", "¨") gets one from its digest instead of a 422 about a field not sent; the
    same name gives the same id, so adding it twice is a 409 as for any other name."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:63].strip("-")
    return slug or "office-" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]


Text = Annotated[str, Field(min_length=1, max_length=200)]
LeadType = Literal["buy", "sell", "rent"]


class Criteria(Model):
    """Optional lists and ranges; a criterion that is set only matches a lead that carries that value."""

    model_config = ConfigDict(extra="forbid")

    zips: list[Annotated[str, Field(min_length=1, max_length=10)]] | None = None
    cities: list[Text] | None = None
    types: list[LeadType] | None = None
    price_min: Annotated[WholeNumber, Field(ge=0)] | None = None
    price_max: Annotated[WholeNumber, Field(ge=0)] | None = None
    sources: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = None

    @field_validator("zips", "cities", "types", "sources", mode="before")
    @classmethod
    def _empty_list_is_unset(cls, value: object) -> object:
        # An empty list would match no lead at all; a brokerage clearing a criterion means "any".
        return None if value == [] else value

    @model_validator(mode="after")
    def _range_in_order(self) -> "Criteria":
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise ValueError("price_min must not exceed price_max")
        return self

    def is_empty(self) -> bool:
        return all(value is None for value in self.model_dump().values())


RejectedLeadAgent = AgentNumber | Literal["round_robin"] | None


class Agent(Model):
    model_config = ConfigDict(extra="forbid")

    agent_id: AgentNumber
    name: Text
    email: Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=254)]
    phone: Annotated[str, Field(max_length=40)] | None = None
    mls_id: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    office_id: OfficeId | None = None
    active: bool = True
    click_to_claim: bool = False
    in_auto_assign_queue: bool = False
    lead_management: bool = False
    criteria: Criteria = Field(default_factory=Criteria)
    rejected_lead_agent: RejectedLeadAgent = None
    # An agent on vacation: skipped by routes, click to claim, advanced distribution and round robin until
    # this moment (steps that name one agent on purpose, like an agent code, still reach them).
    away_until: Moment | None = None
    # Fair share (ROUTING.md "Fair share and caps"): round robin gives each turn to the lowest credits/weight;
    # a cap counts every lead assigned in the period but only turns the automatic steps away.
    weight: Annotated[float, Field(ge=0.1, le=10)] = 1.0
    max_leads_per_day: Annotated[WholeNumber, Field(ge=0)] | None = None
    max_leads_per_week: Annotated[WholeNumber, Field(ge=0)] | None = None
    max_leads_per_month: Annotated[WholeNumber, Field(ge=0)] | None = None
    # Set by the service when an email to this address hard-bounced (service/email_bounces.py): no more
    # emails go to it until an admin changes the address. Admins read it; they clear it by fixing the email.
    email_bouncing: bool = Field(
        default=False,
        description="An email to this address hard-bounced: none is sent to it until an admin changes the email "
        "(which clears this). Set by the service only: sent back as read, it is kept; any other value is 422.",
        json_schema_extra={"readOnly": True},
    )
    # Offers also by text message, to `phone` (service/offer_texts.py).
    sms_enabled: bool = False

    # Presence (ROUTING.md "Presence", domain/presence.py): set by the agent (PUT /v1/me/status), an admin,
    # or the service (auto-away after missed offers, with its reason).
    status: Literal["available", "away", "offline"] = "available"
    status_reason: str | None = None
    working_hours: WorkingHours | None = None
    out_of_office: list[OutOfOffice] = Field(default_factory=list, max_length=50)
    # The company's time zone, for hours and dates given without one: stamped by the configuration the agent
    # belongs to (domain/config.py), so that `unavailable_reason(at)` stays the one question.
    _company_zone: str = PrivateAttr(default="UTC")
    # Built at the first question (a decision can ask about thousands of agents); dropped with the zone.
    _schedule: Schedule | None = PrivateAttr(default=None)

    # Whether building the model checks the texting phone: a request's body leaves it to the service, which
    # knows the company's phone region (service/configuration.py passes it as the validation context).
    checks_texting_phone: ClassVar[bool] = True

    @model_validator(mode="after")
    def _texts_reach_the_phone(self, info: ValidationInfo) -> "Agent":
        # With texts on, the phone must be a number a text can reach, and is kept as +<country><number>, the
        # one form SNS takes; with texts off it is kept as typed (only people read it). A number without its
        # country code is read in the company's `phone_region` when the context names it.
        if not self.sms_enabled or not self.checks_texting_phone or is_stored(info):
            return self  # a stored agent's phone was checked, and kept as +<country><number>, when written
        region = (info.context or {}).get("phone_region", DEFAULT_PHONE_REGION)
        number = e164(self.phone, region) if self.phone is not None else None
        if number is None:
            raise ValueError(
                f"sms_enabled needs a phone that is a valid number of the company's phone region ({region}), "
                "or one written with + and its country code"
            )
        self.phone = number
        return self

    @field_validator("away_until")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        return value.astimezone(UTC) if value is not None else None

    @field_validator("status_reason")
    @classmethod
    def _short_reason(cls, value: str | None) -> str | None:
        if value is not None and not 1 <= len(value) <= 200:
            raise ValueError("a status reason has 1 to 200 characters (null for none)")
        return value

    def is_away(self, at: datetime) -> bool:
        return self.away_until is not None and at < self.away_until

    def in_company_zone(self, time_zone: str) -> None:
        if time_zone != self._company_zone:
            self._company_zone, self._schedule = time_zone, None

    def schedule(self) -> Schedule | None:
        """The agent's hours and out-of-office periods in their zone; None when they have neither."""
        if self.working_hours is None and not self.out_of_office:
            return None
        # Read from pydantic's own dict of private attributes: `self._schedule` goes through the model's
        # __getattr__ (1.5 µs), and round robin asks this of every agent it names as away.
        private = self.__pydantic_private__
        schedule = private.get("_schedule") if private is not None else None
        if schedule is None:
            own = self.working_hours.time_zone if self.working_hours is not None else None
            schedule = Schedule(zone(own or self._company_zone), self.working_hours, tuple(self.out_of_office))
            self._schedule = schedule
        return schedule

    def status_words(self) -> str | None:
        """`away (at a showing)`: the status the agent (or an admin) set, when it is not `available`."""
        if self.status == "available":
            return None
        return f"{self.status} ({self.status_reason})" if self.status_reason else self.status

    def unavailable_reason(self, at: datetime) -> str | None:
        """Why automatic routing must skip this agent now, in words; None when available. The one question
        every step asks (routes, click to claim, advanced distribution, round robin, acceptance)."""
        if not self.active:
            return "inactive"
        status = self.status_words()
        if status is not None:
            return status
        if self.is_away(at):
            assert self.away_until is not None
            return f"away until {self.away_until.isoformat()}"
        schedule = self.schedule()
        return schedule.reason(at) if schedule is not None else None

    def out_of_office_at(self, at: datetime) -> OutOfOffice | None:
        schedule = self.schedule()
        return schedule.period(at) if schedule is not None else None

    def display_name(self) -> str:
        return self.name

    def keeping_bounce_mark(self, previous: "Agent | None") -> "Agent":
        """This agent as written over `previous`: the bounce mark stays while the address is the same one."""
        bouncing = previous is not None and previous.email_bouncing and previous.email.lower() == self.email.lower()
        return self.model_copy(update={"email_bouncing": bouncing})


class Office(Model):
    model_config = ConfigDict(extra="forbid")

    office_id: OfficeId
    name: Text
