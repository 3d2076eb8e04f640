"""Fair share: round robin by the lowest credits / weight, as a pure sequence of turns after an anchor.

Why a sequence: the queue's single atomic counter (domain/round_robin.py) hands out turn numbers, exact under
any concurrency. Given what was true at the anchor (the eligible agents, their weights, their credits, and
the agent who got the anchor turn), the agent of every later turn is a pure function of the turn number
(the rule is in PickSequence: the lowest share, credits / weight, with a due that keeps it within one). So
no credit is stored per turn, none is lost or counted twice, and every container maps the same turn to the
same agent. Guarantees:
- with equal weights and equal credits the sequence is exactly the ascending-id rotation;
- from level credits (proportional to the weights, as zero is and as a returner starts: `credits_on_return`)
  every agent's credits stay within one of total x weight / Σweights after every turn;
- extending the sequence by one turn costs O(log n) (a heap), so a warm container's decision at 5,000 agents
  stays in microseconds; a cold one replays the turns since the anchor once."""

import hashlib
import heapq
from bisect import bisect_right
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from leadrouter.domain.round_robin import fingerprint


def number(value: float) -> str:
    """A credit or a weight in words: `3`, `2.5`, never `3.0`."""
    return f"{round(value, 3):g}"


def share_words(agent_id: int, credits: float, weight: float) -> str:
    """The same words in a lead's history, a simulation and the queue ("agent 4: lowest share, 3 credits at
    weight 2")."""
    return f"agent {agent_id}: lowest share, {number(credits)} credits at weight {number(weight)}"


@dataclass(frozen=True)
class Pick:
    agent_id: int
    credits_before: float
    weight: float

    def words(self) -> str:
        return share_words(self.agent_id, self.credits_before, self.weight)


class PickSequence:
    """The turns after an anchor, extended lazily and kept (a warm container asks for turn k+1 next).

    The rule (Balinski and Young's quota method): a turn goes to the agent with the lowest share after it,
    (credits + 1) / weight, among the agents not ahead of their due, credits / weight below (total credits
    + 1) / total weight; ties go to the next id after the last agent assigned. The lowest share alone lets
    a heavy agent fall behind while many light ones take their first turns; the due keeps every agent
    within one lead of total x weight / Σweights at every turn."""

    def __init__(
        self,
        queue: Sequence[int],
        weights: Mapping[int, float],
        credits: Mapping[int, float],
        after: int | None,
    ) -> None:
        if not queue:
            raise ValueError("the round-robin queue is empty")
        self._ids = tuple(sorted(queue))
        self._weights = [weights.get(agent_id, 1.0) for agent_id in self._ids]
        self._start = [credits.get(agent_id, 0.0) for agent_id in self._ids]
        self._given = [0] * len(self._ids)
        self._total = sum(self._start)
        self._total_weight = sum(self._weights)
        # Candidates by their share after a turn; agents ahead of their due wait by their share now.
        self._heap: list[tuple[float, int]] = []
        self._ahead: list[tuple[float, int]] = []
        for index in range(len(self._ids)):
            self._enter(index)
        heapq.heapify(self._heap)
        self._picks: list[int] = []
        self._before: list[float] = []
        self._group: list[int] = []  # the tied candidates still to serve, reversed (popped from the end)
        self._group_share = 0.0
        self._last = after
        self._anchor_after = after

    @property
    def queue(self) -> tuple[int, ...]:
        return self._ids

    def _credits(self, index: int) -> float:
        return self._start[index] + self._given[index]

    def _due(self) -> float:
        return (self._total + 1) / self._total_weight

    def _enter(self, index: int) -> None:
        credits, weight = self._credits(index), self._weights[index]
        if credits / weight < self._due():
            heapq.heappush(self._heap, ((credits + 1) / weight, index))
        else:
            heapq.heappush(self._ahead, (credits / weight, index))

    def _release(self) -> None:
        """Agents no longer ahead of their due become candidates again; one whose share after a turn is not
        above the tied group's breaks the group up (it is formed again, with it, in the same order)."""
        due = self._due()
        while self._ahead and self._ahead[0][0] < due:
            _, index = heapq.heappop(self._ahead)
            share = (self._credits(index) + 1) / self._weights[index]
            heapq.heappush(self._heap, (share, index))
            if self._group and share <= self._group_share:
                for waiting in self._group:
                    heapq.heappush(self._heap, (self._group_share, waiting))
                self._group = []

    def _next_group(self) -> None:
        if not self._heap:  # a due rounded just below every share: the least ahead agent is the candidate
            _, index = heapq.heappop(self._ahead)
            heapq.heappush(self._heap, ((self._credits(index) + 1) / self._weights[index], index))
        share, first = heapq.heappop(self._heap)
        tied = [first]
        while self._heap and self._heap[0][0] == share:
            tied.append(heapq.heappop(self._heap)[1])
        tied.sort()
        # Ties go to the next id after the last agent assigned, wrapping; within one share each agent
        # appears once, so the group's order is fixed when it forms.
        split = bisect_right([self._ids[i] for i in tied], self._last) if self._last is not None else 0
        ordered = tied[split:] + tied[:split]
        ordered.reverse()
        self._group, self._group_share = ordered, share

    def _extend(self, turns: int) -> None:
        while len(self._picks) < turns:
            if not self._group:
                self._next_group()
            index = self._group.pop()
            self._before.append(self._credits(index))
            self._picks.append(index)
            self._given[index] += 1
            self._total += 1
            self._last = self._ids[index]
            self._enter(index)
            self._release()

    def pick(self, turn: int) -> Pick:
        """Turn `turn` after the anchor (the first is 1)."""
        if turn < 1:
            raise ValueError(f"turn {turn} is not after the anchor")
        self._extend(turn)
        index = self._picks[turn - 1]
        return Pick(self._ids[index], self._before[turn - 1], self._weights[index])

    def agent_of(self, turn: int) -> int:
        return self.pick(turn).agent_id

    def credits_after(self, turns: int) -> dict[int, float]:
        """Every agent of the queue's credits once `turns` turns after the anchor were given."""
        self._extend(turns)
        given = Counter(self._picks[:turns])
        return {agent_id: self._start[i] + given[i] for i, agent_id in enumerate(self._ids)}

    def last_agent(self, turns: int) -> int | None:
        """The agent of turn `turns` (None: no turn since the anchor)."""
        return self.agent_of(turns) if turns > 0 else self._anchor_after

    def skip(self, turn: int, passing: Collection[int]) -> Pick:
        """Turn `turn`, or when its agent is in `passing` (declined this lead, capped), the first later turn
        of the sequence whose agent is not: the turn is spent, the lead goes on (as a declined turn does)."""
        for later in range(turn, turn + len(self._ids) * 64 + 1):
            chosen = self.pick(later)
            if chosen.agent_id not in passing:
                return chosen
        raise ValueError("every agent of the round-robin queue is passed over for this lead")


