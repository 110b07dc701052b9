"""The percentiles every benchmark reports (nearest rank, so a figure is always one measured)."""
from __future__ import annotations

import statistics


def percentile(values, q: float) -> float:
    """The value at rank round(q * (n - 1)) of the sorted values; nan when there are none."""
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def summary(values) -> tuple[float, float]:
    """(median, 95th percentile)."""
    return (statistics.median(values), percentile(values, 0.95)) if values else (float("nan"),) * 2
