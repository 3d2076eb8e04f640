"""The many-companies benchmark's checks (bench/spread.py) and the capacity arithmetic behind docs/SCALE.md
(bench/capacity.py), held to their definitions: pure helpers, no stack."""

import pytest

from bench.capacity import Load, cold_load_units, hot_keys, transaction_units
from bench.spread import is_exact, shares, spread_ratio, worst_deviation

WEIGHTS = {1: 1.0, 2: 2.0, 3: 3.0}


def test_shares_are_n_times_weight_over_the_sum_of_weights() -> None:
    assert shares(6, WEIGHTS) == {1: 1.0, 2: 2.0, 3: 3.0}
    assert shares(4, {1: 0.5, 2: 1.5}) == {1: 1.0, 2: 3.0}


def test_a_distribution_within_one_of_every_share_is_exact() -> None:
    assert is_exact({1: 1, 2: 2, 3: 3}, WEIGHTS)
    assert is_exact({1: 1, 2: 2, 3: 4}, WEIGHTS)  # 7 leads: shares 1.17, 2.33, 3.5
    assert worst_deviation({1: 1, 2: 2, 3: 3}, WEIGHTS) == 0


def test_an_agent_more_than_one_lead_off_its_share_is_not_exact() -> None:
    # 6 leads: agent 3's share is 3, it got 5 (2 off); agent 1 got none.
    assert not is_exact({2: 1, 3: 5}, WEIGHTS)
    assert worst_deviation({2: 1, 3: 5}, WEIGHTS) == 2


def test_a_lead_for_an_agent_outside_the_queue_counts_against_exactness() -> None:
    assert worst_deviation({1: 1, 2: 2, 3: 3, 9: 2}, WEIGHTS) > 1


def test_weights_adding_up_to_nothing_are_refused() -> None:
    with pytest.raises(ValueError, match="more than zero"):
        shares(3, {})


def test_the_spread_is_the_slowest_median_over_the_median_company() -> None:
    assert spread_ratio([10.0, 10.0, 10.0]) == 1
    assert spread_ratio([10.0, 12.0, 30.0]) == 2.5
    with pytest.raises(ValueError, match="no company"):
        spread_ratio([])


def test_a_transaction_item_costs_twice_its_size_in_kilobytes_rounded_up() -> None:
    assert transaction_units(0.1) == 2
    assert transaction_units(2.0) == 4
    assert transaction_units(2.1) == 6


def test_the_hot_keys_of_one_company_and_the_rate_at_which_each_reaches_its_limit() -> None:
    keys = {key.name: key for key in hot_keys(Load.of_mix())}
    counter = keys["round-robin counter"]
    # 60 % of leads take one turn of 1 unit: the counter's partition takes 1,000 units a second.
    assert counter.rate(10) == pytest.approx(6)
    assert counter.leads_at_limit() == pytest.approx(1_000 / 0.6)
    # Every lead adds to its agent's day count inside a transaction: 2 units each.
    assert keys["day count (same for week, month)"].leads_at_limit() == pytest.approx(500)


def test_a_cold_configuration_load_reads_four_kilobytes_a_unit() -> None:
    assert cold_load_units(5) == 1
    assert cold_load_units(20_000) == 4_000
