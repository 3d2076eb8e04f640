"""The memory benchmark's choice of a function's MemorySize (bench/sizing.py), held to its definition: twice
the worst peak in 64 MB steps with Lambda's bounds, or the size whose share of a vCPU runs a cold first
invocation in half the Timeout, whichever is larger; lowered only when allowed and far too large."""

import pytest

from bench.sizing import (
    LAMBDA_MAX_MB,
    LAMBDA_MIN_MB,
    applied_size,
    chosen_size,
    cpu_bound_size,
    cpu_seconds_at,
    is_far_too_large,
    is_met,
    is_valid_size,
    memory_bound_size,
    round_up,
)


def test_lambda_takes_whole_megabytes_from_128_to_10240() -> None:
    assert is_valid_size(128)
    assert is_valid_size(10_240)
    assert is_valid_size(1_769)
    assert not is_valid_size(127)
    assert not is_valid_size(10_241)


def test_sizes_round_up_to_the_next_64_mb_step() -> None:
    assert round_up(128) == 128
    assert round_up(128.1) == 192
    assert round_up(282.4) == 320


def test_the_memory_bound_is_twice_the_peak_rounded_up() -> None:
    assert memory_bound_size(141.2) == 320  # 282.4 MB
    assert memory_bound_size(96) == 192  # exactly 192
    assert memory_bound_size(96.5) == 256


def test_a_small_peak_gets_lambdas_smallest_size() -> None:
    assert memory_bound_size(41.5) == LAMBDA_MIN_MB
    assert memory_bound_size(0.5) == LAMBDA_MIN_MB


def test_a_peak_beyond_lambdas_largest_size_is_an_error_not_a_size() -> None:
    assert memory_bound_size(LAMBDA_MAX_MB / 2) == LAMBDA_MAX_MB
    with pytest.raises(ValueError, match="above Lambda"):
        memory_bound_size(LAMBDA_MAX_MB / 2 + 1)
    with pytest.raises(ValueError, match="positive"):
        memory_bound_size(0)


def test_below_one_vcpu_cpu_work_stretches_by_the_share_of_a_vcpu() -> None:
    assert cpu_seconds_at(1_769, 2.0) == pytest.approx(2.0)
    assert cpu_seconds_at(512, 1.0) == pytest.approx(1_769 / 512)
    assert cpu_seconds_at(3_538, 2.0) == pytest.approx(2.0)  # one thread gains nothing from a second vCPU


def test_the_cpu_bound_is_the_least_size_that_runs_the_work_within_the_budget() -> None:
    size = cpu_bound_size(2.5, 5.0)  # half a vCPU: 884.5 MB, up to 896
    assert size == 896
    assert cpu_seconds_at(size, 2.5) <= 5.0
    assert cpu_seconds_at(size - 64, 2.5) > 5.0
    assert cpu_bound_size(0.1, 30.0) == LAMBDA_MIN_MB


def test_work_longer_than_its_budget_gets_one_vcpu_and_no_more() -> None:
    assert cpu_bound_size(8.0, 5.0) == 1_792
    with pytest.raises(ValueError, match="positive"):
        cpu_bound_size(1.0, 0)


def test_the_chosen_size_is_the_larger_of_the_memory_and_cpu_bounds() -> None:
    # A cold intake at 5,000 agents: 141 MB, 2.5 s of CPU, a 10 s Timeout.
    assert chosen_size(141.2, 2.5, 10) == 896
    # The timeout function, same peak and CPU, a 30 s Timeout: memory decides.
    assert chosen_size(141.2, 2.5, 30) == 320


def test_a_size_is_met_when_the_template_gives_at_least_the_chosen_one() -> None:
    assert is_met(512, 512)
    assert is_met(512, 320)
    assert not is_met(512, 896)


def test_a_size_too_small_is_raised_to_the_chosen_one() -> None:
    assert applied_size(512, 896, may_lower=False) == 896
    assert applied_size(512, 896, may_lower=True) == 896


def test_a_size_far_too_large_is_lowered_only_where_allowed() -> None:
    assert is_far_too_large(512, 192)
    assert applied_size(512, 192, may_lower=True) == 192
    assert applied_size(512, 192, may_lower=False) == 512


def test_a_size_within_twice_the_chosen_one_stays() -> None:
    assert not is_far_too_large(512, 256)
    assert applied_size(512, 256, may_lower=True) == 512
    assert applied_size(512, 320, may_lower=True) == 512
