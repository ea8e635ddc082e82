"""Percentiles of latencies, as the report gives them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

PERCENTILES = (50, 95, 99)


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile by linear interpolation between the closest ranks (numpy's
    default method); 0.0 for no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not between 0 and 100")
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values: Sequence[float]) -> dict[str, float]:
    """{"p50": …, "p95": …, "p99": …} in the values' unit, rounded to 0.1."""
    return {f"p{p}": round(percentile(values, p), 1) for p in PERCENTILES}


def recovery(saves: Iterable[Sequence[float]], fault: float) -> float | None:
    """Seconds from `fault` to the answer of the first save sent after it, from the
    (sent, answered) times of one examinee's acknowledged saves; None when none was."""
    after = [answered for sent, answered, *_rest in saves if sent >= fault]
    return min(after) - fault if after else None
