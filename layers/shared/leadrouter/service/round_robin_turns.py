"""Hands out the round-robin queue's turns: one atomic increment of the company's counter per turn, so a
burst of intakes never queues up behind a compare-and-set; a re-anchor, rarely, when the queue changed.

Turns run over the plain ascending-id rotation while every weight is equal and no credit was adjusted;
otherwise over a fair-share standing (domain/fair_share.py: lowest credits / weight), stored once per
anchor and cached by name. Either way a turn number maps to one agent in every container, so concurrency
never gives a turn twice nor loses one. A cap (or any other refusal `admit` returns) spends the turn and
takes the next one: the agents who are not refused keep exactly their share among themselves."""

import contextlib
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from aws_lambda_powertools import Logger

from leadrouter.domain.cascade import RoundRobinTurn
from leadrouter.domain.fair_share import PickSequence, Standing, credits_on_return, share_words, weighted_fingerprint
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.round_robin import (
    QueuePosition,
    TurnTaken,
    agent_of_turn,
    last_assigned,
    reanchored,
    skip_declined,
)
from leadrouter.service.ports import RoundRobinCounter

logger = Logger(child=True)

# A re-anchor races only with the turns taken meanwhile over the old queue; each loss re-reads nothing
# (the failed write returns the counter as it is).
_REANCHOR_ATTEMPTS = 8
# Standings and their sequences a warm container keeps (a company's queue changes rarely).
_KEPT = 16

# A cold container replays the turns since the anchor (about 15 us each at 5,000 agents): past this many, an
# intake whose turn number is a multiple of _REBASE_EVERY re-anchors onto the credits as of its turn, so the
# replay stays bounded; the others do not try (one in _REBASE_EVERY, and only while nobody succeeded).
_REPLAY_LIMIT = 2_000
_REBASE_EVERY = 64

# Why an agent whose turn it is must not get this lead (a cap reached), or None to take it.
Admit = Callable[[int], str | None]


@dataclass(frozen=True)
class TakenTurn:
    """The agent of a turn (None: every agent was refused), the words of the choice (None for the plain
    rotation, whose sentence the cascade writes), and the agents refused on the way, with why."""

    agent_id: int | None
    words: str | None = None
    refused: tuple[tuple[int, str], ...] = field(default=())


@dataclass(frozen=True)
class QueueNow:
    """The queue as of the last turn handed out: credits of every agent known, who got the last turn."""

    position: QueuePosition
    queue: tuple[int, ...]
    credits: dict[int, float]
    last: int | None


@dataclass(frozen=True)
class Preview:
    """The turns to come (`rotates`: over the plain rotation) and every known agent's credits now."""

    rotates: bool
    following: PickSequence
    credits: dict[int, float]


def _aligned(ordered: Sequence[int], weights: Mapping[int, float] | None) -> tuple[float, ...]:
    if not weights:
        return tuple(1.0 for _ in ordered)
    return tuple(weights.get(agent_id, 1.0) for agent_id in ordered)


def _rotates(seen: QueuePosition, weights: tuple[float, ...]) -> bool:
    """Whether the turns after a re-anchor run over the plain rotation: equal weights, no standing yet."""
    return seen.standing is None and len(set(weights)) <= 1


