"""Round robin by ascending agent id (ROUTING.md step 8): the next id after the last one the queue assigned,
wrapping around; fair over many turns."""

from collections import Counter
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leadrouter.domain.errors import Conflict
from leadrouter.domain.round_robin import (
    QueuePosition,
    TurnTaken,
    agent_of_turn,
    fingerprint,
    last_assigned,
    next_in_queue,
    reanchored,
    skip_declined,
    upcoming,
)
from leadrouter.service.round_robin_turns import RoundRobinTurns
from tests.support.fakes import COMPANY_ID, MemoryCounter, ScriptedRandom


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


def test_a_counter_moved_by_another_intake_is_a_conflict_that_carries_the_counter() -> None:
    now = QueuePosition(turns=7, anchor_turn=2, anchor_after=5, ring="abc")

    assert issubclass(TurnTaken, Conflict)
    assert TurnTaken("taken", now).code == "conflict"
    assert TurnTaken("taken", now).position == now


# The counter: turns mapped onto the queue ------------------------------------------------------------------


def test_turns_after_the_anchor_start_after_the_anchor_agent_and_wrap() -> None:
    position = QueuePosition(turns=0, anchor_turn=10, anchor_after=5, ring=fingerprint([3, 5, 8]))

    assert [agent_of_turn([8, 3, 5], position, turn) for turn in range(11, 16)] == [8, 3, 5, 8, 3]


def test_a_fresh_counter_starts_with_the_lowest_id() -> None:
    assert agent_of_turn([8, 3, 5], QueuePosition(), 1) == 3


def test_no_turn_maps_to_before_the_anchor() -> None:
    with pytest.raises(ValueError, match="before the anchor"):
        agent_of_turn([3], QueuePosition(turns=4, anchor_turn=4), 4)


def test_the_last_turn_handed_out_is_known_from_the_queue_the_ring_names() -> None:
    position = QueuePosition(turns=12, anchor_turn=10, anchor_after=5, ring=fingerprint([3, 5, 8]))

    assert last_assigned(position, (3, 5, 8)) == 3  # turn 11: 8, turn 12: 3
    assert last_assigned(position, None) == 5  # the ring's queue is gone: the anchor is all that is known
    assert last_assigned(QueuePosition(turns=10, anchor_turn=10, anchor_after=5), None) == 5


def test_a_new_queue_continues_after_the_last_agent_assigned() -> None:
    before = QueuePosition(turns=12, anchor_turn=10, anchor_after=5, ring=fingerprint([3, 5, 8]))

    after = reanchored(before, (3, 5, 8), [3, 4, 8])  # agent 5 went away, agent 4 joined; turn 12 went to 3

    assert after == QueuePosition(turns=12, anchor_turn=12, anchor_after=3, ring=fingerprint([4, 3, 8]))
    assert [agent_of_turn([3, 4, 8], after, turn) for turn in (13, 14, 15)] == [4, 8, 3]


def test_a_declined_agent_passes_the_turn_to_the_next_one() -> None:
    assert skip_declined([3, 5, 8], 5, {5}) == 8
    assert skip_declined([3, 5, 8], 8, {8, 3}) == 5
    assert skip_declined([3, 5, 8], 3, set()) == 3
    with pytest.raises(ValueError, match="every agent"):
        skip_declined([3, 5], 3, {3, 5})


def test_the_upcoming_turn_is_read_without_taking_it() -> None:
    same = QueuePosition(turns=11, anchor_turn=10, anchor_after=5, ring=fingerprint([3, 5, 8]))

    assert upcoming([3, 5, 8], same, None) == 3
    assert upcoming([3, 8], same, (3, 5, 8)) == 3  # last was 8 (turn 11); 5 left: next after 8 wraps to 3
    assert same.turns == 11


def test_fingerprints_name_members_not_order() -> None:
    assert fingerprint([3, 5, 8]) == fingerprint((8, 3, 5))
    assert fingerprint([3, 5, 8]) != fingerprint([3, 5])
    assert fingerprint([1, 23]) != fingerprint([12, 3])


# The service over the counter ------------------------------------------------------------------------------


def turns_over(counter: MemoryCounter) -> RoundRobinTurns:
    return RoundRobinTurns(counter, ScriptedRandom(), sleep=lambda _: None)


def test_a_counter_stored_before_turns_were_counted_continues_after_its_last_agent() -> None:
    counter = MemoryCounter()
    counter.state = QueuePosition(anchor_after=5)  # what an item with only `last_agent_id: 5` reads as

    assert [turns_over(counter).take(COMPANY_ID, (3, 5, 8)) for _ in range(4)] == [8, 3, 5, 8]


def test_a_turn_taken_by_an_older_queue_during_a_reanchor_is_not_handed_out_twice() -> None:
    counter = MemoryCounter()
    turns = turns_over(counter)
    assert [turns.take(COMPANY_ID, (3, 5, 8)) for _ in range(2)] == [3, 5]

    def intake_still_on_the_old_queue() -> None:
        counter.take(COMPANY_ID, fingerprint((3, 5, 8)))  # turn 3: agent 8

    # Agent 5 goes away; while this intake re-anchors, one still on the old queue takes turn 3.
    counter.interleave = intake_still_on_the_old_queue

    assert turns.take(COMPANY_ID, (3, 8)) == 3  # next after 8, not 8 again
    assert turns.take(COMPANY_ID, (3, 8)) == 8
    assert counter.state.turns == 5


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


@given(
    changes=st.lists(
        st.tuples(st.integers(min_value=0, max_value=6), st.lists(st.integers(1, 9), min_size=1, unique=True)),
        max_size=8,
    ),
)
def test_taking_turns_across_queue_changes_always_gives_the_next_id_after_the_last_one(
    changes: list[tuple[int, list[int]]],
) -> None:
    counter = MemoryCounter()
    turns = turns_over(counter)
    last: int | None = None
    for count, queue in changes:
        for _ in range(count):
            chosen = turns.take(COMPANY_ID, queue)
            assert chosen == next_in_queue(queue, last)
            last = chosen
    assert counter.state.turns == sum(count for count, _ in changes)
