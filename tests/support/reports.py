"""Report figures worked out by hand from the leads themselves (their stored speed to lead), to compare
with what the routing report answers from its tallies; and the report's CSV read back."""

import csv
import io
import math
from collections.abc import Iterable, Mapping
from typing import Any


def nearest_rank(speeds: Iterable[float], q: float) -> int | None:
    """The ⌈q·n⌉-th fastest, in whole seconds (the report's buckets under 10 minutes are whole seconds)."""
    ordered = sorted(int(value) for value in speeds)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def speed_figures(leads: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """What a report row says of these leads' speed to lead (all of them held, all under 10 minutes)."""
    speeds = [float(lead["speed_to_lead_seconds"]) for lead in leads]
    return {
        "speed_to_lead_seconds": {"median": nearest_rank(speeds, 0.5), "p90": nearest_rank(speeds, 0.9)},
        "within_5_minutes": sum(1 for value in speeds if value < 300) / len(speeds),
    }


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def as_csv_cell(value: Any) -> str:
    return "" if value is None else str(value)
