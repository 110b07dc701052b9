"""What the build derives from the events so that a page's queries stay fast at millions of events.

Nothing here is new information; each item is recomputed from `events` at every build:
- `events.is_secondary`: the view `duplicate_secondaries` (etl/duplicates.py) as a column, so that
  every filtered query tests a flag instead of anti-joining the view;
- `events.fatalities_counted` / `injured_counted` and `fatalities_from` / `injured_from`: the
  figures an event counts with when probable duplicates count once (a cluster's counted event
  carries the best figures of its members, etl/duplicates.py `best_figures`; every other event its
  own), and the member each came from; `fatalities` / `injured` stay the source's own;
- `events.points_rank`: the events in the order the maps draw them (deadliest first, then newest,
  then by id), so "the N points to draw" is a top-N over one integer column;
- `event_cube`: the events counted per year, place, category, actor group, dataset, source file,
  date precision, duplicate flag and whether it has a point, with the sums of fatalities and injured. Its `event_date` is
  the first day of the year, so `Filters.where()` applies to it unchanged; queries that need no
  finer time or other columns read it instead of the events (at a million synthetic events it has
  about 160,000 rows, far fewer for real data, where events cluster).
- `event_firsts`: per combination of the columns a filter tests (FIRSTS_KEYS), the first event
  (earliest date, then smallest id) with its date, id and source. Its `event_date` is that first
  date, so `Filters.where()` applies to it unchanged; the first event of any selection is the
  first of its rows' first events (the new districts of a group, indicators/spread.py).
"""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl.duplicates import best_figures

CUBE_KEYS = ("country", "admin1", "district_id", "category", "actor_group", "dataset", "source_file",
             "date_precision", "is_secondary")
POINTS_ORDER = "fatalities DESC NULLS LAST, event_date DESC, event_id"
# every column Filters.where() tests but the date (indicators/filters.py)
FIRSTS_KEYS = ("country", "admin1", "district_id", "category", "actor_group", "dataset",
               "date_precision", "is_secondary")


def write(path: Path) -> None:
    """Add is_secondary and points_rank to the events and write event_cube, in the warehouse at
    `path` (after the probable duplicates are linked: the flag and the cube come from them)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("ALTER TABLE events ADD COLUMN is_secondary BOOLEAN DEFAULT false")
        con.execute("UPDATE events SET is_secondary = true "
                    "WHERE event_id IN (SELECT event_id FROM duplicate_secondaries)")
        best_figures(con)
        con.execute("ALTER TABLE events ADD COLUMN points_rank INTEGER")
        con.execute(f"UPDATE events SET points_rank = r.rank FROM (SELECT event_id, row_number() "
                    f"OVER (ORDER BY {POINTS_ORDER})::INTEGER AS rank FROM events) r "
                    f"WHERE events.event_id = r.event_id")
        keys = ", ".join(CUBE_KEYS)
        con.execute(f"CREATE TABLE event_cube AS SELECT make_date(year(event_date), 1, 1) AS event_date, "
                    f"{keys}, latitude IS NOT NULL AS has_point, count(*) AS events, sum(fatalities) AS fatalities, sum(injured) AS injured, "
                    f"sum(fatalities_counted) AS fatalities_counted, sum(injured_counted) AS injured_counted "
                    f"FROM events GROUP BY ALL ORDER BY event_date, {keys}")
        write_firsts(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def write_firsts(con: duckdb.DuckDBPyConnection) -> None:
    """Table event_firsts (see the module's docstring), from the events with is_secondary set."""
    keys = ", ".join(FIRSTS_KEYS)
    # a struct compares field by field: the earliest date, then the smallest id (ids are unique)
    first = ", ".join(f"'{c}': {c}" for c in ("event_date", "event_id", "source_name", "source_url"))
    columns = ", ".join(f"earliest.{c} AS {c}" for c in ("event_id", "source_name", "source_url"))
    con.execute(f"CREATE TABLE event_firsts AS SELECT earliest.event_date AS event_date, {keys}, {columns} "
                f"FROM (SELECT {keys}, min({{{first}}}) AS earliest FROM events GROUP BY ALL) "
                f"ORDER BY event_date, {keys}")
