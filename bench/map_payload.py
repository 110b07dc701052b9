"""Benchmark: what the Map page sends to the browser (bytes of the figure JSON, fig.to_json()) and
how long its queries take, on the bundled warehouse and on a synthetic warehouse of 1,000,000
events; compared with the naive way (every incident point sent to the map).

The synthetic events are drawn at random points inside the real district polygons (more where the
bundled data has more events), on random days of 1995-2019, in the real categories; they are
written into a warehouse file in a temporary folder with the schema's own DDL (etl/schema.py),
beside the bundled warehouse's districts and provinces. Nothing is written under data/.

Usage: .venv/bin/python bench/map_payload.py [--events 1000000] [--runs 5] [--naive-limit 1000000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from etl import duplicates as links  # noqa: E402
from etl import schema  # noqa: E402
from etl.build import build_warehouse  # noqa: E402
from indicators import events, geography, overview  # noqa: E402
from indicators.filters import Filters  # noqa: E402
from timing import timed  # noqa: E402  (bench/timing.py)
from maps.area_map import area_map  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
POINT_CAP = 5000
ALL = Filters(1995, 2019)
FILTERS = [ALL, Filters(2014, 2017, provinces=("Sindh", "Balochistan")), Filters(2010, 2010),
           Filters(1995, 2019, actor_groups=("Islamic State",))]


def synthetic_warehouse(bundled: Path, path: Path, n: int, seed: int = 7) -> float:
    """Write `n` random events into a new warehouse at `path`; return the seconds it took."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    con = duckdb.connect(str(bundled), read_only=True)
    districts = con.execute("SELECT d.district_id, d.country, d.admin1, d.admin2, d.geometry_wkb, "
                            "count(e.event_id) AS n FROM districts d LEFT JOIN events e USING (district_id) "
                            "GROUP BY ALL ORDER BY d.district_id").df()
    con.close()
    weights = (districts["n"] + 1) / (districts["n"] + 1).sum()
    per_district = rng.multinomial(n, weights.to_numpy())
    shapes = gpd.GeoSeries(shapely.from_wkb([bytes(b) for b in districts["geometry_wkb"]]), crs="EPSG:4326")
    sampled = shapes.sample_points(size=per_district, rng=rng)
    parts = [(i, shapely.get_coordinates(mp)) for i, mp in enumerate(sampled) if mp is not None and not mp.is_empty]
    idx = np.concatenate([np.full(len(c), i) for i, c in parts])
    xy = np.concatenate([c for _, c in parts])
    m = len(idx)
    cats = rng.choice(list(schema.CATEGORIES), size=m, p=[0.55, 0.1, 0.05, 0.05, 0.15, 0.1])
    groups = rng.choice(["Islamic State", "TTP", "Lashkar-e-Jhangvi", "Unknown"], size=m, p=[.2, .3, .1, .4])
    d = districts.iloc[idx].reset_index(drop=True)
    frame = pd.DataFrame({
        "event_id": [f"synthetic:{i}" for i in range(m)],
        "dataset": "synthetic",
        "event_date": pd.Timestamp("1995-01-01") + pd.to_timedelta(rng.integers(0, 9131, m), unit="D"),
        "date_precision": "day", "country": d["country"], "admin1": d["admin1"], "admin2": d["admin2"],
        "district_id": d["district_id"], "location": d["admin2"],
        "latitude": xy[:, 1].round(5), "longitude": xy[:, 0].round(5), "geo_precision": "point",
        "category": cats, "actor": groups, "actor_group": groups,
        "fatalities": rng.poisson(1.5, m), "injured": rng.poisson(2.5, m),
        "description": [f"Synthetic event {i} in {a}" for i, a in zip(range(m), d["admin2"])],
        "source_name": "synthetic", "source_url": [f"https://example.org/event/{i}" for i in range(m)],
        "source_file": "raw/synthetic.csv", "source_line": np.arange(2, m + 2),
    })
    out = duckdb.connect(str(path))
    out.execute(schema.events_ddl())
    out.register("frame", frame)
    cols = [c for c in schema.COLUMN_NAMES if c in frame.columns]
    out.execute(f"INSERT INTO events ({', '.join(cols)}) SELECT {', '.join(cols)} FROM frame")
    out.execute(f"ATTACH '{bundled}' AS b (READ_ONLY)")
    for table in ("districts", "provinces", "categories", "meta", "duplicate_links"):
        out.execute(f"CREATE TABLE {table} AS SELECT * FROM b.{table}")
    out.execute(links.SECONDARIES_VIEW)
    out.execute("CREATE TABLE sources AS SELECT 'raw/synthetic.csv' AS file, 'synthetic' AS short_name")
    out.execute("DETACH b")
    out.execute("CHECKPOINT")
    out.close()
    return time.perf_counter() - start