def credits_on_return(
    credits: Mapping[int, float],
    continuing: Collection[int],
    joining: Collection[int],
    weights: Mapping[int, float],
    keep_place: bool,
) -> dict[int, float]:
    """The credits after a re-anchor. `credits`: every agent the queue knew, as of the last turn. An agent
    joining the eligible set starts at the weighted mean share of the continuing agents (credits = weight x
    Σcredits / Σweights: the same credits/weight as the average agent, so neither a flood nor a penalty);
    with `keep_place` a joining agent the queue knew keeps their credits (one it never knew starts at the
    mean, having no place to keep)."""
    answer = dict(credits)
    total_weight = sum(weights.get(agent_id, 1.0) for agent_id in continuing)
    mean_share = sum(credits.get(agent_id, 0.0) for agent_id in continuing) / total_weight if total_weight else 0.0
    for agent_id in joining:
        if keep_place and agent_id in credits:
            continue
        if continuing:
            answer[agent_id] = weights.get(agent_id, 1.0) * mean_share
        else:
            answer.setdefault(agent_id, 0.0)
    return answer


@dataclass(frozen=True)
class Standing:
    """What a fair-share anchor holds: the eligible agents (ascending) and their weights, and the credits
    of every agent the queue has known, eligible or not (so `keep_place` has a place to keep). Immutable
    and named by its content, so it is stored once and cached for good."""

    queue: tuple[int, ...]
    weights: tuple[float, ...]
    credits: tuple[tuple[int, float], ...]

    @classmethod
    def of(cls, queue: Sequence[int], weights: Mapping[int, float], credits: Mapping[int, float]) -> "Standing":
        ordered = tuple(sorted(queue))
        return cls(
            ordered,
            tuple(weights.get(agent_id, 1.0) for agent_id in ordered),
            tuple(sorted((agent_id, float(value)) for agent_id, value in credits.items())),
        )

    def weight_of(self) -> dict[int, float]:
        return dict(zip(self.queue, self.weights, strict=True))

    def credit_of(self) -> dict[int, float]:
        return dict(self.credits)

    def text(self) -> str:
        """`queue;weights;id:credits,...`: repr of a float reads back the same float."""
        return ";".join(
            (
                ",".join(map(str, self.queue)),
                ",".join(map(repr, self.weights)),
                ",".join(f"{agent_id}:{value!r}" for agent_id, value in self.credits),
            )
        )

    @classmethod
    def from_text(cls, text: str) -> "Standing":
        queue, weights, credits = text.split(";")
        return cls(
            tuple(int(part) for part in queue.split(",") if part),
            tuple(float(part) for part in weights.split(",") if part),
            tuple((int(a), float(c)) for a, c in (part.split(":") for part in credits.split(",") if part)),
        )

    @property
    def name(self) -> str:
        return hashlib.sha256(self.text().encode()).hexdigest()[:32]

    def sequence(self, after: int | None) -> PickSequence:
        return PickSequence(self.queue, self.weight_of(), self.credit_of(), after)


def weighted_fingerprint(queue: Sequence[int], weights: Sequence[float]) -> str:
    """Names a queue with its weights; all weights 1 give the plain queue's name (counters stored before
    weights existed keep counting over the same ring). `weights` align with `sorted(queue)`."""
    if all(weight == 1.0 for weight in weights):
        return fingerprint(queue)
    text = ",".join(f"{agent_id}*{weight!r}" for agent_id, weight in zip(sorted(queue), weights, strict=True))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Adjustment:
    """An admin's change to an agent's credits, kept as the queue's history: who (their key), when, why."""

    agent_id: int
    credits_delta: float
    reason: str
    by: str
    at: datetime
