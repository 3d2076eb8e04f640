"""The routing decision the straightforward way, as it was before the routing index: every step a plain pass
over the configuration's agents and routes, every route evaluated from its model at the moment. It is the
oracle of the property tests: the indexed cascade must decide exactly as this does (same step, outcome and
reports, the same random draws) for any configuration, lead and moment. Kept deliberately naive: a faster
version here would prove nothing."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from leadrouter.domain.agents import Agent
from leadrouter.domain.cascade import (
    AgentCodeStep,
    AssignTo,
    CascadeContext,
    ChosenAgentStep,
    Decision,
    DefaultAgentStep,
    ExclusiveListingStep,
    LeadFacts,
    OfferTo,
    Outcome,
    ReturningLeadStep,
    RoundRobinTurn,
    RouteOffer,
    Step,
    ToPool,
    decide,
)
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.criteria import criteria_match
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.route_checks import NAMED_ROUTE_FAILURES
from leadrouter.domain.routes import (
    WEEKDAYS,
    Route,
    RouteTurn,
    by_priority,
    describe_moment,
    local_moment,
    next_member,
)


def _describe(agent: Agent) -> str:
    return f"agent {agent.agent_id} ({agent.display_name()})"


def _agents_by_id(config: CompanyConfig) -> list[Agent]:
    return [config.agents[agent_id] for agent_id in sorted(config.agents)]


def _weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()].capitalize()


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _names(values: Iterable[object]) -> str:
    return ", ".join(str(value) for value in values)


def _window_day(route: Route, local: datetime) -> tuple[bool, date]:
    """Whether the moment is inside the route's window (if any), and the day the window opened."""
    conditions = route.conditions
    day, now = local.date(), local.time()
    if conditions.start_time is None or conditions.end_time is None:
        return True, day
    start, end = _clock(conditions.start_time), _clock(conditions.end_time)
    if start < end:
        return start <= now < end, day
    if now >= start:
        return True, day
    if now < end:
        return True, day - timedelta(days=1)
    return False, day


def route_sentence(route: Route, source: str, at: datetime, time_zone: str) -> tuple[bool, str]:
    """Whether the route holds, and its sentence in the history."""
    local = local_moment(at, time_zone)
    conditions = route.conditions
    reasons: list[str] = []
    inside, day = _window_day(route, local)
    if not inside:
        reasons.append(f"{local:%H:%M} is outside its window {conditions.window()}")
    if conditions.days is not None and WEEKDAYS[day.weekday()] not in conditions.days:
        when = _weekday(day) if day == local.date() else f"the window opened on {_weekday(day)}"
        reasons.append(f"{when}, not one of its days ({_names(d.capitalize() for d in conditions.days)})")
    if conditions.dates is not None or conditions.date_ranges is not None:
        on_a_date = day in (conditions.dates or ()) or any(day in span for span in conditions.date_ranges or ())
        if not on_a_date:
            reasons.append(f"{day.isoformat()} is not one of its dates or date ranges")
    if conditions.sources is not None and source.strip().lower() not in conditions.sources:
        reasons.append(f"the lead's source '{source}' is not one of {_names(conditions.sources)}")
    moment = describe_moment(local, time_zone)
    if reasons:
        return False, f"Route '{route.name}' did not match at {moment}: {'; '.join(reasons)}."
    opened = ""
    if day != local.date():
        opened = f" (its {conditions.window()} window opened on {_weekday(day)})"
    return True, f"Route '{route.name}' matched: {moment}{opened}."


def round_robin_queue(config: CompanyConfig, at: datetime) -> tuple[list[int], list[tuple[int, str]]]:
    queue: list[int] = []
    skipped: list[tuple[int, str]] = []
    for agent in _agents_by_id(config):
        if not (agent.active and agent.in_auto_assign_queue):
            continue
        reason = agent.unavailable_reason(at)
        if reason is not None:
            skipped.append((agent.agent_id, f"agent {agent.agent_id} skipped: {reason}"))
            continue
        queue.append(agent.agent_id)
    return queue, skipped


