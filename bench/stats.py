"""Pure arithmetic of the benchmarks: percentiles, rates, ratios and verdicts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of unsorted values; NaN when there are none."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p90/p99/max in milliseconds."""
    return {f"p{q}_ms": round(percentile(seconds, q) * 1000, 2) for q in (50, 90, 99)} | {
        "max_ms": round(max(seconds) * 1000, 2) if seconds else math.nan
    }


def ratio(value: float, reference: float) -> float:
    return round(value / reference, 3) if reference else math.nan


@dataclass(frozen=True)
class Verdict:
    """One row of the table: a figure, its target and whether it is met."""

    figure: str
    measured: str
    reference: str
    target: str
    met: bool
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "measured": self.measured,
            "reference": self.reference,
            "target": self.target,
            "met": self.met,
            "note": self.note,
        }
