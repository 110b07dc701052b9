"""Timing shared by the benchmark scripts."""
from __future__ import annotations

import statistics
import time


def timed(fn, filters, runs: int) -> tuple[float, float]:
    """(median, p95) in milliseconds of `fn(filters[i % len(filters)])` over `runs` runs."""
    times = []
    for i in range(runs):
        start = time.perf_counter()
        fn(filters[i % len(filters)])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]
