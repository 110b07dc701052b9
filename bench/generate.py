"""Synthetic events for the benchmarks, in ACLED's export columns (or GTD's, `--shape gtd`: the
same events with two-line summaries, as real GTD exports have), as CSV and as Parquet.

    .venv/bin/python bench/generate.py --rows 1000000 [--out bench/.data] [--seed 7]

The events are synthetic, made to look like a real regional export, and never shipped or shown
as data:
- dates 1995-2025, more events each year (about 9% a year, as conflict-event counts grew), on any
  day; time_precision 1 (day) for most rows, 2 (week) and 3 (month) for some;
- points drawn inside the real district polygons of data/raw/boundaries, each district weighted by
  its 2017 census population (data/population; districts without a census figure, Afghanistan's,
  weigh the median district), admin1/admin2 of that district;
- ACLED event and sub-event types mixed as in a South Asia export (about 10% protests, which the
  import quarantines as outside the dashboard's categories), actor names of the real groups;
- fatalities with a long tail: most events none, a few dozens or hundreds.
Rows are written a million at a time, so 10M rows need about 2 GB of memory. Files already
generated with the same size and seed are reused.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import geo, population  # noqa: E402

OUT = ROOT / "bench" / ".data"
CHUNK = 1_000_000
YEARS = np.arange(1995, 2026)
GROWTH = 1.09
HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
          "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
          "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
          "source_scale,notes,fatalities,tags,timestamp").split(",")
# (event_type, sub_event_type, inter1, weight)
TYPES = [("Explosions/Remote violence", "Remote explosive/landmine/IED", "Rebel group", 0.22),
         ("Battles", "Armed clash", "Rebel group", 0.20),
         ("Violence against civilians", "Attack", "Rebel group", 0.16),
         ("Battles", "Armed clash", "State forces", 0.12),
         ("Explosions/Remote violence", "Suicide bomb", "Rebel group", 0.06),
         ("Explosions/Remote violence", "Grenade", "Rebel group", 0.05),
         ("Explosions/Remote violence", "Air/drone strike", "External/Other forces", 0.04),
         ("Strategic developments", "Arrests", "State forces", 0.05),
         ("Protests", "Peaceful protest", "Protesters", 0.10)]
ACTORS = [("Tehrik-i-Taliban Pakistan (TTP)", 0.30), ("Islamic State Khorasan Province", 0.15),
          ("Unidentified Armed Group (Pakistan)", 0.20), ("Taliban", 0.15),
          ("Jamaat-ul-Ahrar", 0.06), ("Lashkar-e-Jhangvi", 0.04), ("Baloch Liberation Army", 0.10)]
STATE = {"State forces": "Military Forces of Pakistan (2018-)",
         "External/Other forces": "Military Forces of the United States",
         "Protesters": "Protesters (Pakistan)"}
NOTES = ["On this date, an armed group attacked a checkpost; casualties were reported.",
         "An improvised explosive device went off near a market.",
         "Militants fired on a police patrol; the attackers fled.",
         "Security forces clashed with militants during a search operation."]


def district_weights(districts: pd.DataFrame) -> np.ndarray:
    """Each district's share of the events: its 2017 census population (median where unknown)."""
    people, _ = population.load_population(ROOT / "data", districts)
    pop = districts["district_id"].map(people.set_index("district_id")["pop_2017"]).astype(float)
    weights = pop.fillna(pop.median()).to_numpy()
    return weights / weights.sum()


