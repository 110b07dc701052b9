"""Benchmark: build the warehouse from the bundled data, then recompute the Overview page for a
filter change (every query one rerun makes), against the naive pandas way (a DataFrame in memory,
boolean mask and groupby per rerun, every point sent to the map).

Usage: .venv/bin/python bench/overview.py [--runs 30]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from etl.build import build_warehouse  # noqa: E402
from indicators import overview  # noqa: E402
from indicators.filters import Filters  # noqa: E402
from timing import timed  # noqa: E402  (bench/timing.py)

ROOT = Path(__file__).resolve().parent.parent
FILTERS = [Filters(2014, 2017, provinces=("Sindh", "Balochistan")), Filters(2004, 2017),
           Filters(2016, 2019, actor_groups=("Islamic State",)), Filters(1995, 2019)]


def page(con, f):
    overview.kpis(con, f)
    overview.trend(con, f, "month")
    overview.district_totals(con, f)
    overview.event_points(con, f, 5000)
    overview.unplaced(con, f)
    overview.recent_events(con, f, 15)
    overview.dataset_names(con, f)


def naive_page(frame, f):
    mask = (frame["event_date"].dt.year.between(f.year_from, f.year_to)
            & frame["category"].isin(f.categories))
    if f.provinces:
        mask &= frame["admin1"].isin(f.provinces)
    if f.actor_groups:
        mask &= frame["actor_group"].isin(f.actor_groups)
    sub = frame[mask]
    sub["fatalities"].sum(), sub["district_id"].nunique()
    sub.groupby([sub["event_date"].dt.to_period("M"), "category"]).size()
    sub.groupby("district_id").agg(events=("event_id", "size"), fatalities=("fatalities", "sum"))
    sub[["latitude", "longitude", "category", "fatalities"]].to_json()
    sub.sort_values("event_date").tail(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "w.duckdb"
        start = time.perf_counter()
        result = build_warehouse(ROOT / "data", path)
        build_s = time.perf_counter() - start
        events = sum(c.loaded for c in result.files)
        con = duckdb.connect(str(path), read_only=True)
        frame = con.execute("SELECT * FROM events").df()
        frame["event_date"] = frame["event_date"].astype("datetime64[ns]")
        ours = timed(lambda f: page(con, f), FILTERS, args.runs)
        naive = timed(lambda f: naive_page(frame, f), FILTERS, args.runs)
        con.close()
    print(f"events: {events}   build: {build_s:.2f} s ({events / build_s:,.0f} rows/s, incl. boundaries)")
    print(f"{'overview page recompute':<28}{'p50 ms':>10}{'p95 ms':>10}")
    print(f"{'warehouse (DuckDB SQL)':<28}{ours[0]:>10.1f}{ours[1]:>10.1f}")
    print(f"{'naive pandas':<28}{naive[0]:>10.1f}{naive[1]:>10.1f}")
    print(f"ratio naive/warehouse (p50): {naive[0] / ours[0]:.2f}x")


if __name__ == "__main__":
    main()
