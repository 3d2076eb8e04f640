"""Hands out the round-robin queue's turns: one atomic increment of the company's counter per turn, so a
burst of intakes never queues up behind a compare-and-set; a re-anchor, rarely, when the queue changed."""

import time
from collections.abc import Callable, Collection, Sequence

from aws_lambda_powertools import Logger

from leadrouter.domain.ports import RandomSource
from leadrouter.domain.round_robin import (
    QueuePosition,
    TurnTaken,
    agent_of_turn,
    fingerprint,
    reanchored,
    skip_declined,
    upcoming,
)
from leadrouter.service.ports import RoundRobinCounter

logger = Logger(child=True)

# A re-anchor races only with the turns taken meanwhile over the old queue; each loss re-reads nothing
# (the failed write returns the counter as it is).
_REANCHOR_ATTEMPTS = 8


class RoundRobinTurns:
    def __init__(
        self, counter: RoundRobinCounter, rng: RandomSource, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._counter = counter
        self._rng = rng
        self._sleep = sleep

    def take(self, company_id: str, queue: Sequence[int], declined: Collection[int] = ()) -> int:
        """The agent whose turn it is; an agent in `declined` passes their turn to the next one."""
        ordered = tuple(sorted(queue))
        ring = fingerprint(ordered)
        try:
            position = self._counter.take(company_id, ring)
        except TurnTaken as moved:
            position = self._move_onto(company_id, ordered, ring, moved.position)
        return skip_declined(ordered, agent_of_turn(ordered, position, position.turns), declined)

    def upcoming(self, company_id: str, queue: Sequence[int]) -> int:
        """Who the next turn would go to; takes nothing."""
        position = self._counter.position(company_id)
        ring_queue = None
        if position.ring is not None and position.ring != fingerprint(queue):
            ring_queue = self._counter.ring(company_id, position.ring)
        return upcoming(queue, position, ring_queue)

    def _move_onto(self, company_id: str, ordered: tuple[int, ...], ring: str, seen: QueuePosition) -> QueuePosition:
        self._counter.save_ring(company_id, ring, ordered)
        for attempt in range(_REANCHOR_ATTEMPTS):
            try:
                if seen.ring == ring:  # another intake moved it onto this queue first
                    return self._counter.take(company_id, ring)
                previous = self._counter.ring(company_id, seen.ring) if seen.ring is not None else None
                return self._counter.reanchor(company_id, seen, reanchored(seen, previous, ordered))
            except TurnTaken as moved:
                seen = moved.position
                self._sleep(0.005 * 2**attempt * self._rng.token_bytes(1)[0] / 255)
        # Intakes with two different queues kept moving it back and forth (a configuration change being
        # picked up): take a turn over whichever queue it counts; the next intake re-anchors.
        logger.warning(
            "round-robin queue kept moving; turn taken without re-anchoring", extra={"company_id": company_id}
        )
        return self._counter.take(company_id, None)