def points_in_districts(districts, which: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """A random point inside district number `which[i]` for each i (rejection sampling)."""
    n = len(which)
    lat, lon = np.empty(n), np.empty(n)
    for i, shape in enumerate(districts.geometry.values):
        idx = np.flatnonzero(which == i)
        minx, miny, maxx, maxy = shape.bounds
        shapely.prepare(shape)
        filled = 0
        while filled < len(idx):
            k = max(64, 3 * (len(idx) - filled))
            x, y = rng.uniform(minx, maxx, k), rng.uniform(miny, maxy, k)
            ok = shapely.contains_xy(shape, x, y)
            take = min(int(ok.sum()), len(idx) - filled)
            lon[idx[filled:filled + take]] = x[ok][:take]
            lat[idx[filled:filled + take]] = y[ok][:take]
            filled += take
    return lat, lon


def chunk(districts, weights, start: int, n: int, rng) -> pa.Table:
    """Rows start .. start+n-1 as an Arrow table of text columns (ACLED's CSV cells)."""
    which = rng.choice(len(districts), n, p=weights)
    lat, lon = points_in_districts(districts, which, rng)
    year_w = GROWTH ** (YEARS - YEARS[0])
    years = rng.choice(YEARS, n, p=year_w / year_w.sum())
    dates = ((years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
             + rng.integers(0, 365, n).astype("timedelta64[D]"))
    kind = rng.choice(len(TYPES), n, p=[t[3] for t in TYPES])
    inter1 = np.array([t[2] for t in TYPES])[kind]
    group = np.array([a for a, _ in ACTORS])[rng.choice(len(ACTORS), n, p=[w for _, w in ACTORS])]
    actor1 = pd.Series(inter1).map(STATE).fillna(pd.Series(group)).to_numpy()
    tail = np.minimum(np.floor(rng.pareto(1.2, n) * 2), 500).astype(int)
    fatalities = np.where(rng.random(n) < 0.55, 0, 1 + tail)
    fatalities[kind == len(TYPES) - 1] = 0  # peaceful protests
    pak = (districts["country"].to_numpy() == "PAK")[which]
    admin2 = districts["admin2"].to_numpy()[which]
    cols = {
        "event_id_cnty": np.char.add(np.where(pak, "PAK", "AFG"), (np.arange(start, start + n)).astype(str)),
        "event_date": dates.astype(str),
        "year": years.astype(str),
        "time_precision": rng.choice(["1", "2", "3"], n, p=[0.85, 0.10, 0.05]),
        "disorder_type": np.where(kind == len(TYPES) - 1, "Demonstrations", "Political violence"),
        "event_type": np.array([t[0] for t in TYPES])[kind],
        "sub_event_type": np.array([t[1] for t in TYPES])[kind],
        "actor1": actor1,
        "assoc_actor_1": np.full(n, ""),
        "inter1": inter1,
        "actor2": np.where(pak, "Civilians (Pakistan)", "Civilians (Afghanistan)"),
        "assoc_actor_2": np.full(n, ""),
        "inter2": np.full(n, "Civilians"),
        "interaction": np.full(n, "Rebel group-Civilians"),
        "civilian_targeting": np.where(kind == 2, "Civilian targeting", ""),
        "iso": np.where(pak, "586", "4"),
        "region": np.full(n, "Southern Asia"),
        "country": np.where(pak, "Pakistan", "Afghanistan"),
        "admin1": districts["admin1"].fillna("").to_numpy()[which],
        "admin2": admin2,
        "admin3": np.full(n, ""),
        "location": admin2,
        "latitude": np.round(lat, 4).astype(str),
        "longitude": np.round(lon, 4).astype(str),
        "geo_precision": rng.choice(["1", "2", "3"], n, p=[0.7, 0.2, 0.1]),
        "source": np.full(n, "Dawn; Express Tribune"),
        "source_scale": np.full(n, "National"),
        "notes": np.array(NOTES)[rng.integers(0, len(NOTES), n)],
        "fatalities": fatalities.astype(str),
        "tags": np.full(n, ""),
        "timestamp": np.full(n, "1700000000"),
    }
    return pa.table({name: pa.array(cols[name], type=pa.string()) for name in HEADER})


GTD_TYPES = {"Remote explosive/landmine/IED": "Bombing/Explosion", "Suicide bomb": "Bombing/Explosion",
             "Grenade": "Bombing/Explosion", "Armed clash": "Armed Assault", "Attack": "Armed Assault",
             "Air/drone strike": "Bombing/Explosion", "Arrests": "Hostage Taking (Kidnapping)",
             "Peaceful protest": "Unknown"}
# GTD's export has 135 columns; the ones the adapter does not read are written empty.
GTD_OTHER = [f"gtd_column_{i}" for i in range(1, 115)]


def gtd_chunk(table: pa.Table) -> pa.Table:
    """The same synthetic events in GTD's export columns: year/month/day, a summary of two lines
    (real GTD summaries have line breaks inside the quoted cell), fractional and -99 death counts."""
    col = {name: table.column(name).to_numpy(zero_copy_only=False) for name in table.column_names}
    n = table.num_rows
    date = col["event_date"].astype("datetime64[D]")
    year = date.astype("datetime64[Y]").astype(int) + 1970
    month = date.astype("datetime64[M]").astype(int) % 12 + 1
    day = (date - date.astype("datetime64[M]")).astype(int) + 1
    deaths = col["fatalities"].astype(object)
    deaths[::97] = "-99"
    deaths[5::211] = "0.5"
    cols = {
        "eventid": np.char.add("2", col["event_id_cnty"].astype(str)),
        "iyear": year.astype(str), "imonth": month.astype(str), "iday": day.astype(str),
        "country_txt": col["country"], "provstate": col["admin1"], "city": col["location"],
        "location": np.full(n, ""), "latitude": col["latitude"], "longitude": col["longitude"],
        "specificity": np.full(n, "1"),
        "attacktype1_txt": pd.Series(col["sub_event_type"]).map(GTD_TYPES).to_numpy(),
        "targtype1_txt": np.full(n, "Police"), "target1": np.full(n, "Checkpost"),
        "gname": col["actor1"], "gname2": np.full(n, ""), "nkill": deaths.astype(str),
        "nwound": np.full(n, "-99"),
        "summary": np.char.add(np.char.add(col["event_date"].astype(str), ": "),
                               np.char.add(col["notes"].astype(str), "\nA second line of the summary.")),
        "scite1": np.full(n, "\"Militants attack checkpost,\" Dawn, 2016."), "dbsource": np.full(n, "START"),
    }
    cols.update({name: np.full(n, "") for name in GTD_OTHER})
    return pa.table({name: pa.array(values, type=pa.string()) for name, values in cols.items()})


def generate(rows: int, out: Path = OUT, seed: int = 7, progress=print, first_id: int = 0,
             shape: str = "acled") -> tuple[Path, Path]:
    """Write <shape>_<rows>.csv and .parquet under `out` (reused when already there); event ids
    from `first_id` on (a second file that adds events instead of repeating ids)."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{shape}_{rows}_s{seed}" + (f"_from{first_id}" if first_id else "")
    csv_path, parquet_path = out / f"{stem}.csv", out / f"{stem}.parquet"
    if csv_path.exists() and parquet_path.exists():
        return csv_path, parquet_path
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    districts = geo.load_districts(ROOT / "data" / "raw" / "boundaries")
    weights = district_weights(districts)
    tmp_csv, tmp_parquet = csv_path.with_suffix(".csv.tmp"), parquet_path.with_suffix(".parquet.tmp")
    names = HEADER if shape == "acled" else list(gtd_chunk(chunk(districts, weights, 0, 1, rng)).column_names)
    schema = pa.schema([(name, pa.string()) for name in names])
    with pacsv.CSVWriter(tmp_csv, schema) as csv_out, pq.ParquetWriter(tmp_parquet, schema) as pq_out:
        for first in range(0, rows, CHUNK):
            table = chunk(districts, weights, first_id + first, min(CHUNK, rows - first), rng)
            table = gtd_chunk(table) if shape == "gtd" else table
            csv_out.write_table(table)
            pq_out.write_table(table)
            progress(f"  generated {first + table.num_rows:,} of {rows:,} rows")
    tmp_csv.rename(csv_path)
    tmp_parquet.rename(parquet_path)
    progress(f"generated {rows:,} rows in {time.perf_counter() - start:.1f} s: {csv_path.name} "
             f"({csv_path.stat().st_size / 1e6:,.0f} MB), {parquet_path.name} "
             f"({parquet_path.stat().st_size / 1e6:,.0f} MB)")
    return csv_path, parquet_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shape", choices=("acled", "gtd"), default="acled")
    parser.add_argument("--first-id", type=int, default=0,
                        help="the first event id (a second file that adds events instead of repeating ids)")
    args = parser.parse_args()
    for path in generate(args.rows, args.out, args.seed, first_id=args.first_id, shape=args.shape):
        print(path)


if __name__ == "__main__":
    main()