class RoutesStep:
    name = "routes"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        routes = by_priority(ctx.config.routes.values())
        active = [route for route in routes if route.active]
        time_zone = ctx.config.settings.time_zone
        if not active:
            ctx.skip(self.name, "no active route" if routes else "no routes set up")
            return None
        moment = describe_moment(local_moment(ctx.at, time_zone), time_zone)
        failed = 0
        for route in active:
            matched, sentence = route_sentence(route, ctx.facts.source, ctx.at, time_zone)
            if not matched:
                failed += 1
                if failed <= NAMED_ROUTE_FAILURES:
                    ctx.skip(self.name, sentence, noteworthy=True)
                continue
            self._more(ctx, failed, moment)
            following = next_member(RouteTurn.start(route), ctx.config.agents, (), ctx.at, after=-1)
            for skipped in following.skipped:
                ctx.skip(self.name, skipped.sentence, agent_id=skipped.agent_id)
            if following.turn is None:
                detail = following.pool_sentence(started=False)
            else:
                who = _describe(ctx.config.agents[following.turn.agent_id])
                seconds = route.claim_window_seconds
                detail = f"Offered to {who}, {following.turn.member_words()}, with a {seconds}-second claim window."
            return RouteOffer(sentence, following, f"{sentence} {detail}")
        self._more(ctx, failed, moment)
        ctx.skip(self.name, f"no active route matched at {moment}")
        return None

    def _more(self, ctx: CascadeContext, failed: int, moment: str) -> None:
        unnamed = failed - NAMED_ROUTE_FAILURES
        if unnamed > 0:
            ctx.skip(self.name, f"{unnamed:,} more route{'s' if unnamed != 1 else ''} did not match at {moment}.", True)


def _ids(agents: Sequence[Agent]) -> str:
    return ", ".join(str(agent.agent_id) for agent in agents)


class ClickToClaimStep:
    name = "click_to_claim"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        settings = ctx.config.settings
        if not settings.click_to_claim_enabled:
            ctx.skip(self.name, "click to claim is off")
            return None
        available: list[Agent] = []
        for agent in _agents_by_id(ctx.config):
            if not agent.click_to_claim:
                continue
            reason = agent.unavailable_reason(ctx.at)
            if reason is None:
                available.append(agent)
            elif agent.active:
                ctx.skip(self.name, f"{_describe(agent)} skipped: {reason}", True, agent.agent_id)
        if settings.advanced_distribution_enabled:
            matching = [
                agent for agent in available if criteria_match(agent.criteria, ctx.facts.source, ctx.facts.interest)
            ]
            if matching:
                return OfferTo(
                    tuple(agent.agent_id for agent in matching),
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
            return OfferTo(
                tuple(agent.agent_id for agent in available),
                f"Claim email sent to every click-to-claim agent ({len(available)}: agents {_ids(available)}); "
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
        matching: list[int] = []
        for agent in _agents_by_id(ctx.config):
            if not criteria_match(agent.criteria, ctx.facts.source, ctx.facts.interest):
                continue
            reason = agent.unavailable_reason(ctx.at)
            if reason is None:
                matching.append(agent.agent_id)
            elif agent.active:
                ctx.skip(self.name, f"{_describe(agent)} matches but is skipped: {reason}", True, agent.agent_id)
        if matching:
            chosen = ctx.config.agents[ctx.rng.choice(matching)]
            return AssignTo(
                chosen.agent_id,
                f"Assigned to {_describe(chosen)}: picked at random among {len(matching)} agent(s) "
                "whose distribution criteria match the lead.",
            )
        if settings.auto_assign_enabled:
            ctx.skip(self.name, "advanced distribution found no agent whose criteria match; trying round robin", True)
            return None
        return ToPool("No agent's distribution criteria match the lead and auto assignment is off: to the pool.")


class RoundRobinStep:
    name = "round_robin"

    def apply(self, ctx: CascadeContext) -> Outcome | None:
        if not ctx.config.settings.auto_assign_enabled:
            ctx.skip(self.name, "auto assignment is off")
            return None
        queue, skipped = round_robin_queue(ctx.config, ctx.at)
        for agent_id, detail in skipped:
            ctx.skip(self.name, detail, noteworthy=True, agent_id=agent_id)
        if not queue:
            ctx.skip(self.name, "round robin skipped: no active agent is in the auto-assignment queue", True)
            return None
        return RoundRobinTurn(tuple(queue))


REFERENCE_STEPS: tuple[Step, ...] = (
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


def reference_decide(facts: LeadFacts, config: CompanyConfig, at: datetime, rng: RandomSource) -> Decision:
    """The cascade of ROUTING.md with the naive steps above. The first four steps name one agent each and
    are shared with production: they look up an agent by id, or by MLS id (that lookup is compared with a
    naive pass in its own property test)."""
    return decide(facts, config, at, rng, REFERENCE_STEPS)
