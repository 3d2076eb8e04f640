"""`POST /v1/routing/simulate`: what the whole cascade would do with a lead at a moment, and why, step by
step, in the same sentences a real lead's history gets. Pure: the service hands in the configuration, the
round-robin queue's position (read, never written) and the moment."""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from leadrouter.domain.caps import CapReached
from leadrouter.domain.cascade import (
    DEFAULT_STEPS,
    POOL_STEP,
    AssignTo,
    Decision,
    LeadFacts,
    OfferTo,
    OwnerFirst,
    RoundRobinTurn,
    RouteOffer,
    StepReport,
    ToPool,
    round_robin_assignment,
)
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.model import Model
from leadrouter.domain.route_checks import Trial
from leadrouter.domain.routes import WEEKDAYS, local_moment
from leadrouter.domain.skips import bounded_reports

OutcomeKind = Literal["assign", "random_pick", "round_robin", "route_offer", "claim_emails", "owner_offer", "pool"]


class PreviewRandom:
    """Stands in for chance in a simulation: remembers the options a random pick was among."""

    def __init__(self) -> None:
        self.options: list[int] = []

    def choice(self, options: list[int]) -> int:
        self.options = list(options)
        return options[0]

    def token_bytes(self, n: int) -> bytes:
        return bytes(n)


class SimulatedStep(Model):
    step: str
    reached: bool
    applied: bool
    details: list[str]


class SimulatedRoute(Model):
    route_id: str
    name: str
    priority: int
    active: bool
    tried: bool  # the cascade got to this route
    matched: bool  # its conditions hold at that moment for this lead (inactive routes: false)
    detail: str


class SimulatedMember(Model):
    position: int  # 1 for the first member
    agent_id: int
    available: bool
    detail: str


class SkippedAgent(Model):
    step: str
    agent_id: int
    detail: str


class Simulation(Model):
    at: datetime
    local_time: str
    step: str  # the step that decides
    outcome: OutcomeKind
    agent_id: int | None  # who would get the lead, be asked to accept it, or be offered it first
    eligible_agent_ids: list[int]  # everyone the deciding step could give the lead to, in its order
    acceptance_required: bool  # an assignment would first be an acceptance offer
    detail: str
    steps: list[SimulatedStep]
    routes: list[SimulatedRoute]
    route_members: list[SimulatedMember]  # the matched route's members, in order
    skipped_agents: list[SkippedAgent]  # per step, the first NAMED_SKIPS agents skipped (domain/skips.py)
    # The agents skipped beyond those: each step's details count them by reason, as a real lead's history does.
    more_skipped_agents: int = 0


def explain(
    decision: Decision,
    facts: LeadFacts,
    config: CompanyConfig,
    at: datetime,
    next_turn: int | None,
    random_options: list[int],
    share: str | None = None,
    capped: Mapping[int, CapReached] | None = None,
) -> Simulation:
    """`share`: the fair-share words of the next turn (None: the plain rotation), as a real lead's history.
    `capped`: the agents at a cap now (a route's later members are said to be skipped for it)."""
    time_zone = config.settings.time_zone
    local = local_moment(at, time_zone)
    # The steps' skips bounded as a real lead's history bounds them, in the same words.
    reports = bounded_reports(decision.reports)
    named = _named(reports)
    outcome = decision.outcome
    acceptance = config.settings.acceptance_required
    agent_id: int | None = None
    eligible: list[int] = []
    members: list[SimulatedMember] = []
    detail = decision.reports[-1].detail
    kind: OutcomeKind
    if isinstance(outcome, AssignTo) and decision.step == "advanced_distribution":
        kind, eligible = "random_pick", list(random_options)
        detail = (
            f"Assigned at random to one of agents {', '.join(map(str, eligible))}: their distribution criteria "
            "match the lead."
        )
    elif isinstance(outcome, AssignTo):
        kind, agent_id, eligible = "assign", outcome.agent_id, [outcome.agent_id]
    elif isinstance(outcome, RoundRobinTurn):
        agent_id = next_turn if next_turn is not None else min(outcome.queue)
        kind, eligible = "round_robin", list(outcome.queue)
        detail = round_robin_assignment(config, outcome, agent_id, share).detail
    elif isinstance(outcome, OfferTo):
        kind, eligible = "claim_emails", list(outcome.recipients)
    elif isinstance(outcome, OwnerFirst):
        kind, agent_id, eligible = "owner_offer", outcome.agent_id, [outcome.agent_id]
    elif isinstance(outcome, RouteOffer):
        kind = "route_offer"
        members = _members(outcome, config, at, capped or {})
        eligible = [member.agent_id for member in members if member.available]
        agent_id = outcome.next.turn.agent_id if outcome.next.turn is not None else None
    else:
        assert isinstance(outcome, ToPool)
        kind = "pool"
    if acceptance and kind in ("assign", "random_pick", "round_robin"):
        detail += (
            f" With acceptance required, the agent would first be asked to accept within "
            f"{config.settings.acceptance_timeout_seconds} seconds."
        )
    return Simulation(
        at=at,
        local_time=f"{WEEKDAYS[local.weekday()].capitalize()} {local:%Y-%m-%d %H:%M} {time_zone}",
        step=decision.step,
        outcome=kind,
        agent_id=agent_id,
        eligible_agent_ids=eligible,
        acceptance_required=acceptance and kind in ("assign", "random_pick", "round_robin"),
        detail=detail,
        steps=_steps(decision, reports),
        routes=_routes(decision, facts, config, at),
        route_members=members,
        skipped_agents=named,
        more_skipped_agents=len(_skips(decision.reports)) - len(named),
    )


