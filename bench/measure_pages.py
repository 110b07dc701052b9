"""Measuring the pages' query work in-process: every indicator call that one rerun of a page makes
(recorded by running the page under Streamlit's AppTest) replayed, uncached, for a series of filter
changes, in a fresh process as a dashboard server would run them."""
from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import duckdb

from bench.process import in_child
from indicators.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "trends", "timeline", "map", "events")


def record_calls(warehouse: Path) -> dict[str, list]:
    """The indicator calls each page makes in one rerun, recorded under AppTest."""
    from streamlit.testing.v1 import AppTest

    import dashboard.data as data

    calls: list = []
    original = data.query

    def recording(fn, *args):
        calls.append((fn, args))
        return original(fn, *args)

    data.WAREHOUSE, data.query = warehouse, recording
    pages = {}
    try:
        for page in PAGES:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
            calls.clear()
            at.switch_page(f"app_pages/{page}.py").run()
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")
            unique = []
            for fn, args in calls:
                # calls without filters (options, outlines) do not change with a filter change
                if any(isinstance(a, Filters) for a in args) and (fn, args) not in unique:
                    unique.append((fn, args))
            pages[page] = unique
    finally:
        data.query = original
    return pages


def filter_changes(con, runs: int) -> list[Filters]:
    """A user's series of filter changes: years, a province, an actor group."""
    from indicators.overview import filter_options

    lo, hi = filter_options(con)["years"]
    series = []
    for i in range(runs):
        f = Filters(lo + i % 7, hi - i % 3)
        if i % 3 == 1:
            f = replace(f, provinces=("Khyber Pakhtunkhwa",))
        elif i % 3 == 2:
            f = replace(f, actor_groups=("Islamic State", "TTP"))
        series.append(f)
    return series


def replay(con, calls, f: Filters) -> None:
    """Make the recorded calls again with the filters `f` in place of the recorded ones."""
    for fn, args in calls:
        fn(con, *(f if isinstance(a, Filters) else a for a in args))


def measure_recompute(warehouse: Path, calls: dict, changes: list[Filters]) -> dict[str, list[float]]:
    """Milliseconds per filter change, per page: each page's calls replayed, uncached."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        replay(con, calls["overview"], changes[0])  # warm the file cache once
        out = {}
        for page, page_calls in calls.items():
            times = []
            for f in changes:
                start = time.perf_counter()
                replay(con, page_calls, f)
                times.append((time.perf_counter() - start) * 1000)
            out[page] = times
        return out
    finally:
        con.close()


def record_and_replay(warehouse: Path, changes: list[Filters]) -> tuple[dict, dict]:
    """(times per page, calls per page)."""
    calls = record_calls(warehouse)
    return measure_recompute(warehouse, calls, changes), {page: len(c) for page, c in calls.items()}


def in_fresh_process(warehouse: Path, changes: list[Filters]) -> tuple[dict, dict]:
    """(times per page, calls per page), measured in a new Python process, as a dashboard server
    would run them: not in the one that has just imported a million rows."""
    return in_child(record_and_replay, warehouse, changes)