class RoundRobinTurns:
    def __init__(
        self, counter: RoundRobinCounter, rng: RandomSource, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self._counter = counter
        self._rng = rng
        self._sleep = sleep
        self._standings: dict[str, Standing] = {}
        self._sequences: dict[tuple[str, int, int | None], PickSequence] = {}

    def take(self, company_id: str, queue: Sequence[int], declined: Collection[int] = ()) -> int:
        """The agent whose turn it is, all weights 1; an agent in `declined` passes their turn to the next."""
        chosen = self.take_turn(company_id, RoundRobinTurn(tuple(queue), frozenset(declined))).agent_id
        assert chosen is not None  # nothing refuses without `admit`
        return chosen

    def take_turn(self, company_id: str, turn: RoundRobinTurn, admit: Admit | None = None) -> TakenTurn:
        """A turn, and another while `admit` refuses the agent of the last one (at most one per agent)."""
        refused: dict[int, str] = {}
        while len(refused) < len(set(turn.queue)):
            agent_id, words = self.next_turn(company_id, turn, refused)
            reason = admit(agent_id) if admit is not None else None
            if reason is None:
                return TakenTurn(agent_id, words, tuple(refused.items()))
            refused[agent_id] = reason
        return TakenTurn(None, None, tuple(refused.items()))

    def next_turn(
        self, company_id: str, turn: RoundRobinTurn, refused: Mapping[int, str] | None = None
    ) -> tuple[int, str | None]:
        """The agent of the next turn and the words of the choice (None for the plain rotation), passing over
        the agents in `refused` (their turns are spent on the way): for a caller that learns of a refusal
        only when it writes the lead (a cap, in the lead's own transaction)."""
        ordered = tuple(sorted(turn.queue))
        aligned = _aligned(ordered, turn.weights)
        return self._one_turn(company_id, ordered, aligned, turn.declined, turn.keep_place, refused or {})

    def _one_turn(
        self,
        company_id: str,
        ordered: tuple[int, ...],
        weights: tuple[float, ...],
        declined: Collection[int],
        keep_place: bool,
        refused: Mapping[int, str],
    ) -> tuple[int, str | None]:
        ring = weighted_fingerprint(ordered, weights)
        while True:
            try:
                position = self._counter.take(company_id, ring)
            except TurnTaken as moved:
                position = self._move_onto(company_id, ordered, weights, ring, keep_place, moved.position)
            sequence = self._sequence(company_id, position)
            if sequence is None:
                agent_id = skip_declined(ordered, agent_of_turn(ordered, position, position.turns), declined)
                words = None
            else:
                taken = position.turns - position.anchor_turn
                pick = sequence.skip(taken, declined)
                agent_id, words = pick.agent_id, pick.words()
                if taken >= _REPLAY_LIMIT and taken % _REBASE_EVERY == 0:
                    self._rebase(company_id, position, sequence)
            # A refused agent's later turns are spent at once (no second refusal to ask for).
            if agent_id not in refused:
                return agent_id, words

    def upcoming(self, company_id: str, queue: Sequence[int]) -> int:
        """Who the next turn would go to, all weights 1; takes nothing."""
        return self.next_pick(company_id, RoundRobinTurn(tuple(queue)))[0]

    def next_pick(self, company_id: str, turn: RoundRobinTurn) -> tuple[int, str | None]:
        """Who the next turn would go to, and the fair-share words (None: the rotation); takes nothing."""
        agent_id, words, _ = self.next_pick_past(company_id, turn, ())
        assert agent_id is not None  # nobody is passed over
        return agent_id, words

    def next_pick_past(
        self, company_id: str, turn: RoundRobinTurn, passed: Collection[int]
    ) -> tuple[int | None, str | None, tuple[int, ...]]:
        """Who the next turn would go to when the agents in `passed` (at a cap) have their turns spent, as an
        intake spends them; the fair-share words (None: the rotation), and the passed agents whose turns came
        first, in turn order. None: every agent is passed over. Takes nothing."""
        if not set(turn.queue) - set(passed):
            return None, None, tuple(agent_id for agent_id in sorted(turn.queue) if agent_id in passed)
        preview = self.preview(company_id, turn)
        met: list[int] = []
        number = 1
        while True:
            pick = preview.following.pick(number)
            if pick.agent_id not in passed:
                return pick.agent_id, None if preview.rotates else pick.words(), tuple(met)
            if pick.agent_id not in met:
                met.append(pick.agent_id)
            number += 1

    def preview(self, company_id: str, turn: RoundRobinTurn) -> "Preview":
        """The turns to come over `turn`'s queue, from the credits as of now (the returners' included). A
        sequence started from the credits and the last agent continues exactly as the stored one does."""
        ordered = tuple(sorted(turn.queue))
        aligned = _aligned(ordered, turn.weights)
        position = self._counter.position(company_id)
        credits, last = self._credits_onto(company_id, position, ordered, aligned, turn.keep_place)
        rotates = _rotates(position, aligned)
        # The rotation goes on after the last agent whatever the counts: level credits give exactly that.
        start = {} if rotates else credits
        return Preview(rotates, PickSequence(ordered, dict(zip(ordered, aligned, strict=True)), start, last), credits)

    def adjust(self, company_id: str, turn: RoundRobinTurn, agent_id: int, delta: float) -> PickSequence:
        """Adds `delta` to an agent's credits: a re-anchor over `turn`'s queue onto a standing with the new
        credits, so the next turns follow them (a turn taken meanwhile is counted first). Answers the turns
        to come, from the new credits."""
        ordered = tuple(sorted(turn.queue))
        aligned = _aligned(ordered, turn.weights)
        weight_of = dict(zip(ordered, aligned, strict=True))
        seen = self._counter.position(company_id)
        for attempt in range(_REANCHOR_ATTEMPTS):
            credits, last = self._credits_onto(company_id, seen, ordered, aligned, turn.keep_place)
            credits[agent_id] = credits.get(agent_id, 0.0) + delta
            standing = Standing.of(ordered, weight_of, credits)
            self._store(company_id, standing)
            # The re-anchor's write adds a turn: it is the anchor itself, handed to nobody and counted for no
            # agent, so the next intake's turn is the standing's first.
            ring = weighted_fingerprint(ordered, aligned)
            anchored = QueuePosition(seen.turns, seen.turns + 1, last, ring, standing.name)
            try:
                self._counter.reanchor(company_id, seen, anchored)
                return standing.sequence(last)
            except TurnTaken as moved:
                seen = moved.position
                self._sleep(0.005 * 2**attempt * self._rng.token_bytes(1)[0] / 255)
        raise TurnTaken("The round-robin queue kept moving; try the adjustment again.", seen)

    # Internals ----------------------------------------------------------------------------------------

    def _standing(self, company_id: str, name: str) -> Standing:
        standing = self._standings.get(name)
        if standing is None:
            standing = self._counter.standing(company_id, name)
            if standing is None:
                raise LookupError(f"the round-robin standing {name} is not stored")
            if len(self._standings) >= _KEPT:
                self._standings.pop(next(iter(self._standings)))
            self._standings[name] = standing
        return standing

    def _store(self, company_id: str, standing: Standing) -> None:
        self._counter.save_standing(company_id, standing)
        self._standings[standing.name] = standing

    def _sequence(self, company_id: str, position: QueuePosition) -> PickSequence | None:
        if position.standing is None:
            return None
        key = (position.standing, position.anchor_turn, position.anchor_after)
        sequence = self._sequences.get(key)
        if sequence is None:
            sequence = self._standing(company_id, position.standing).sequence(position.anchor_after)
            if len(self._sequences) >= _KEPT:
                self._sequences.pop(next(iter(self._sequences)))
            self._sequences[key] = sequence
        return sequence

    def _now(self, company_id: str, position: QueuePosition) -> QueueNow:
        taken = position.turns - position.anchor_turn
        sequence = self._sequence(company_id, position)
        if sequence is not None:
            credits = self._standing(company_id, position.standing or "").credit_of()
            credits.update(sequence.credits_after(taken))
            return QueueNow(position, sequence.queue, credits, sequence.last_agent(taken))
        ring_queue = self._counter.ring(company_id, position.ring) if position.ring is not None else None
        if not ring_queue:
            return QueueNow(position, (), {}, position.anchor_after)
        # The plain rotation counts no credits: those of its turns since the anchor are the same sequence.
        rotation = PickSequence(ring_queue, {}, {}, position.anchor_after)
        return QueueNow(position, tuple(ring_queue), rotation.credits_after(taken), last_assigned(position, ring_queue))

    def _rebase(self, company_id: str, seen: QueuePosition, sequence: PickSequence) -> None:
        """The same queue anchored again at `seen`'s turn (if no turn was taken since): a standing with the
        credits as of that turn; the re-anchor's own turn is the anchor, handed to nobody."""
        assert seen.standing is not None
        taken = seen.turns - seen.anchor_turn
        credits = self._standing(company_id, seen.standing).credit_of()
        credits.update(sequence.credits_after(taken))
        previous = self._standing(company_id, seen.standing)
        standing = Standing.of(previous.queue, previous.weight_of(), credits)
        self._store(company_id, standing)
        anchored = QueuePosition(seen.turns, seen.turns + 1, sequence.last_agent(taken), seen.ring, standing.name)
        with contextlib.suppress(TurnTaken):  # a turn was taken meanwhile: a later intake re-anchors
            self._counter.reanchor(company_id, seen, anchored)

    def _credits_onto(
        self,
        company_id: str,
        seen: QueuePosition,
        ordered: tuple[int, ...],
        weights: tuple[float, ...],
        keep_place: bool,
    ) -> tuple[dict[int, float], int | None]:
        """Every known agent's credits if the counter moved onto `ordered` now (returners placed), and the
        agent of the last turn."""
        now = self._now(company_id, seen)
        if seen.ring == weighted_fingerprint(ordered, weights):
            return now.credits, now.last
        known = set(now.queue)
        continuing = [agent_id for agent_id in ordered if agent_id in known]
        joining = [agent_id for agent_id in ordered if agent_id not in known]
        weight_of = dict(zip(ordered, weights, strict=True))
        return credits_on_return(now.credits, continuing, joining, weight_of, keep_place), now.last

    def _planned(
        self,
        company_id: str,
        seen: QueuePosition,
        ordered: tuple[int, ...],
        weights: tuple[float, ...],
        ring: str,
        keep_place: bool,
    ) -> tuple[QueuePosition, Standing | None]:
        """The counter moved onto `ordered`, not yet written: the rotation while every weight is equal and
        no credit was adjusted, else a standing with the credits as of now and the returners' credits."""
        if _rotates(seen, weights):
            previous = self._counter.ring(company_id, seen.ring) if seen.ring is not None else None
            return reanchored(seen, previous, ordered), None
        credits, last = self._credits_onto(company_id, seen, ordered, weights, keep_place)
        standing = Standing.of(ordered, dict(zip(ordered, weights, strict=True)), credits)
        return QueuePosition(seen.turns, seen.turns, last, ring, standing.name), standing

    def _move_onto(
        self,
        company_id: str,
        ordered: tuple[int, ...],
        weights: tuple[float, ...],
        ring: str,
        keep_place: bool,
        seen: QueuePosition,
    ) -> QueuePosition:
        # The rotation's ring is stored before anything is read (the order the request-cost tests pin down).
        ring_saved = _rotates(seen, weights)
        if ring_saved:
            self._counter.save_ring(company_id, ring, ordered)
        for attempt in range(_REANCHOR_ATTEMPTS):
            try:
                if seen.ring == ring:  # another intake moved it onto this queue first
                    return self._counter.take(company_id, ring)
                anchored, standing = self._planned(company_id, seen, ordered, weights, ring, keep_place)
                if standing is not None:
                    self._store(company_id, standing)
                elif not ring_saved:
                    self._counter.save_ring(company_id, ring, ordered)
                    ring_saved = True
                return self._counter.reanchor(company_id, seen, anchored)
            except TurnTaken as moved:
                seen = moved.position
                self._sleep(0.005 * 2**attempt * self._rng.token_bytes(1)[0] / 255)
        # Intakes with two different queues kept moving it back and forth (a configuration change being
        # picked up): take a turn over whichever queue it counts; the next intake re-anchors.
        logger.warning(
            "round-robin queue kept moving; turn taken without re-anchoring", extra={"company_id": company_id}
        )
        return self._counter.take(company_id, None)


__all__ = ["Admit", "Preview", "QueueNow", "RoundRobinTurns", "TakenTurn", "share_words"]
