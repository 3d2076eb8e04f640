"""Fair share (ROUTING.md "Fair share and caps"): turns by the lowest credits / weight with a due that
keeps every agent within one lead of their share, the plain rotation when weights are equal, returners
starting at the mean, credits adjusted, and caps passing a turn on."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.domain.cascade import RoundRobinTurn
from leadrouter.domain.fair_share import PickSequence, Standing, credits_on_return, share_words
from leadrouter.domain.round_robin import next_in_queue
from leadrouter.service.round_robin_turns import RoundRobinTurns
from tests.support.fakes import COMPANY_ID, MemoryCounter, ScriptedRandom

agent_ids = st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=12, unique=True)
weights = st.sampled_from([0.1, 0.5, 1.0, 1.5, 2.0, 3.0, 7.5, 10.0])


def turns_over(counter: MemoryCounter) -> RoundRobinTurns:
    return RoundRobinTurns(counter, ScriptedRandom(), sleep=lambda _: None)


def test_weights_two_one_one_over_forty_turns_give_twenty_ten_ten() -> None:
    sequence = PickSequence([1, 2, 3], {1: 2.0}, {}, None)

    assert Counter(sequence.agent_of(turn) for turn in range(1, 41)) == {1: 20, 2: 10, 3: 10}


def test_a_heavy_agent_is_not_left_behind_while_light_ones_take_their_first_turns() -> None:
    # The lowest share alone would give each of the 20 light agents a turn before the heavy one's second.
    light = list(range(2, 22))
    sequence = PickSequence([1, *light], {1: 10.0, **dict.fromkeys(light, 0.5)}, {}, None)

    assert Counter(sequence.agent_of(turn) for turn in range(1, 11))[1] == 5


@settings(max_examples=60)
@given(queue=agent_ids, data=st.data(), turns=st.integers(min_value=0, max_value=150))
def test_every_agent_stays_within_one_lead_of_their_share_after_every_turn(
    queue: list[int], data: st.DataObject, turns: int
) -> None:
    weight_of = {agent_id: data.draw(weights) for agent_id in queue}
    after = data.draw(st.none() | st.sampled_from(queue))
    sequence = PickSequence(queue, weight_of, {}, after)
    total_weight = sum(weight_of.values())

    given_so_far: Counter[int] = Counter()
    for turn in range(1, turns + 1):
        given_so_far[sequence.agent_of(turn)] += 1
        for agent_id in queue:
            assert abs(given_so_far[agent_id] - turn * weight_of[agent_id] / total_weight) <= 1, (turn, agent_id)


@settings(max_examples=60)
@given(queue=agent_ids, start=st.none() | st.integers(min_value=1, max_value=61), turns=st.integers(0, 80))
def test_equal_weights_and_credits_give_exactly_the_ascending_id_rotation(
    queue: list[int], start: int | None, turns: int
) -> None:
    sequence = PickSequence(queue, dict.fromkeys(queue, 2.5), dict.fromkeys(queue, 4.0), start)
    last = start
    for turn in range(1, turns + 1):
        last = next_in_queue(queue, last)
        assert sequence.agent_of(turn) == last


def test_a_pick_names_its_numbers_in_the_words_of_the_history() -> None:
    sequence = PickSequence([4, 9], {4: 2.0}, {4: 3.0, 9: 2.0}, None)

    assert sequence.pick(1).words() == "agent 4: lowest share, 3 credits at weight 2"
    assert share_words(9, 2.5, 0.5) == "agent 9: lowest share, 2.5 credits at weight 0.5"


def test_a_returner_starts_at_the_weighted_mean_share_unless_keeping_their_place() -> None:
    credits = {1: 10.0, 2: 20.0, 3: 1.0}
    weight_of = {1: 1.0, 2: 3.0, 3: 2.0}

    even = credits_on_return(credits, [1, 2], [3, 4], weight_of, keep_place=False)
    kept = credits_on_return(credits, [1, 2], [3, 4], weight_of, keep_place=True)

    assert even == {1: 10.0, 2: 20.0, 3: 15.0, 4: 7.5}  # share 30 / 4 = 7.5 credits per unit of weight
    assert kept == {1: 10.0, 2: 20.0, 3: 1.0, 4: 7.5}  # agent 4 had no place to keep


def test_a_standing_reads_back_from_its_text_and_is_named_by_it() -> None:
    standing = Standing.of([9, 4], {4: 2.5}, {4: 1.25, 9: 0.1, 7: 3.0})

    assert Standing.from_text(standing.text()) == standing
    assert standing.queue == (4, 9)
    assert Standing.of([4, 9], {4: 2.5}, {4: 1.25, 9: 0.1, 7: 3.0}).name == standing.name


# The service over the counter -----------------------------------------------------------------------------


def test_weighted_turns_over_the_counter_follow_the_weights() -> None:
    turns = turns_over(MemoryCounter())

    chosen = [turns.take_turn(COMPANY_ID, RoundRobinTurn((1, 2, 3), weights={1: 2.0})).agent_id for _ in range(40)]

    assert Counter(chosen) == {1: 20, 2: 10, 3: 10}


def weighted(queue: tuple[int, ...], keep_place: bool = False) -> RoundRobinTurn:
    return RoundRobinTurn(queue, weights={1: 2.0}, keep_place=keep_place)


def _queue_after_a_return(keep_place: bool) -> list[int | None]:
    turns = turns_over(MemoryCounter())
    assert [turns.take_turn(COMPANY_ID, weighted((1, 2, 3))).agent_id for _ in range(4)] == [1, 2, 3, 1]
    for _ in range(12):  # agent 3 is away: 1 and 2 share the turns 2:1
        turns.take_turn(COMPANY_ID, weighted((1, 2)))
    return [turns.take_turn(COMPANY_ID, weighted((1, 2, 3), keep_place)).agent_id for _ in range(8)]


def test_an_agent_back_from_away_is_neither_flooded_nor_starved() -> None:
    back = _queue_after_a_return(keep_place=False)

    assert Counter(back) == {1: 4, 2: 2, 3: 2}  # 8 x weight / 4 each, as if never away


def test_keep_place_lets_an_agent_back_from_away_catch_up() -> None:
    back = _queue_after_a_return(keep_place=True)

    # Their 1 credit stayed while the others' rose to 10 and 5: the next turns are mostly theirs.
    assert Counter(back)[3] >= 5


def test_an_adjustment_moves_the_agent_in_the_queue_and_counts_no_turn() -> None:
    counter = MemoryCounter()
    turns = turns_over(counter)
    assert [turns.take(COMPANY_ID, (1, 2, 3)) for _ in range(3)] == [1, 2, 3]

    following = turns.adjust(COMPANY_ID, RoundRobinTurn((1, 2, 3)), 1, 2.0)

    assert following.credits_after(0) == {1: 3.0, 2: 1.0, 3: 1.0}
    assert turns.upcoming(COMPANY_ID, (1, 2, 3)) == 2
    assert [turns.take(COMPANY_ID, (1, 2, 3)) for _ in range(6)] == [2, 3, 2, 3, 1, 2]


def test_a_refused_agent_passes_the_turn_on_and_the_others_keep_their_shares() -> None:
    turns = turns_over(MemoryCounter())

    def capped(agent_id: int) -> str | None:
        return "agent 2 skipped: daily cap 0 of 0 reached" if agent_id == 2 else None

    taken = [turns.take_turn(COMPANY_ID, weighted((1, 2, 3)), capped) for _ in range(30)]

    assert Counter(turn.agent_id for turn in taken) == {1: 20, 3: 10}
    assert taken[1].refused == ((2, "agent 2 skipped: daily cap 0 of 0 reached"),)


def test_every_agent_refused_leaves_no_one() -> None:
    turn = turns_over(MemoryCounter()).take_turn(
        COMPANY_ID, RoundRobinTurn((1, 2)), lambda agent_id: f"agent {agent_id} no"
    )

    assert turn.agent_id is None
    assert dict(turn.refused) == {1: "agent 1 no", 2: "agent 2 no"}


@pytest.mark.parametrize("keep_place", [False, True])
def test_the_upcoming_turn_over_a_changed_weighted_queue_is_the_one_taken_next(keep_place: bool) -> None:
    turns = turns_over(MemoryCounter())
    for _ in range(5):
        turns.take_turn(COMPANY_ID, weighted((1, 2)))

    expected, words = turns.next_pick(COMPANY_ID, weighted((1, 2, 5), keep_place))
    taken = turns.take_turn(COMPANY_ID, weighted((1, 2, 5), keep_place))

    assert (taken.agent_id, taken.words) == (expected, words)
    assert str(words).startswith(f"agent {expected}: lowest share, ")


def test_a_long_run_re_anchors_so_a_cold_replay_stays_short_and_shares_hold() -> None:
    counter = MemoryCounter()
    turns = turns_over(counter)
    queue = weighted((1, 2, 3))

    chosen = [turns.take_turn(COMPANY_ID, queue).agent_id for _ in range(2_100)]

    assert counter.state.anchor_turn >= 2_000  # re-anchored past the replay limit
    cold = turns_over(counter).take_turn(COMPANY_ID, queue)  # a new container's first turn
    held = Counter([*chosen, cold.agent_id])
    assert all(abs(held[agent] - 2_101 * weight / 4) <= 1 for agent, weight in ((1, 2), (2, 1), (3, 1)))
