"""Summaries of timings, in milliseconds."""

import statistics
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    count: int
    median_ms: float
    p95_ms: float
    p99_ms: float

    def line(self) -> str:
        return (
            f"n={self.count:5d}  median {self.median_ms:8.2f} ms  p95 {self.p95_ms:8.2f} ms  p99 {self.p99_ms:8.2f} ms"
        )


def _percentile(ordered: list[float], fraction: float) -> float:
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarize(seconds: list[float]) -> Summary:
    ordered = sorted(value * 1000 for value in seconds)
    return Summary(
        count=len(ordered),
        median_ms=round(statistics.median(ordered), 3),
        p95_ms=round(_percentile(ordered, 0.95), 3),
        p99_ms=round(_percentile(ordered, 0.99), 3),
    )
