"""Benchmark of the exports once the kaleido browser is warm: writes its section of bench/RESULTS.md.

The briefing deck (title, KPIs, charts, new districts, sources) as PPTX and PDF, and single chart
exports as PNG: a chart, the static district map and the tile map (why slides use the static map).

Usage: .venv/bin/python bench/deck.py [--runs 5] [--warehouse FILE] [--output FILE]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.results import RESULTS, stamp, table, write_section  # noqa: E402
from export import render  # noqa: E402
from export.deck import build_deck  # noqa: E402
from figures import catalog  # noqa: E402
from indicators.cli_options import DEFAULT_WAREHOUSE  # noqa: E402
from indicators.filters import Filters  # noqa: E402

SECTION = "bench/deck.py"


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def measure(con, runs: int) -> list[tuple[str, str]]:
    """(measure, figure) of each export, printed as it goes."""
    query = lambda fn, *a: fn(con, *a)  # noqa: E731
    f = Filters(2014, 2017)
    out = []

    def add(measure: str, figure: str) -> None:
        print(f"{measure}: {figure}", flush=True)
        out.append((measure, figure))

    add("browser start + first PNG",
        f"{timed(lambda: render.figure_bytes(catalog.chart(query, 'signals', f)[0], 'png')):.2f} s")
    # the deck's Outlook slide computes the Outlook once per warehouse version, unless `make build`
    # cached it: timed apart, so that the runs after it time the deck alone
    add("first deck PPTX (with the Outlook computed, unless cached)",
        f"{timed(lambda: build_deck(query, f, 'pptx')):.2f} s")
    for fmt in ("pptx", "pdf"):
        times = [timed(lambda: build_deck(query, f, fmt)) for _ in range(runs)]
        add(f"deck {fmt.upper()} ({f.year_from}-{f.year_to})",
            f"median {statistics.median(times):.2f} s, max {max(times):.2f} s ({runs} run{'s' if runs > 1 else ''})")
    for chart_id, static in (("events_by_category", False), ("district_map", True), ("district_map", False)):
        fig, _ = catalog.chart(query, chart_id, f, static=static)
        add(f"PNG {chart_id}{' (static)' if static else ' (tile map)' if chart_id == 'district_map' else ''}",
            f"{timed(lambda: render.figure_bytes(render.for_slide(fig), 'png')):.2f} s")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="decks built per format")
    parser.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="the results file whose bench/deck.py section is written")
    args = parser.parse_args()
    con = duckdb.connect(str(args.warehouse), read_only=True)
    try:
        rows = measure(con, args.runs)
    finally:
        con.close()
    write_section(SECTION, ["## Exports (`bench/deck.py`)", "",
                            stamp(" ".join(["bench/deck.py", *sys.argv[1:]])), "",
                            *table(("measure", "figure"), rows), ""], args.output)
    print(f"wrote the section {SECTION} of {args.output}")


if __name__ == "__main__":
    main()