def _skips(reports: Sequence[StepReport]) -> list[StepReport]:
    return [report for report in reports if report.agent_id is not None and not report.applied]


def _named(reports: Sequence[StepReport]) -> list[SkippedAgent]:
    return [
        SkippedAgent(step=report.step, agent_id=report.agent_id, detail=report.detail)
        for report in _skips(reports)
        if report.agent_id is not None
    ]


def _steps(decision: Decision, reports: Sequence[StepReport]) -> list[SimulatedStep]:
    names = [step.name for step in DEFAULT_STEPS] + [POOL_STEP]
    steps: list[SimulatedStep] = []
    for name in names:
        details = [report.detail for report in reports if report.step == name]
        applied = any(report.applied for report in reports if report.step == name)
        if details:
            steps.append(SimulatedStep(step=name, reached=True, applied=applied, details=details))
        else:
            why = f"not reached: step {decision.step} decided first"
            steps.append(SimulatedStep(step=name, reached=False, applied=False, details=[why]))
    return steps


def _routes(decision: Decision, facts: LeadFacts, config: CompanyConfig, at: datetime) -> list[SimulatedRoute]:
    reached = any(report.step == "routes" for report in decision.reports)
    matched_id = decision.outcome.next.route_id if isinstance(decision.outcome, RouteOffer) else None
    found = False
    answer: list[SimulatedRoute] = []
    trial = Trial.of(at, config.settings.time_zone, facts.source)
    checks = {check.route.route_id: check for check in config.routing_index.active_routes}
    for route in config.routing_index.routes_by_priority:
        if not route.active:
            answer.append(
                SimulatedRoute(
                    route_id=route.route_id,
                    name=route.name,
                    priority=route.priority,
                    active=False,
                    tried=False,
                    matched=False,
                    detail=f"Route '{route.name}' is inactive.",
                )
            )
            continue
        verdict = checks[route.route_id].verdict(trial)
        tried = reached and not found
        detail = verdict.sentence()
        if not tried:
            detail += " (not tried: " + ("an earlier route matched)" if found else "an earlier step decided)")
        answer.append(
            SimulatedRoute(
                route_id=route.route_id,
                name=route.name,
                priority=route.priority,
                active=True,
                tried=tried,
                matched=verdict.matched,
                detail=detail,
            )
        )
        found = found or route.route_id == matched_id
    return answer


def _members(
    outcome: RouteOffer, config: CompanyConfig, at: datetime, capped: Mapping[int, CapReached]
) -> list[SimulatedMember]:
    offered = outcome.next.turn.position if outcome.next.turn is not None else None
    skipped = {skip.position: skip.sentence for skip in outcome.next.skipped}
    route = config.routes.get(outcome.next.route_id)
    if route is None:
        return []
    answer: list[SimulatedMember] = []
    for position, agent_id in enumerate(route.members):
        agent = config.agents.get(agent_id)
        if agent is None:
            reason: str | None = "no longer an agent of the company"
        else:
            reason = capped[agent_id].reason() if agent_id in capped else agent.unavailable_reason(at)
        if position in skipped:
            detail = skipped[position]
        elif position == offered:
            detail = "offered first"
        elif reason is not None:
            detail = f"would be skipped if the lead reached this member: {reason}"
        else:
            detail = "next in line if the members before pass or let the window run out"
        answer.append(
            SimulatedMember(position=position + 1, agent_id=agent_id, available=reason is None, detail=detail)
        )
    return answer
