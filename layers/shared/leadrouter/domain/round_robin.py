"""Round robin by ascending agent id: the next id after the last one this queue assigned, wrapping."""

from collections.abc import Sequence
from dataclasses import dataclass

from leadrouter.domain.errors import Conflict


class TurnTaken(Conflict):
    """Another intake took this round-robin turn first: read the queue's position again."""


@dataclass(frozen=True)
class CursorAdvance:
    """Take a turn: move the queue's position from `previous` (as read) to `next`, or fail with TurnTaken."""

    previous: int | None
    next: int


def next_in_queue(queue: Sequence[int], last_assigned: int | None) -> int:
    """`queue` is the eligible agent ids; the answer does not depend on their order as given."""
    if not queue:
        raise ValueError("the round-robin queue is empty")
    ordered = sorted(queue)
    if last_assigned is None:
        return ordered[0]
    for agent_id in ordered:
        if agent_id > last_assigned:
            return agent_id
    return ordered[0]
