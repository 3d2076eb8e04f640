"""The interfaces the services depend on; the DynamoDB/EventBridge adapters implement them, and tests
can hand in fakes."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.caps import Period, PeriodKind, Tally
from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.credentials import Credential
from leadrouter.domain.fair_share import Adjustment, Standing
from leadrouter.domain.key_secrets import StoredKey
from leadrouter.domain.lead_events import EventEntry, EventSubject
from leadrouter.domain.lead_measures import Measure
from leadrouter.domain.leads import Lead
from leadrouter.domain.offers import OfferTicket
from leadrouter.domain.presence_changes import PresenceChange
from leadrouter.domain.queries import LeadQuery, Page
from leadrouter.domain.round_robin import QueuePosition
from leadrouter.domain.routes import ActivePriorities, Route


class ConfigReads(Protocol):
    """One configuration version, read item by item: what a write checks itself against (it needs a few
    items, never the whole company). Stored only if that version is still current: service/config_writes.py."""

    @property
    def company(self) -> Company: ...

    @property
    def version(self) -> int: ...

    def agent(self, agent_id: int) -> Agent | None: ...

    def missing_agents(self, agent_ids: Iterable[int]) -> list[int]: ...

    def highest_agent_id(self) -> int: ...

    def office(self, office_id: str) -> Office | None: ...

    def office_members(self, office_id: str) -> list[int]: ...

    def office_agent_count(self, office_id: str) -> int | None:
        """How many agents the office's item counts in it; None for no such office, or for one created before
        offices counted their agents (docs/DECISIONS.md, "An office counts its agents")."""
        ...

    def route(self, route_id: str) -> Route | None: ...

    def route_priorities(self) -> ActivePriorities:
        """The priorities the active routes hold (what a route write must not take)."""
        ...


class ConfigRepository(Protocol):
    def load(self, company_id: str) -> CompanyConfig: ...

    def company(self, company_id: str) -> Company:
        """The company and its settings alone, from its one item: for what needs its settings or its existence,
        not its agents (NotFound: no company)."""
        ...

    def reads(self, company_id: str) -> ConfigReads: ...

    def create_company(self, company: Company) -> None: ...

    # Every configuration write names the version it was checked against; StaleConfiguration when another
    # write came first (or the item it expects is gone or there): service/config_writes.py.

    def save_settings(self, company_id: str, settings: CompanySettings, expected_version: int) -> None: ...

    def put_agent(
        self,
        company_id: str,
        agent: Agent,
        must_exist: bool,
        expected_version: int,
        office_counts: Mapping[str, int] | None = None,
    ) -> None:
        """office_counts: what the write changes in counted offices' agent counts (+1 joined, -1 left)."""
        ...

    def put_office(
        self, company_id: str, office: Office, must_exist: bool, expected_version: int, agent_count: int | None = None
    ) -> None:
        """agent_count: the count the office's item carries (0 for a new office; None: it counts none)."""
        ...

    def delete_office(self, company_id: str, office_id: str, expected_version: int) -> None: ...

    # A route write stores the active routes' priorities as they are after it (domain/routes.priorities_with).

    def put_route(
        self, company_id: str, route: Route, must_exist: bool, expected_version: int, priorities: ActivePriorities
    ) -> None: ...

    def delete_route(
        self, company_id: str, route_id: str, expected_version: int, priorities: ActivePriorities
    ) -> None: ...


class LeadRepository(Protocol):
    def create_once(self, lead: Lead, tally: Tally | None = None, absent: str | None = None) -> Lead | None: ...

    def first_stored(self, company_id: str, lead_ids: list[str]) -> Lead | None: ...

    def get(self, company_id: str, lead_id: str) -> Lead: ...

    def save(self, lead: Lead, tally: Tally | None = None) -> None: ...

    def get_many(self, company_id: str, lead_ids: list[str]) -> dict[str, Lead]: ...

    def list(self, company_id: str, query: LeadQuery) -> Page[Lead]: ...


class RoundRobinCounter(Protocol):
    """The round-robin queue's counter; `take` and `reanchor` raise TurnTaken (with the counter as it is)
    when their condition fails."""

    def position(self, company_id: str) -> QueuePosition: ...

    def take(self, company_id: str, ring: str | None) -> QueuePosition: ...

    def reanchor(self, company_id: str, seen: QueuePosition, anchored: QueuePosition) -> QueuePosition: ...

    def save_ring(self, company_id: str, fingerprint: str, queue: Sequence[int]) -> None: ...

    def ring(self, company_id: str, fingerprint: str) -> tuple[int, ...] | None: ...

    def save_standing(self, company_id: str, standing: Standing) -> None: ...

    def standing(self, company_id: str, name: str) -> Standing | None: ...


