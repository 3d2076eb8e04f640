"""Round robin by ascending agent id: the next id after the last one this queue assigned, wrapping.

Turns are handed out by a counter (one atomic increment per turn, so concurrent intakes never wait on each
other and never get the same turn). Turn numbers map to agents over a *ring*: the sorted queue as it was
when the counter last re-anchored, starting after the agent who got the anchor turn. While the queue stays
the same, turn n+1 goes to the id after turn n's. When the queue changes (an agent added, away, back), the
first intake that sees the new queue re-anchors the counter at the last turn handed out, so the next turn
goes to the id after the last one assigned, in the new queue: the rule holds across changes too."""

import hashlib
from bisect import bisect_right
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from leadrouter.domain.errors import Conflict


@dataclass(frozen=True)
class QueuePosition:
    """What the queue's counter holds. `turns`: turns handed out, ever. Turns after `anchor_turn` run over
    the queue whose fingerprint is `ring`, starting after `anchor_after` (the agent of turn `anchor_turn`,
    None before the first turn). `standing`: the name of the fair-share standing the turns run over
    (domain/fair_share.py); None: the plain ascending-id rotation."""

    turns: int = 0
    anchor_turn: int = 0
    anchor_after: int | None = None
    ring: str | None = None
    standing: str | None = None


class TurnTaken(Conflict):
    """Another intake moved the queue's counter first; `position` is the counter as it is now."""

    def __init__(self, message: str, position: QueuePosition) -> None:
        super().__init__(message)
        self.position = position


def fingerprint(queue: Collection[int]) -> str:
    """Names a queue by its members, whatever their order."""
    return _fingerprint(tuple(sorted(queue)))


@lru_cache(maxsize=8)
def _fingerprint(ordered: tuple[int, ...]) -> str:
    # Every round-robin intake of a warm container names the same few queues: hashing 5,000 ids costs
    # 0.3 ms, looking the tuple up a tenth of that.
    text = ",".join(map(str, ordered))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def next_in_queue(queue: Sequence[int], last_assigned: int | None) -> int:
    """`queue` is the eligible agent ids; the answer does not depend on their order as given."""
    if not queue:
        raise ValueError("the round-robin queue is empty")
    ordered = sorted(queue)
    if last_assigned is None:
        return ordered[0]
    return ordered[bisect_right(ordered, last_assigned) % len(ordered)]


def agent_of_turn(queue: Sequence[int], position: QueuePosition, turn: int) -> int:
    """The agent that `turn` (after the anchor) goes to when the turns run over `queue`."""
    if not queue:
        raise ValueError("the round-robin queue is empty")
    if turn <= position.anchor_turn:
        raise ValueError(f"turn {turn} was handed out before the anchor (turn {position.anchor_turn})")
    ordered = sorted(queue)
    start = bisect_right(ordered, position.anchor_after) if position.anchor_after is not None else 0
    return ordered[(start + turn - position.anchor_turn - 1) % len(ordered)]


def last_assigned(position: QueuePosition, ring_queue: Sequence[int] | None) -> int | None:
    """The agent of the last turn handed out, given the queue the ring names (None: that queue is not known
    any more, and the anchor's agent is the best answer left)."""
    if position.turns <= position.anchor_turn or not ring_queue:
        return position.anchor_after
    return agent_of_turn(ring_queue, position, position.turns)


def reanchored(position: QueuePosition, ring_queue: Sequence[int] | None, queue: Sequence[int]) -> QueuePosition:
    """The counter moved onto `queue`: its next turn goes to the id after the last one assigned."""
    return QueuePosition(
        turns=position.turns,
        anchor_turn=position.turns,
        anchor_after=last_assigned(position, ring_queue),
        ring=fingerprint(queue),
    )


def skip_declined(queue: Sequence[int], agent_id: int, declined: Collection[int]) -> int:
    """`agent_id`'s turn, or the next one's in the queue when they declined this lead already."""
    ordered = sorted(queue)
    start = ordered.index(agent_id)
    for step in range(len(ordered)):
        candidate = ordered[(start + step) % len(ordered)]
        if candidate not in declined:
            return candidate
    raise ValueError("every agent of the round-robin queue declined this lead")


def upcoming(queue: Sequence[int], position: QueuePosition, ring_queue: Sequence[int] | None) -> int:
    """Who the next turn would go to, without taking it (simulation)."""
    if position.ring == fingerprint(queue):
        return agent_of_turn(queue, position, position.turns + 1)
    return next_in_queue(queue, last_assigned(position, ring_queue))
