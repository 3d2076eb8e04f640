"""Who is next in round robin, and why (`GET /v1/routing/queue`), and an admin's adjustment of an agent's
credits (`POST /v1/routing/queue/adjust`), recorded with who, when and why.

Guarantees: the queue is read without taking a turn; `next_agent_id` is who the next round-robin lead goes
to (the same sequence an intake follows, passing over agents at a cap, as an intake does); an adjustment is
one re-anchor of the counter (domain/fair_share.py), exact under concurrent intakes, and its record is
written after it. The read costs the configuration, the counter (and its standing once per container),
and one query per period for the counts, whatever the number of agents."""

from dataclasses import dataclass
from datetime import datetime

from leadrouter.domain import caps
from leadrouter.domain.agents import Agent
from leadrouter.domain.cascade import round_robin_turn
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import Conflict, InvalidInput, NotFound
from leadrouter.domain.fair_share import Adjustment, PickSequence
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.service.ports import ConfigRepository, LeadCounters, QueueLog
from leadrouter.service.round_robin_turns import RoundRobinTurns

# Adjustments the queue's answer lists, newest first.
ADJUSTMENTS_SHOWN = 20


@dataclass(frozen=True)
class QueueEntry:
    agent_id: int
    weight: float
    credits: float
    eligible: bool
    reason: str | None
    leads_today: int
    leads_this_week: int
    leads_this_month: int


@dataclass(frozen=True)
class QueueView:
    next_agent_id: int | None
    agents: list[QueueEntry]
    adjustments: list[Adjustment]

    def entry(self, agent_id: int) -> QueueEntry:
        return next(entry for entry in self.agents if entry.agent_id == agent_id)


def _pick_order(following: PickSequence, eligible: list[int], passed: set[int]) -> tuple[int | None, list[int]]:
    """The next agent not passed over, and the eligible agents in the order of their next turns (the ones
    that turn up in no early turn follow in ascending ids: a weight a hundred times smaller than another's
    waits that many turns)."""
    order: list[int] = []
    seen: set[int] = set()
    wanted = set(eligible) - passed
    for turn in range(1, 4 * len(eligible) + 1):
        agent_id = following.agent_of(turn)
        if agent_id not in seen:
            seen.add(agent_id)
            order.append(agent_id)
        if wanted <= seen:
            break
    order += [agent_id for agent_id in eligible if agent_id not in seen]
    available = [agent_id for agent_id in order if agent_id not in passed]
    return (available[0] if available else None), available + [a for a in order if a in passed]


class QueueDesk:
    def __init__(
        self,
        config: ConfigRepository,
        turns: RoundRobinTurns,
        counters: LeadCounters,
        log: QueueLog,
        clock: Clock,
        rng: RandomSource,
    ) -> None:
        self._config = config
        self._turns = turns
        self._counters = counters
        self._log = log
        self._clock = clock
        self._rng = rng

    def queue(self, company_id: str) -> QueueView:
        config = self._config.load(company_id)
        return self._view(company_id, config, self._clock.now())

    def adjust(self, company_id: str, by: str, agent_id: int, credits_delta: float, reason: str) -> QueueEntry:
        config = self._config.load(company_id)
        agent = config.agents.get(agent_id)
        if agent is None:
            raise NotFound(f"No agent {agent_id}.")
        if not (agent.active and agent.in_auto_assign_queue):
            raise InvalidInput(f"Agent {agent_id} is not in the round-robin queue.")
        now = self._clock.now()
        eligible, _ = config.routing_index.round_robin_queue(now)
        if not eligible:
            raise Conflict("No agent of the round-robin queue is available now: there is no turn to adjust.")
        self._turns.adjust(company_id, round_robin_turn(config, eligible), agent_id, credits_delta)
        adjustment = Adjustment(agent_id, credits_delta, reason, by, now)
        self._log.record(company_id, adjustment, self._rng.token_bytes(4).hex())
        return self._view(company_id, config, now).entry(agent_id)

    def _view(self, company_id: str, config: CompanyConfig, at: datetime) -> QueueView:
        index = config.routing_index
        eligible, away = index.round_robin_queue(at)
        periods = caps.periods(at, config.settings.time_zone)
        counts = {period.kind: self._counters.counts(company_id, period) for period in periods}
        members = [*index.agents(index.queue)]

        def counted(agent: Agent) -> dict[caps.PeriodKind, int]:
            return {kind: by_agent.get(agent.agent_id, 0) for kind, by_agent in counts.items()}

        capped = {agent.agent_id: reason for agent in members if (reason := caps.reached(agent, counted(agent)))}
        credits: dict[int, float] = {}
        next_agent_id: int | None = None
        order: list[int] = []
        if eligible:
            preview = self._turns.preview(company_id, round_robin_turn(config, eligible))
            credits = preview.credits
            next_agent_id, order = _pick_order(preview.following, list(eligible), set(capped))
        unavailable = {agent.agent_id: agent.unavailable_reason(at) for agent in away}
        order += sorted(agent.agent_id for agent in members if agent.agent_id not in set(eligible))
        entries = []
        for agent_id in order:
            agent = config.agents[agent_id]
            reason = unavailable.get(agent_id) or capped.get(agent_id)
            done = counted(agent)
            entries.append(
                QueueEntry(
                    agent_id=agent_id,
                    weight=agent.weight,
                    credits=round(credits.get(agent_id, 0.0), 6),
                    eligible=reason is None,
                    reason=reason,
                    leads_today=done.get("day", 0),
                    leads_this_week=done.get("week", 0),
                    leads_this_month=done.get("month", 0),
                )
            )
        return QueueView(next_agent_id, entries, self._log.latest(company_id, ADJUSTMENTS_SHOWN))
