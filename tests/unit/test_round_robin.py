"""Round robin by ascending agent id (ROUTING.md step 8): the next id after the last one the queue assigned,
wrapping around; fair over many turns."""

from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.domain.errors import Conflict
from leadrouter.domain.round_robin import CursorAdvance, TurnTaken, next_in_queue


def test_first_turn_of_a_fresh_queue_goes_to_the_lowest_id() -> None:
    assert next_in_queue([3, 5, 8], None) == 3


@pytest.mark.parametrize(("last", "expected"), [(3, 5), (5, 8)])
def test_next_turn_goes_to_the_next_id_after_the_last(last: int, expected: int) -> None:
    assert next_in_queue([3, 5, 8], last) == expected


def test_turn_after_the_highest_id_wraps_around_to_the_lowest() -> None:
    assert next_in_queue([3, 5, 8], 8) == 3


@pytest.mark.parametrize(("last", "expected"), [(4, 5), (6, 8), (1, 3), (99, 3)])
def test_last_agent_no_longer_in_the_queue_hands_the_turn_to_the_next_higher_id(last: int, expected: int) -> None:
    # e.g. agent 4 took the last turn and has since left the queue (deactivated, away, removed)
    assert next_in_queue([3, 5, 8], last) == expected


def test_unsorted_queue_is_taken_in_ascending_order() -> None:
    assert next_in_queue([8, 3, 5], None) == 3
    assert next_in_queue([8, 3, 5], 3) == 5
    assert next_in_queue((5, 8, 3), 5) == 8
    assert next_in_queue([8, 3, 5], 8) == 3


def test_single_agent_queue_always_gets_the_turn() -> None:
    assert next_in_queue([7], None) == 7
    assert next_in_queue([7], 7) == 7
    assert next_in_queue([7], 9) == 7


def test_empty_queue_raises() -> None:
    with pytest.raises(ValueError, match="the round-robin queue is empty"):
        next_in_queue([], None)
    with pytest.raises(ValueError, match="the round-robin queue is empty"):
        next_in_queue((), 3)


def test_a_turn_taken_by_another_intake_is_a_conflict() -> None:
    advance = CursorAdvance(previous=3, next=5)

    assert (advance.previous, advance.next) == (3, 5)
    assert issubclass(TurnTaken, Conflict)
    assert TurnTaken("taken").code == "conflict"


# Properties ---------------------------------------------------------------------------------------------

queues = st.lists(st.integers(min_value=1, max_value=10_000), min_size=1, max_size=25, unique=True)


@given(
    queue=queues,
    start=st.none() | st.integers(min_value=1, max_value=10_001),
    turns=st.integers(min_value=0, max_value=300),
    data=st.data(),
)
def test_turns_are_fair_and_visit_ids_in_ascending_cyclic_order(
    queue: list[int], start: int | None, turns: int, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(queue))
    ordered = sorted(queue)
    k = len(ordered)

    taken: list[int] = []
    last = start
    for _ in range(turns):
        last = next_in_queue(shuffled, last)
        taken.append(last)

    counts = Counter(taken)
    assert set(counts) <= set(queue)
    for agent_id in queue:
        assert counts[agent_id] in {turns // k, -(-turns // k)}, (agent_id, counts)
    for before, after in pairwise(taken):
        assert ordered.index(after) == (ordered.index(before) + 1) % k
    if taken:
        expected_first = next((agent_id for agent_id in ordered if start is not None and agent_id > start), ordered[0])
        assert taken[0] == expected_first


@given(queue=queues, last=st.none() | st.integers(min_value=1, max_value=10_001), data=st.data())
def test_the_answer_does_not_depend_on_the_order_given(queue: list[int], last: int | None, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(queue))

    assert next_in_queue(shuffled, last) == next_in_queue(sorted(queue), last)
    assert next_in_queue(shuffled, last) in queue