def map_page(con, f: Filters, level: str = "district"):
    """Every query one rerun of the Map page makes (with a district opened and incidents on)."""
    shapes = geography.area_shapes(con, level)
    values = geography.area_values(con, f, level)
    points = overview.event_points(con, f, POINT_CAP)
    geography.not_on_map(con, f, level)
    geography.spread(con, f)
    overview.dataset_names(con, f)
    uf = geography.narrow(f, level, {"unit_id": "PAK-peshawar", "name": "Peshawar", "country": "PAK"})
    overview.kpis(con, uf)
    overview.trend(con, uf, "year")
    geography.top_values(con, uf, "actor_group", 8)
    geography.top_values(con, uf, "category", 8)
    events.event_count(con, uf)
    events.event_page(con, uf, "", "date", True, 1, 100)
    return shapes, values, points


def events_page(con, f: Filters, text: str = "", page: int = 1):
    events.event_count(con, f, text)
    events.event_page(con, f, text, "date", True, page, 50)


def measure(label: str, path: Path, runs: int, naive_limit: int) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    n = con.execute("SELECT count(*) FROM events").fetchone()[0]
    rows = []
    shapes, values, points = map_page(con, ALL)
    fig = area_map(shapes, values, "events", "district", ALL.describe(), "bench", points)
    start = time.perf_counter()
    ours = len(fig.to_json().encode())
    ours_s = time.perf_counter() - start
    p50, p95 = timed(lambda f: map_page(con, f), FILTERS, runs)
    rows.append(f"{label:<10}{n:>10,}  map page queries            p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    p50, p95 = timed(lambda f: events_page(con, f, "", 3), FILTERS, runs)
    rows.append(f"{'':<10}{'':>10}  events page (page 3)         p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    p50, p95 = timed(lambda f: events_page(con, f, "peshawar islamic", 1), FILTERS, runs)
    rows.append(f"{'':<10}{'':>10}  events page (2-word search)  p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
    rows.append(f"{'':<10}{'':>10}  figure JSON, capped points   {ours / 1e6:8.2f} MB  "
                f"({len(points):,} points; to_json {ours_s:.2f} s)")
    start = time.perf_counter()
    every = overview.event_points(con, ALL, min(n, naive_limit))
    naive_fig = area_map(shapes, values, "events", "district", ALL.describe(), "bench", every)
    naive = len(naive_fig.to_json().encode())
    naive_s = time.perf_counter() - start
    rows.append(f"{'':<10}{'':>10}  figure JSON, every point     {naive / 1e6:8.2f} MB  "
                f"({len(every):,} points; query+figure+to_json {naive_s:.1f} s) = {naive / ours:.0f}x")
    con.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-limit", type=int, default=1_000_000,
                        help="most points the naive figure is built with (it needs memory)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bundled = Path(tmp) / "bundled.duckdb"
        build_warehouse(ROOT / "data", bundled)
        rows = measure("bundled", bundled, args.runs, args.naive_limit)
        big = Path(tmp) / "synthetic.duckdb"
        seconds = synthetic_warehouse(bundled, big, args.events)
        print(f"synthetic warehouse: {args.events:,} events written in {seconds:.1f} s "
              f"({big.stat().st_size / 1e6:.0f} MB)")
        rows += measure("synthetic", big, args.runs, args.naive_limit)
    print(f"{'warehouse':<10}{'events':>10}")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
