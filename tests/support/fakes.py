"""Deterministic stand-ins for the domain's ports, and builders that make tests read like ROUTING.md."""

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from leadrouter.domain.agents import Agent, Criteria, LeadType, Office, RejectedLeadAgent
from leadrouter.domain.cascade import Decision, LeadFacts, decide
from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.fair_share import Standing
from leadrouter.domain.lead_measures import Measure
from leadrouter.domain.leads import Interest, Listing
from leadrouter.domain.round_robin import QueuePosition, TurnTaken
from leadrouter.domain.routes import ActivePriorities, Route, active_priorities
from leadrouter.service.ports import Email, SendFailed, TextMessage

# A Friday afternoon; nothing in the routing domain depends on the particular moment.
NOW = datetime(2025, 3, 14, 15, 9, 26, tzinfo=UTC)
COMPANY_ID = "co_test"


class FixedClock:
    """A clock that only moves when a test moves it."""

    def __init__(self, at: datetime = NOW) -> None:
        self._at = at

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at

    def advance(self, delta: timedelta) -> datetime:
        self._at += delta
        return self._at

    def sleep(self, seconds: float) -> None:
        self._at += timedelta(seconds=seconds)


class ScriptedRandom:
    """A RandomSource whose answers a test decides.

    `choice` takes the next index from `picks` (an index into the options it is given); once the script
    is used up it falls back to a `random.Random(seed)`. `token_bytes` hands out the scripted `tokens`
    first (each must have the requested length), then bytes from the same seeded generator. Every call is
    recorded, so tests can check what the domain asked for.
    """

    def __init__(self, picks: Iterable[int] = (), *, seed: int = 0, tokens: Iterable[bytes] = ()) -> None:
        self._picks = list(picks)
        self._tokens = list(tokens)
        self._rng = random.Random(seed)
        self.choices_offered: list[list[int]] = []
        self.token_sizes: list[int] = []

    def choice(self, options: list[int]) -> int:
        self.choices_offered.append(list(options))
        if not options:
            raise IndexError("choice from an empty list")
        if self._picks:
            return options[self._picks.pop(0)]
        return self._rng.choice(options)

    def token_bytes(self, n: int) -> bytes:
        self.token_sizes.append(n)
        if self._tokens:
            token = self._tokens.pop(0)
            if len(token) != n:
                raise AssertionError(f"scripted token has {len(token)} bytes, the domain asked for {n}")
            return token
        return self._rng.randbytes(n)


class NoRandom:
    """A RandomSource for cases that must not need chance: any call fails the test."""

    def choice(self, options: list[int]) -> int:
        raise AssertionError(f"the cascade asked for a random choice among {options}")

    def token_bytes(self, n: int) -> bytes:
        raise AssertionError(f"the domain asked for {n} random bytes")


# Builders --------------------------------------------------------------------------------------------------

NAMES = {1: "Ada", 2: "Bea", 3: "Cy", 4: "Dee", 5: "Eli", 6: "Fay", 7: "Gus", 8: "Hal", 9: "Ivy"}


def agent(
    agent_id: int,
    *,
    name: str | None = None,
    active: bool = True,
    in_queue: bool = False,
    click_to_claim: bool = False,
    lead_management: bool = False,
    mls_id: str | None = None,
    office_id: str | None = None,
    criteria: Criteria | None = None,
    away_until: datetime | None = None,
    rejected_lead_agent: RejectedLeadAgent = None,
) -> Agent:
    return Agent(
        agent_id=agent_id,
        name=name or NAMES.get(agent_id, f"Agent {agent_id}"),
        email=f"agent{agent_id}@brokerage.example",
        mls_id=mls_id,
        office_id=office_id,
        active=active,
        click_to_claim=click_to_claim,
        in_auto_assign_queue=in_queue,
        lead_management=lead_management,
        criteria=criteria or Criteria(),
        rejected_lead_agent=rejected_lead_agent,
        away_until=away_until,
    )


def company(*agents: Agent, **settings: object) -> CompanyConfig:
    """A company with these agents; keyword arguments are CompanySettings fields."""
    return CompanyConfig(
        company=Company(
            company_id=COMPANY_ID,
            name="Test Realty",
            created_at=NOW - timedelta(days=30),
            settings=CompanySettings.model_validate(settings),
        ),
        agents={member.agent_id: member for member in agents},
    )


def exclusive_listing(listing_agent_mls_id: str | None, mls_number: str | None = "MLS-4711") -> Listing:
    return Listing(mls_number=mls_number, listing_agent_mls_id=listing_agent_mls_id, exclusive=True)


def interest(
    *,
    type: LeadType | None = None,
    zip: str | None = None,
    city: str | None = None,
    price: int | None = None,
) -> Interest:
    return Interest(type=type, zip=zip, city=city, price=price)


