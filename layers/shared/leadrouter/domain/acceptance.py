"""Acceptance (ROUTING.md, seed 004 item 9): where a lead goes when its agent rejects it or lets the
acceptance time run out. Pure: a round-robin turn is returned as a request, taken by the service with the
same conditional cursor write as intake."""

from collections.abc import Mapping
from datetime import datetime

from leadrouter.domain.caps import CapReached
from leadrouter.domain.cascade import AssignTo, Outcome, ToPool, round_robin_turn
from leadrouter.domain.config import CompanyConfig

STEP = "acceptance"


def _upper(text: str) -> str:
    return text[:1].upper() + text[1:]


def after_decline(
    config: CompanyConfig,
    agent_id: int,
    declined: list[int],
    at: datetime,
    capped: Mapping[int, CapReached] | None = None,
) -> Outcome:
    """The declining agent's `rejected_lead_agent`: an agent, `round_robin` (the next agent of the step-8
    queue), or none (the pool). Nobody in `declined` is offered the lead again; the chain always ends, since
    every hop adds one agent to `declined`. The chain is an automatic step: an agent in `capped` (their
    count refused the write) is passed over like an unavailable one (round robin's turns are passed over by
    the service that takes them)."""
    agent = config.agents.get(agent_id)
    target = agent.rejected_lead_agent if agent is not None else None
    who = f"agent {agent_id}" + (f" ({agent.display_name()})" if agent is not None else "")
    if target is None:
        return ToPool(f"{_upper(who)} has no rejected-lead agent: the lead goes to the pool.")
    if target == "round_robin":
        queue, _ = config.round_robin_queue(at)
        remaining = tuple(member for member in queue if member not in declined)
        if not remaining:
            return ToPool(
                f"{_upper(who)} passes rejected leads to round robin, but no agent in the queue is left "
                "who has not declined this lead: the lead goes to the pool."
            )
        return round_robin_turn(config, tuple(queue), frozenset(declined) & frozenset(queue))
    return _named(config, target, who, declined, at, capped or {})


def _named(
    config: CompanyConfig, target: int, who: str, declined: list[int], at: datetime, capped: Mapping[int, CapReached]
) -> Outcome:
    chosen = config.agents.get(target)
    if chosen is None:
        return ToPool(f"{_upper(who)}'s rejected-lead agent {target} no longer exists: the lead goes to the pool.")
    if target in declined:
        return ToPool(
            f"{_upper(who)}'s rejected-lead agent {target} ({chosen.display_name()}) already declined "
            "this lead: the lead goes to the pool."
        )
    backup, _ = config.backup_for(chosen, at)
    period = chosen.out_of_office_at(at)
    if backup is not None and period is not None and backup.agent_id not in declined and backup.agent_id not in capped:
        return AssignTo(
            backup.agent_id,
            f"Assigned to agent {backup.agent_id} ({backup.display_name()}), backup of agent {target} "
            f"({chosen.display_name()}, {period.words()}): the rejected-lead agent of {who}.",
        )
    reason = capped[target].reason() if target in capped else chosen.unavailable_reason(at)
    if reason is not None:
        return ToPool(
            f"{_upper(who)}'s rejected-lead agent {target} ({chosen.display_name()}) is {reason}: "
            "the lead goes to the pool."
        )
    return AssignTo(
        target,
        f"Assigned to agent {target} ({chosen.display_name()}): the rejected-lead agent of {who}.",
    )
