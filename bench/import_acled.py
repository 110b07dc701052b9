"""Import benchmark: an ACLED-format CSV of N rows (default 1,000,000) with points inside real
district polygons (data/raw/boundaries), imported the way `python -m etl import` does it, and
compared with the naive way (row-by-row dicts and per-row point-in-polygon placement).

    .venv/bin/python bench/import_acled.py [--rows 1000000] [--naive-sample 5000]

Prints the time of each stage and rows/s. The generated rows are synthetic (random points,
dates and actors in ACLED's columns); they are written to a temporary folder and deleted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from etl import geo, schema  # noqa: E402
import generate as generate_events  # noqa: E402  (bench/generate.py)
from etl.imports import import_file  # noqa: E402
from etl.sources import acled  # noqa: E402
from etl.sources.table import read_table  # noqa: E402

HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
          "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
          "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
          "source_scale,notes,fatalities,tags,timestamp").split(",")
TYPES = [("Explosions/Remote violence", "Suicide bomb", "Rebel group"),
         ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Rebel group"),
         ("Battles", "Armed clash", "State forces"),
         ("Violence against civilians", "Attack", "Rebel group"),
         ("Explosions/Remote violence", "Air/drone strike", "External/Other forces"),
         ("Protests", "Peaceful protest", "Protesters")]
ACTORS = ["Islamic State Khorasan Province", "Tehrik-i-Taliban Pakistan (TTP)", "Jamaat-ul-Ahrar",
          "Military Forces of Pakistan (2018-)", "Unidentified Armed Group (Pakistan)",
          "Military Forces of the United States", "Protesters (Pakistan)", "Taliban"]


def points_in_districts(districts, n: int, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """n random points, each inside a random district polygon (uniform over districts)."""
    which = rng.integers(0, len(districts), n)
    return (*generate_events.points_in_districts(districts, which, rng), which)


def generate(path: Path, n: int, districts, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    lat, lon, which = points_in_districts(districts, n, rng)
    days = rng.integers(0, 365 * 8, n)
    dates = (np.datetime64("2016-01-01") + days.astype("timedelta64[D]")).astype(str)
    kind = rng.integers(0, len(TYPES), n)
    pak = (districts["country"].to_numpy() == "PAK")[which]
    frame = pd.DataFrame({
        "event_id_cnty": np.where(pak, "PAK", "AFG") + pd.Series(np.arange(n)).astype(str).to_numpy(),
        "event_date": dates,
        "year": dates.astype("U4"),
        "time_precision": rng.choice(["1", "1", "1", "2", "3"], n),
        "disorder_type": "Political violence",
        "event_type": np.array([t[0] for t in TYPES])[kind],
        "sub_event_type": np.array([t[1] for t in TYPES])[kind],
        "actor1": np.array(ACTORS)[rng.integers(0, len(ACTORS), n)],
        "assoc_actor_1": "",
        "inter1": np.array([t[2] for t in TYPES])[kind],
        "actor2": "Civilians (Pakistan)",
        "assoc_actor_2": "",
        "inter2": "Civilians",
        "interaction": "Rebel group-Civilians",
        "civilian_targeting": "",
        "iso": np.where(pak, "586", "4"),
        "region": "Southern Asia",
        "country": np.where(pak, "Pakistan", "Afghanistan"),
        "admin1": districts["admin1"].fillna("").to_numpy()[which],
        "admin2": districts["admin2"].to_numpy()[which],
        "admin3": "",
        "location": districts["admin2"].to_numpy()[which],
        "latitude": np.round(lat, 4).astype(str),
        "longitude": np.round(lon, 4).astype(str),
        "geo_precision": rng.choice(["1", "1", "2", "3"], n),
        "source": "Dawn; Express Tribune",
        "source_scale": "National",
        "notes": "On this date, an armed group attacked a checkpost; casualties were reported.",
        "fatalities": rng.poisson(1.5, n).astype(str),
        "tags": "",
        "timestamp": "1700000000",
    }, columns=HEADER)
    frame.to_csv(path, index=False)


def naive(path: Path, sample: int, districts) -> float:
    """Seconds per row the naive way: csv.DictReader rows, one dict per event, each point tested
    against every district polygon in a Python loop (no spatial index)."""
    import csv
    import itertools

    shapes = list(zip(districts["district_id"], districts.geometry.values))
    start = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        for row in itertools.islice(csv.DictReader(handle), sample):
            date = dt.datetime.strptime(row["event_date"], "%Y-%m-%d").date()
            point = shapely.Point(float(row["longitude"]), float(row["latitude"]))
            district = next((d for d, shape in shapes if shape.contains(point)), None)
            _ = {"event_id": "acled:" + row["event_id_cnty"], "event_date": date,
                 "district_id": district, "fatalities": int(row["fatalities"])}
    return (time.perf_counter() - start) / sample


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--naive-sample", type=int, default=5_000)
    args = parser.parse_args()
    n = args.rows
    districts = geo.load_districts(ROOT / "data" / "raw" / "boundaries")
    tmp = Path(tempfile.mkdtemp(prefix="bench_import_"))
    try:
        path = tmp / "acled_export.csv"
        t = time.perf_counter()
        generate(path, n, districts)
        print(f"generated {n:,} rows ({path.stat().st_size / 1e6:,.0f} MB) in "
              f"{time.perf_counter() - t:.1f} s")

        stages = {}
        t = time.perf_counter()
        frame = read_table(path, "acled_export.csv")
        stages["read CSV (pyarrow)"] = time.perf_counter() - t
        t = time.perf_counter()
        events, rejects = acled.events(frame.rename(columns=acled.RENAMES), "acled_export.csv")
        stages["map to the schema"] = time.perf_counter() - t
        t = time.perf_counter()
        placed = geo.place_events(events, districts)
        stages["assign districts"] = time.perf_counter() - t
        t = time.perf_counter()
        good, invalid = schema.validate(placed)
        stages["validate"] = time.perf_counter() - t
        adapter_total = sum(stages.values())
        for name, seconds in stages.items():
            print(f"  {name:<24} {seconds:6.2f} s")
        print(f"import pipeline (read, map, districts, validate): {adapter_total:.2f} s = "
              f"{n / adapter_total:,.0f} rows/s; loaded {len(good):,}, rejected "
              f"{len(rejects) + invalid['source_line'].nunique():,} (the protests: not a category)")
        placed_share = good["district_id"].notna().mean()
        print(f"  events with a district: {placed_share:.1%}")

        data = tmp / "data"
        shutil.copytree(ROOT / "data" / "raw", data / "raw")
        shutil.copytree(ROOT / "data" / "reference", data / "reference")
        t = time.perf_counter()
        summary = import_file(path, data, data / "warehouse.duckdb", original="acled_export.csv")
        full = time.perf_counter() - t
        print(f"python -m etl import end to end (copy, rebuild with the bundled files, write the "
              f"warehouse, link duplicates): {full:.2f} s = {n / full:,.0f} rows/s")
        print("  " + summary.lines()[1])

        per_row = naive(path, args.naive_sample, districts)
        print(f"naive (csv.DictReader + per-row point-in-polygon loop), measured on "
              f"{args.naive_sample:,} rows: {per_row * 1e6:,.0f} us/row = {1 / per_row:,.0f} rows/s; "
              f"extrapolated to {n:,} rows: {per_row * n:,.0f} s "
              f"({per_row * n / adapter_total:,.0f}x the import pipeline)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