def lead(
    *,
    source: str = "website",
    agent_code: str | None = None,
    chosen_agent_id: int | None = None,
    listing: Listing | None = None,
    interest: Interest | None = None,
) -> LeadFacts:
    return LeadFacts(
        source=source,
        agent_code=agent_code,
        chosen_agent_id=chosen_agent_id,
        listing=listing,
        interest=interest,
    )


def route(
    facts: LeadFacts,
    config: CompanyConfig,
    rng: ScriptedRandom | NoRandom | None = None,
    *,
    at: datetime = NOW,
) -> Decision:
    """Run the cascade (at NOW unless told); by default any call for chance fails the test."""
    return decide(facts, config, at, rng if rng is not None else NoRandom())


def details(decision: Decision) -> list[str]:
    return [report.detail for report in decision.reports]


def note_details(decision: Decision) -> list[str]:
    return [note.detail for note in decision.notes()]


class MemoryCounter:
    """The round-robin counter port in memory, with DynamoDB's conditions; `interleave` (if set) runs
    before every conditional write, to let a competitor move the counter at that exact moment."""

    def __init__(self) -> None:
        self.state = QueuePosition()
        self.rings: dict[str, tuple[int, ...]] = {}
        self.standings: dict[str, Standing] = {}
        self.interleave: Callable[[], None] | None = None

    def position(self, company_id: str) -> QueuePosition:
        return self.state

    def _compete(self) -> None:
        competitor, self.interleave = self.interleave, None
        if competitor is not None:
            competitor()

    def take(self, company_id: str, ring: str | None) -> QueuePosition:
        self._compete()
        if ring is not None and self.state.ring != ring:
            raise TurnTaken("moved", self.state)
        self.state = replace(self.state, turns=self.state.turns + 1)
        return self.state

    def reanchor(self, company_id: str, seen: QueuePosition, anchored: QueuePosition) -> QueuePosition:
        self._compete()
        if (self.state.turns, self.state.ring) != (seen.turns, seen.ring):
            raise TurnTaken("moved", self.state)
        self.state = replace(anchored, turns=self.state.turns + 1)
        return self.state

    def save_ring(self, company_id: str, fingerprint: str, queue: Sequence[int]) -> None:
        self.rings[fingerprint] = tuple(sorted(queue))

    def ring(self, company_id: str, fingerprint: str) -> tuple[int, ...] | None:
        return self.rings.get(fingerprint)

    def save_standing(self, company_id: str, standing: Standing) -> None:
        self.standings[standing.name] = standing

    def standing(self, company_id: str, name: str) -> Standing | None:
        return self.standings.get(name)


class MemoryMeter:
    """The meter port in memory: every measure recorded, in order."""

    def __init__(self) -> None:
        self.measures: list[Measure] = []

    def record(self, measures: Sequence[Measure]) -> None:
        self.measures.extend(measures)

    def total(self, name: str) -> float:
        return sum(measure.value for measure in self.measures if measure.name == name)


class MemoryConfigReads:
    """The ConfigReads port over a configuration held in memory (the adapter reads the same items one by one)."""

    def __init__(self, config: CompanyConfig) -> None:
        self._config = config

    @property
    def company(self) -> Company:
        return self._config.company

    @property
    def version(self) -> int:
        return self._config.version

    def agent(self, agent_id: int) -> Agent | None:
        return self._config.agents.get(agent_id)

    def missing_agents(self, agent_ids: Iterable[int]) -> list[int]:
        return [agent_id for agent_id in dict.fromkeys(agent_ids) if agent_id not in self._config.agents]

    def highest_agent_id(self) -> int:
        return max(self._config.agents, default=0)

    def office(self, office_id: str) -> Office | None:
        return self._config.offices.get(office_id)

    def office_members(self, office_id: str) -> list[int]:
        return sorted(agent.agent_id for agent in self._config.agents.values() if agent.office_id == office_id)

    def office_agent_count(self, office_id: str) -> int | None:
        return len(self.office_members(office_id)) if office_id in self._config.offices else None

    def route(self, route_id: str) -> Route | None:
        return self._config.routes.get(route_id)

    def route_priorities(self) -> ActivePriorities:
        return active_priorities(self._config.routes.values())


class ScriptedMailer:
    """A mailer that fails as scripted, then keeps what it sends."""

    def __init__(self, *failures: SendFailed) -> None:
        self.failures = list(failures)
        self.sent: list[Email] = []

    def send(self, email: Email) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(email)
        return "id"


class ScriptedSns:
    """SNS texts that fail as scripted, with an opt-out list, then kept."""

    def __init__(self, *failures: SendFailed, opted_out: frozenset[str] = frozenset()) -> None:
        self.failures = list(failures)
        self.opted = opted_out
        self.sent: list[TextMessage] = []

    def opted_out(self, phone: str) -> bool:
        return phone in self.opted

    def send(self, message: TextMessage) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(message)
        return "id"
