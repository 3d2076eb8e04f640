"""Pure checks of the many-companies benchmark (bench/companies.py), kept apart from the stack so that a unit
test can hold them to their definitions: whether a weighted round robin handed out its turns exactly, and how
far the slowest company's latency is from the median company's.

Exact means what docs/SCALE.md and ROUTING.md promise of fair share: after N turns over agents of weights
w_i, agent i holds N x w_i / Σw within one lead."""

import statistics
from collections.abc import Mapping


def shares(leads: int, weights: Mapping[int, float]) -> dict[int, float]:
    """Each agent's exact share of `leads` turns: N x weight / Σ weights."""
    total = sum(weights.values())
    if total <= 0:
        raise ValueError("weights must add up to more than zero")
    return {agent_id: leads * weight / total for agent_id, weight in weights.items()}


def worst_deviation(counts: Mapping[int, int], weights: Mapping[int, float]) -> float:
    """The largest distance of an agent's count from its share, over the agents of `weights` (an agent of
    `counts` outside them, which no turn should reach, counts with a share of zero)."""
    leads = sum(counts.values())
    expected = shares(leads, weights)
    agents = set(expected) | set(counts)
    return max(abs(counts.get(agent_id, 0) - expected.get(agent_id, 0.0)) for agent_id in agents)


def is_exact(counts: Mapping[int, int], weights: Mapping[int, float]) -> bool:
    """Every agent within one lead of its share, |count - share| <= 1 (a share of 2.5 allows 2 or 3; of 2,
    1 to 3): the guarantee of domain/fair_share.py. The benchmark prints the worst deviation beside it."""
    return worst_deviation(counts, weights) <= 1


def spread_ratio(medians: list[float]) -> float:
    """The slowest company's median latency over the median company's: 1 when no company is slower than the
    typical one, and the factor by which the worst one is when some are."""
    if not medians:
        raise ValueError("no company measured")
    typical = statistics.median(medians)
    return max(medians) / typical if typical > 0 else float("inf")
