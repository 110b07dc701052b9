"""Benchmark: the briefing deck (10 slides: title, KPIs, 6 charts, new districts, sources) once the
kaleido browser is warm, and single chart exports.

Usage: .venv/bin/python bench/deck.py [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from export import catalog  # noqa: E402
from export import render  # noqa: E402
from export.deck import build_deck  # noqa: E402
from indicators.cli_options import DEFAULT_WAREHOUSE  # noqa: E402
from indicators.filters import Filters  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    args = parser.parse_args()
    con = duckdb.connect(str(args.warehouse), read_only=True)
    query = lambda fn, *a: fn(con, *a)  # noqa: E731
    f = Filters(2014, 2017)
    start = time.perf_counter()
    render.figure_bytes(catalog.chart(query, "signals", f)[0], "png")
    print(f"browser start + first PNG: {time.perf_counter() - start:.2f} s")
    for fmt in ("pptx", "pdf"):
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            build_deck(query, f, fmt)
            times.append(time.perf_counter() - start)
        print(f"deck {fmt}: median {statistics.median(times):.2f} s, max {max(times):.2f} s ({args.runs} runs)")
    for chart_id, static in (("events_by_category", False), ("district_map", True), ("district_map", False)):
        fig, _ = catalog.chart(query, chart_id, f, static=static)
        start = time.perf_counter()
        render.figure_bytes(render.for_slide(fig), "png")
        print(f"PNG {chart_id}{' (static)' if static else ''}: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
