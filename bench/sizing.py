"""A Lambda function's MemorySize chosen from what it was measured to need (bench/memory.py prints it beside
the template's). Pure arithmetic, unit-tested (tests/unit/test_bench_sizing.py).

Memory: at least HEADROOM times the worst peak resident memory measured, never below FLOOR_MB, rounded up to
a multiple of STEP_MB (Lambda takes any whole MB from 128 to 10,240; 64 MB steps keep the sizes few and easy
to compare). CPU: Lambda gives a function CPU in proportion to its memory, one vCPU at 1,769 MB, so the size
is also at least the one at which a cold container's first invocation spends no more than
CPU_SHARE_OF_TIMEOUT of the function's Timeout on CPU. The larger of the two is the chosen size."""

import math
from typing import Final

LAMBDA_MIN_MB: Final = 128
LAMBDA_MAX_MB: Final = 10_240
ONE_VCPU_MB: Final = 1_769
# Twice the worst measured peak: a bigger company, a longer batch, or a later library release has room.
HEADROOM: Final = 2.0
STEP_MB: Final = 64
FLOOR_MB: Final = 128


def is_valid_size(size_mb: int) -> bool:
    """A MemorySize Lambda accepts: a whole number of MB from 128 to 10,240."""
    return LAMBDA_MIN_MB <= size_mb <= LAMBDA_MAX_MB


def round_up(size_mb: float, step_mb: int = STEP_MB) -> int:
    """The next multiple of `step_mb` at or above `size_mb`."""
    return math.ceil(size_mb / step_mb) * step_mb


def memory_bound_size(peak_mb: float, headroom: float = HEADROOM, floor_mb: int = FLOOR_MB) -> int:
    """The least size that holds `headroom` times the peak, rounded up; a peak that needs more than Lambda's
    largest size is an error, not a size."""
    if peak_mb <= 0:
        raise ValueError(f"a measured peak is positive, not {peak_mb}")
    size = max(round_up(peak_mb * headroom), round_up(floor_mb), LAMBDA_MIN_MB)
    if not is_valid_size(size):
        raise ValueError(f"{peak_mb:.0f} MB with {headroom}x headroom needs {size} MB: above Lambda's {LAMBDA_MAX_MB}")
    return size


def cpu_seconds_at(size_mb: int, cpu_s: float) -> float:
    """The wall time that `cpu_s` of single-threaded CPU work takes at `size_mb`: below one vCPU the function
    gets that share of one; above it a single thread gains nothing."""
    return cpu_s * max(1.0, ONE_VCPU_MB / size_mb)


def cpu_bound_size(cpu_s: float, budget_s: float) -> int:
    """The least size (rounded up) at which `cpu_s` of CPU work takes at most `budget_s`. Work that does not
    fit even with a whole vCPU gets the size of one: more memory does not speed up one thread."""
    if budget_s <= 0:
        raise ValueError(f"a budget is positive, not {budget_s}")
    return max(LAMBDA_MIN_MB, round_up(ONE_VCPU_MB * min(1.0, cpu_s / budget_s)))


# A cold container's first invocation may spend at most this share of the function's Timeout on CPU: the
# rest is for its AWS requests, and for the difference between the machine measured and Lambda's.
CPU_SHARE_OF_TIMEOUT: Final = 0.5


def chosen_size(peak_mb: float, cold_cpu_s: float, timeout_s: int) -> int:
    """The larger of the memory-bound size and the size at which a cold first invocation's CPU fits its
    share of the Timeout."""
    return max(memory_bound_size(peak_mb), cpu_bound_size(cold_cpu_s, timeout_s * CPU_SHARE_OF_TIMEOUT))


def is_met(template_mb: int, chosen_mb: int) -> bool:
    """The template's size is enough when it is at least the chosen one."""
    return template_mb >= chosen_mb


# More than this many times the chosen size is waste worth a change.
FAR_TOO_LARGE: Final = 2.0


def is_far_too_large(template_mb: int, chosen_mb: int) -> bool:
    return template_mb > FAR_TOO_LARGE * chosen_mb


def applied_size(template_mb: int, chosen_mb: int, *, may_lower: bool) -> int:
    """The size to deploy: raised to the chosen one when too small; lowered to it when far too large and the
    caller allows it (bench/memory.py: only for a function nobody waits on whose worst case was measured; a
    smaller size is a smaller share of a vCPU, for a function behind the API a slower cold request)."""
    if not is_met(template_mb, chosen_mb):
        return chosen_mb
    if may_lower and is_far_too_large(template_mb, chosen_mb):
        return chosen_mb
    return template_mb
