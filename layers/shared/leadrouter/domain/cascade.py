"""The assignment cascade (ROUTING.md): an ordered list of steps; the first step that applies decides.

Each step is a small strategy object. Routes (step 5) and click to claim (step 6) are two more
strategies; nothing here special-cases them. The cascade never does I/O: a round-robin turn is returned
as a request for the queue's next turn, which the service takes with a conditional write.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, Protocol

from leadrouter.domain.agents import Agent
from leadrouter.domain.caps import CapReached
from leadrouter.domain.config import CompanyConfig, away_skip
from leadrouter.domain.leads import Interest, Listing
from leadrouter.domain.people import EarlierLead
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.route_checks import NAMED_ROUTE_FAILURES, Trial, more_failed_sentence
from leadrouter.domain.routes import NextMember, RouteTurn, next_member


@dataclass(frozen=True)
class LeadFacts:
    """What the cascade looks at; the same for an intake and for a simulation."""

    source: str
    agent_code: str | None = None
    chosen_agent_id: int | None = None
    listing: Listing | None = None
    interest: Interest | None = None
    # The earlier lead of the same person whose agent may get this one (service/people_desk.py).
    returning: EarlierLead | None = None


@dataclass(frozen=True)
class AssignTo:
    agent_id: int
    detail: str


@dataclass(frozen=True)
class RoundRobinTurn:
    """The next turn of `queue`; an agent in `declined` (of this lead) passes their turn to the next one."""

    queue: tuple[int, ...]
    declined: frozenset[int] = frozenset()
    # The agents whose weight is not 1 (fair share), and where returners start (domain/fair_share.py).
    weights: Mapping[int, float] = field(default_factory=dict, compare=False)
    keep_place: bool = field(default=False, compare=False)

    @property
    def eligible(self) -> tuple[int, ...]:
        if not self.declined:  # an intake's turn: the queue itself, whose words the index keeps
            return self.queue
        return tuple(agent_id for agent_id in self.queue if agent_id not in self.declined)


def round_robin_turn(
    config: CompanyConfig, queue: tuple[int, ...], declined: frozenset[int] = frozenset()
) -> RoundRobinTurn:
    """A turn of `queue` with the company's weights and return rule (every turn of one queue must carry the
    same weights, or the counter would move between two rings)."""
    keep_place = config.settings.fair_share_on_return == "keep_place"
    return RoundRobinTurn(queue, declined, config.routing_index.weights, keep_place)


@dataclass(frozen=True)
class ToPool:
    detail: str


@dataclass(frozen=True)
class OfferTo:
    """A claim offer to these agents (ascending ids); the lead waits in the pool until one claims it."""

    recipients: tuple[int, ...]
    detail: str


@dataclass(frozen=True)
class RouteOffer:
    """Step 5: a route matched (`matched` says which and when); its chain starts with `next`: the members
    skipped, then a claim offer to one member, or the pool when none is available."""

    matched: str
    next: NextMember
    detail: str


@dataclass(frozen=True)
class OwnerFirst:
    """A returning lead's claim offer to the agent holding the person's earlier lead, for the company's
    `owner_window_seconds`; if they pass or let it run out, the cascade runs as for a new lead."""

    agent_id: int
    detail: str


Outcome = AssignTo | RoundRobinTurn | ToPool | OfferTo | RouteOffer | OwnerFirst


class StepReport(NamedTuple):
    """One line of the explanation: the step, whether it decided, and why in words. A named tuple, not a
    frozen dataclass: a decision can make one per route, hundreds, and a tuple is made in a third of the
    time (docs/DECISIONS.md)."""

    step: str
    applied: bool
    detail: str
    # Worth keeping in a real lead's history (an input was present but could not be used).
    noteworthy: bool = False
    # The agent a skip is about, if any (simulations list the skipped agents); not part of equality.
    agent_id: int | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StepReport):
            return NotImplemented
        return self[:4] == other[:4]

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self[:4])


@dataclass(frozen=True)
class Decision:
    step: str
    outcome: Outcome
    reports: tuple[StepReport, ...]

    def notes(self) -> list[StepReport]:
        return [report for report in self.reports if report.noteworthy and not report.applied]


@dataclass
class CascadeContext:
    facts: LeadFacts
    config: CompanyConfig
    at: datetime
    rng: RandomSource
    reports: list[StepReport] = field(default_factory=list)
    # How many leads each `round_robin` route started before this one (its counter, taken by the service).
    route_starts: Mapping[str, int] = field(default_factory=dict)
    # Agents the automatic steps pass over, with the cap each reached (the service learns of a cap from the
    # lead's refused write, or reads the counts of the capped recipients of an offer, and decides again).
    capped: Mapping[int, CapReached] = field(default_factory=dict)

    def skip(self, step: str, detail: str, noteworthy: bool = False, agent_id: int | None = None) -> None:
        self.reports.append(StepReport(step, False, detail, noteworthy, agent_id))


class Step(Protocol):
    name: str

    def apply(self, ctx: CascadeContext) -> Outcome | None: ...


def _describe(agent: Agent) -> str:
    return f"agent {agent.agent_id} ({agent.display_name()})"


def _named_agent(ctx: CascadeContext, step: str, agent_id: int | None, what: str) -> Agent | None:
    """The active agent an id names, else None with the reason recorded."""
    if agent_id is None:
        return None
    agent = ctx.config.agents.get(agent_id)
    if agent is None:
        ctx.skip(step, f"{what} {agent_id} skipped: no such agent", noteworthy=True, agent_id=agent_id)
        return None
    if not agent.active:
        ctx.skip(step, f"{what} {agent_id} skipped: {_describe(agent)} is inactive", True, agent_id)
        return None
    return agent


def _named_assignment(ctx: CascadeContext, step: str, agent: Agent, why: str) -> AssignTo:
    """A lead that names an agent goes to them as before, or, while they are out of office, to the backup of
    that period when one is set and available (ROUTING.md "Presence")."""
    backup, passed_over = ctx.config.backup_for(agent, ctx.at)
    period = agent.out_of_office_at(ctx.at)
    if backup is not None and period is not None:
        return AssignTo(
            backup.agent_id, f"Assigned to {_describe(backup)}, backup of {_describe(agent)} ({period.words()}): {why}"
        )
    if passed_over is not None:
        ctx.skip(
            step,
            f"{_describe(agent)} is out of office and their {passed_over}: the lead goes to them",
            True,
            agent.agent_id,
        )
    return AssignTo(agent.agent_id, f"Assigned to {_describe(agent)}: {why}")


class AgentCodeStep:
    name = "agent_code"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        code = ctx.facts.agent_code
        if code is None:
            ctx.skip(self.name, "no agent code")
            return None
        if not (code.isascii() and code.isdigit()) or int(code) == 0:
            ctx.skip(self.name, f"agent code {code!r} skipped: not an agent id", noteworthy=True)
            return None
        agent = _named_agent(ctx, self.name, int(code), "agent code")
        if agent is None:
            return None
        return _named_assignment(ctx, self.name, agent, f"the lead came with agent code {code}.")


class ChosenAgentStep:
    name = "chosen_agent"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        if ctx.facts.chosen_agent_id is None:
            ctx.skip(self.name, "no agent chosen in the dropdown")
            return None
        agent = _named_agent(ctx, self.name, ctx.facts.chosen_agent_id, "chosen agent")
        if agent is None:
            return None
        return _named_assignment(
            ctx, self.name, agent, "the lead chose this agent in the 'are you working with an agent' dropdown."
        )


class ReturningLeadStep:
    """Right after the lead's own choice of agent (ROUTING.md, "Returning leads"): the agent holding the
    same person's earlier lead gets it, or a first claim offer of it, unless the company turned matching
    off or that agent is not available now."""

    name = "returning_lead"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        earlier = ctx.facts.returning
        mode = ctx.config.settings.returning_leads
        if earlier is None or mode == "new":
            ctx.skip(self.name, "returning leads are routed as new ones" if mode == "new" else "not a returning lead")
            return None
        words = f"returning lead: {earlier.words(ctx.config.settings.time_zone)}"
        agent = ctx.config.agents.get(earlier.agent_id)
        reason = "no such agent" if agent is None else agent.unavailable_reason(ctx.at)
        if agent is None or reason is not None:
            who = f"agent {earlier.agent_id}" if agent is None else _describe(agent)
            ctx.skip(self.name, f"{words}, held by {who}, skipped: {reason}", True, earlier.agent_id)
            return None
        held = f"{words}, held by {_describe(agent)}"
        if mode == "offer_owner_first":
            seconds = ctx.config.settings.owner_window_seconds
            return OwnerFirst(agent.agent_id, f"{held}: offered to them first, with a {seconds}-second claim window.")
        return AssignTo(agent.agent_id, f"Assigned to {_describe(agent)}: {held}.")


class ExclusiveListingStep:
    name = "exclusive_listing"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        listing = ctx.facts.listing
        if listing is None or not listing.exclusive:
            ctx.skip(self.name, "not from an exclusive listing")
            return None
        if ctx.config.settings.skip_exclusive_listing_assignment:
            ctx.skip(self.name, "exclusive listing skipped: the company skips auto exclusive assignment", True)
            return None
        mls_id = listing.listing_agent_mls_id
        if not mls_id:
            ctx.skip(self.name, "exclusive listing skipped: the listing names no agent MLS id", True)
            return None
        agent = ctx.config.agent_with_mls_id(mls_id)
        if agent is None:
            ctx.skip(self.name, f"exclusive listing skipped: no active agent has MLS id {mls_id!r}", True)
            return None
        where = f" (MLS# {listing.mls_number})" if listing.mls_number else ""
        return AssignTo(
            agent.agent_id, f"Assigned to {_describe(agent)}: listing agent of the exclusive listing{where}."
        )


class DefaultAgentStep:
    name = "default_agent"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        settings = ctx.config.settings
        if settings.default_agent_id is None and settings.default_broker_id is None:
            ctx.skip(self.name, "no default agent or default broker set")
            return None
        agent = _named_agent(ctx, self.name, settings.default_agent_id, "default agent")
        if agent is not None:
            return _named_assignment(ctx, self.name, agent, "the company's default agent.")
        broker = _named_agent(ctx, self.name, settings.default_broker_id, "default broker")
        if broker is not None:
            return _named_assignment(ctx, self.name, broker, "the company's default broker.")
        return None


class RoutesStep:
    """Step 5 (seed 000): the first active route, by ascending priority, whose conditions all hold now in the
    company's time zone offers the lead to its first available member; the rest of the chain (pass, the
    window running out) follows in the offer desk."""

    name = "routes"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        index = ctx.config.routing_index
        if not index.active_routes:
            ctx.skip(self.name, "no active route" if index.routes_by_priority else "no routes set up")
            return None
        trial = Trial.of(ctx.at, ctx.config.settings.time_zone, ctx.facts.source)
        checks = index.active_routes
        # The first failures are named in the history, in priority order; past them only a route that holds
        # matters, and the others are counted (route_checks.NAMED_ROUTE_FAILURES).
        position = 0
        while position < len(checks) and position < NAMED_ROUTE_FAILURES:
            failure = checks[position].failure(trial)
            if failure is None:
                break
            ctx.reports.append(StepReport(self.name, False, failure, True))
            position += 1
        else:
            holding = index.first_route_holding(trial, position)
            unnamed = (len(checks) if holding is None else holding) - position
            if unnamed:
                ctx.skip(self.name, more_failed_sentence(unnamed, trial), True)
            if holding is None:
                ctx.skip(self.name, f"no active route matched at {trial.words}")
                return None
            position = holding
        check = checks[position]
        route, verdict = check.route, check.verdict(trial)
        start = RouteTurn.start(route, ctx.route_starts.get(route.route_id, 0))
        following = next_member(start, ctx.config.agents, (), ctx.at, after=-1, at_cap=ctx.capped)
        for skipped in following.skipped:
            ctx.skip(self.name, skipped.sentence, agent_id=skipped.agent_id)
        if following.turn is None:
            detail = following.pool_sentence(started=False)
        else:
            who = _describe(ctx.config.agents[following.turn.agent_id])
            seconds = route.claim_window_seconds
            detail = f"Offered to {who}, {following.turn.member_words()}, with a {seconds}-second claim window."
        return RouteOffer(verdict.sentence(), following, f"{verdict.sentence()} {detail}")


def _ids(agent_ids: Sequence[int]) -> str:
    return ", ".join(map(str, agent_ids))


def _matching(ctx: CascadeContext) -> int:
    return ctx.config.routing_index.matching(ctx.facts.source, ctx.facts.interest)


class ClickToClaimStep:
    """Step 6 (seed 004, item 6): claim emails to the click-to-claim agents whose criteria match (advanced
    distribution on), else to every click-to-claim agent; none available: the pool."""

    name = "click_to_claim"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        settings = ctx.config.settings
        if not settings.click_to_claim_enabled:
            ctx.skip(self.name, "click to claim is off")
            return None
        index = ctx.config.routing_index
        away = index.click_to_claim & index.unavailable(ctx.at)
        for agent in index.agents(away):
            ctx.skip(self.name, f"{_describe(agent)} skipped: {agent.unavailable_reason(ctx.at)}", True, agent.agent_id)
        capped = index.click_to_claim & ~away & index.mask_of(ctx.capped)
        for agent in index.agents(capped):
            ctx.skip(self.name, ctx.capped[agent.agent_id].words(), True, agent.agent_id)
        available = index.click_to_claim & ~away & ~capped
        if settings.advanced_distribution_enabled:
            matching = index.ids(available & _matching(ctx))
            if matching:
                return OfferTo(
                    tuple(matching),
                    f"Claim email sent to {len(matching)} click-to-claim agent(s) whose distribution criteria "
                    f"match the lead (agents {_ids(matching)}); the first to claim gets it.",
                )
            if available:
                ctx.skip(
                    self.name,
                    "no click-to-claim agent's criteria match the lead; emailing every click-to-claim agent",
                    noteworthy=True,
                )
        if available:
            everyone = index.ids(available)
            return OfferTo(
                tuple(everyone),
                f"Claim email sent to every click-to-claim agent ({len(everyone)}: agents {_ids(everyone)}); "
                "the first to claim gets it.",
            )
        return ToPool("Click to claim is on but no active click-to-claim agent is available: to the pool.")


class AdvancedDistributionStep:
    name = "advanced_distribution"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        settings = ctx.config.settings
        if not settings.advanced_distribution_enabled:
            ctx.skip(self.name, "advanced distribution is off")
            return None
        index = ctx.config.routing_index
        matches = _matching(ctx)
        away = matches & index.unavailable(ctx.at)
        for agent in index.agents(away):
            reason = agent.unavailable_reason(ctx.at)
            ctx.skip(self.name, f"{_describe(agent)} matches but is skipped: {reason}", True, agent.agent_id)
        capped = matches & ~away & index.mask_of(ctx.capped)
        for agent in index.agents(capped):
            ctx.skip(self.name, ctx.capped[agent.agent_id].words(), True, agent.agent_id)
        matching = index.ids(matches & ~away & ~capped)
        if matching:
            chosen = ctx.config.agents[ctx.rng.choice(matching)]
            return AssignTo(
                chosen.agent_id,
                f"Assigned to {_describe(chosen)}: picked at random among {len(matching)} agent(s) "
                "whose distribution criteria match the lead.",
            )
        if capped:
            found, none = "every agent whose criteria match is at a cap", "Every agent whose criteria match is at a cap"
        else:
            found, none = "found no agent whose criteria match", "No agent's distribution criteria match the lead"
        if settings.auto_assign_enabled:
            ctx.skip(self.name, f"advanced distribution {found}; trying round robin", True)
            return None
        return ToPool(f"{none} and auto assignment is off: to the pool.")


class RoundRobinStep:
    name = "round_robin"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        if not ctx.config.settings.auto_assign_enabled:
            ctx.skip(self.name, "auto assignment is off")
            return None
        queue, away = ctx.config.routing_index.round_robin_queue(ctx.at)
        for agent in away:
            ctx.skip(self.name, away_skip(agent, ctx.at), noteworthy=True, agent_id=agent.agent_id)
        if not queue:
            ctx.skip(self.name, "round robin skipped: no active agent is in the auto-assignment queue", True)
            return None
        return round_robin_turn(ctx.config, queue)


DEFAULT_STEPS: tuple[Step, ...] = (
    AgentCodeStep(),
    ChosenAgentStep(),
    ReturningLeadStep(),
    ExclusiveListingStep(),
    DefaultAgentStep(),
    RoutesStep(),
    ClickToClaimStep(),
    AdvancedDistributionStep(),
    RoundRobinStep(),
)

POOL_STEP = "pool"


def decide(
    facts: LeadFacts,
    config: CompanyConfig,
    at: datetime,
    rng: RandomSource,
    steps: Sequence[Step] = DEFAULT_STEPS,
    route_starts: Mapping[str, int] | None = None,
    capped: Mapping[int, CapReached] | None = None,
) -> Decision:
    """`route_starts`: leads each `round_robin` route started before (see `rotating_route`). `capped`: agents
    at a cap, with the cap reached, that advanced distribution, click to claim and routes pass over."""
    ctx = CascadeContext(
        facts=facts, config=config, at=at, rng=rng, route_starts=route_starts or {}, capped=capped or {}
    )
    for step in steps:
        outcome = step.apply(ctx)
        if outcome is not None:
            detail = outcome.detail if not isinstance(outcome, RoundRobinTurn) else "next turn of the queue"
            ctx.reports.append(StepReport(step.name, True, detail))
            return Decision(step.name, outcome, tuple(ctx.reports))
    detail = "No routing step applied: the lead waits in the pool for an admin or an agent to take it."
    ctx.reports.append(StepReport(POOL_STEP, True, detail))
    return Decision(POOL_STEP, ToPool(detail), tuple(ctx.reports))


def rotating_route(decision: Decision, config: CompanyConfig) -> str | None:
    """The route whose `round_robin` order the decision needs a count of (decide again with it), if any."""
    outcome = decision.outcome
    if not isinstance(outcome, RouteOffer):
        return None
    route = config.routes.get(outcome.next.route_id)
    return route.route_id if route is not None and route.order == "round_robin" else None


def round_robin_assignment(
    config: CompanyConfig, turn: RoundRobinTurn, agent_id: int, share: str | None = None
) -> AssignTo:
    """`share`: the fair-share words of the pick (None: the plain ascending-id rotation)."""
    agent = config.agents[agent_id]
    if share is not None:
        return AssignTo(
            agent_id,
            f"Assigned to {_describe(agent)}: round robin by fair share, {share} "
            f"(queue: agents {config.routing_index.listed(turn.eligible)}).",
        )
    return AssignTo(
        agent_id,
        f"Assigned to {_describe(agent)}: next in the round-robin queue "
        f"(ascending ids {config.routing_index.listed(turn.eligible)}).",
    )