class LeadCounters(Protocol):
    """Leads per agent per calendar period (adapters/dynamo_counters.py)."""

    def counts(self, company_id: str, period: Period) -> dict[int, int]: ...

    def counts_of(
        self, company_id: str, agent_ids: Sequence[int], periods: Sequence[Period]
    ) -> dict[int, dict[PeriodKind, int]]: ...


class RouteRotation(Protocol):
    """Leads each `round_robin` route started (adapters/dynamo_round_robin.py)."""

    def take(self, company_id: str, route_id: str) -> int: ...

    def started(self, company_id: str, route_id: str) -> int: ...


class QueueLog(Protocol):
    """The round-robin queue's adjustments (adapters/dynamo_queue_log.py)."""

    def record(self, company_id: str, adjustment: Adjustment, unique: str) -> None: ...

    def latest(self, company_id: str, limit: int) -> list[Adjustment]: ...


class KeyLookup(Protocol):
    def find(self, key_hash: str) -> StoredKey | None: ...

    def agent_active(self, company_id: str, agent_id: int) -> bool: ...


class CredentialRepository(Protocol):
    def put(self, credential: Credential) -> None: ...

    def list_for_company(self, company_id: str) -> list[Credential]: ...

    def delete(self, company_id: str, key_id: str) -> None: ...


class EventPublisher(Protocol):
    def publish(self, lead: EventSubject, entries: Sequence[EventEntry]) -> None: ...

    def publish_presence(self, change: PresenceChange) -> None: ...


class MissedOffers(Protocol):
    """Each agent's run of offers let run out (auto-away)."""

    def missed(self, company_id: str, agent_id: int, offer_id: str) -> int | None: ...

    def reset(self, company_id: str, agent_id: int) -> None: ...


class TicketRepository(Protocol):
    """Offer tickets: each recipient's one-time link (by token hash) and inbox entry (by agent)."""

    def put_many(self, tickets: list[OfferTicket]) -> None: ...

    def find(self, token_hash: str) -> OfferTicket | None: ...

    def inbox(self, company_id: str, agent_id: int, live_at: datetime) -> list[OfferTicket]:
        """Every ticket of the agent whose offer had not expired at `live_at` (at least those), newest first."""
        ...

    def in_inbox(self, company_id: str, agent_id: int, offer_id: str) -> OfferTicket | None: ...

    def mark_used(self, token_hash: str, at: datetime) -> None: ...


@dataclass(frozen=True)
class Email:
    to: str
    sender: str
    subject: str
    text: str
    html: str
    # Come back in SES's bounce and complaint events: which offer and agent the email was for (ids only).
    tags: Mapping[str, str] = field(default_factory=dict)


class SendFailed(Exception):
    """The email was not taken. `transient`: trying again later may work; `reason` is safe to record."""

    def __init__(self, reason: str, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


class Mailer(Protocol):
    def send(self, email: Email) -> str:
        """Send one email; answers the message id, raises SendFailed."""
        ...


@dataclass(frozen=True)
class TextMessage:
    to: str  # E.164
    text: str


class Texter(Protocol):
    """Text messages to phones; both raise SendFailed."""

    def opted_out(self, phone: str) -> bool:
        """Whether the number's owner asked for no more texts (answered STOP): such a number is not texted."""
        ...

    def send(self, message: TextMessage) -> str:
        """Send one text; answers the message id."""
        ...


class Timers(Protocol):
    """One-time timers that bring the offer's ids to the timeout function when the offer expires (within
    about a second after it, never before); cancelling is best effort: a timer may still arrive, harmlessly."""

    def start(self, company_id: str, lead_id: str, offer_id: str, expires_at: datetime) -> None: ...

    def cancel(self, offer_id: str) -> None: ...


class Meter(Protocol):
    """Where the service's measures go: CloudWatch metrics, flushed with the function's logs."""

    def record(self, measures: Sequence[Measure]) -> None: ...


class Renderer(Protocol):
    def render(self, name: str, **context: Any) -> str: ...
