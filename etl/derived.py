"""What the build derives from the events so that a page's queries stay fast at millions of events.

Nothing here is new information; each item is computed from `events` at every build (updated where
an import only adds rows: etl/append.py):
- `events.is_secondary`: the view `duplicate_secondaries` (etl/duplicates.py) as a column, so that
  every filtered query tests a flag instead of anti-joining the view;
- `events.fatalities_counted` / `injured_counted` and `fatalities_from` / `injured_from`: the
  figures an event counts with when probable duplicates count once (a cluster's counted event
  carries the best figures of its members, etl/duplicates.py `best_figures`; every other event its
  own), and the member each came from; `fatalities` / `injured` stay the source's own;
- `events.points_rank`: the events in the order the maps draw them (deadliest first, then newest,
  then by id), so "the N points to draw" is a top-N over one integer column;
- `event_cube`: the events counted per year, place, category, actor group, dataset, source file,
  date precision, duplicate flag and whether it has a point, with the sums of fatalities and injured
  and the last day with an event (`last_date`: the newest event shown, coverage.freshness). Its `event_date` is
  the first day of the year, so `Filters.where()` applies to it unchanged; queries that need no
  finer time or other columns read it instead of the events (at a million synthetic events it has
  about 250,000 rows, far fewer for real data, where events cluster).
- `event_firsts`: per combination of the columns a filter tests (FIRSTS_KEYS), the first event
  (earliest date, then smallest id) with its date, id and source. Its `event_date` is that first
  date, so `Filters.where()` applies to it unchanged; the first event of any selection is the
  first of its rows' first events (the new districts of a group, indicators/spread.py).
- `event_unmapped`: the events with no district of the boundary layer, or no province of the
  province layer named by their country and admin1, counted as in `event_cube` (its keys and
  geo_precision); what a map cannot place (indicators/geography.py not_on_map, overview.unplaced)
  is among them (230 events of a million synthetic ones).
- `event_signals`: the events of the signal categories (contract/schema.py SIGNAL_CATEGORIES:
  propaganda, allegiance, recruitment, organisation) with every column, in date order; the
  Timeline's lineage and the pledges marked on time axes read them (indicators/timeline.py)
  instead of finding a few rare events among all (35 of a million synthetic ones).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from contract.schema import SIGNAL_CATEGORIES
from etl import schema
from etl.duplicates import best_figures, ranks

CUBE_KEYS = ("country", "admin1", "district_id", "category", "actor_group", "dataset", "source_file",
             "date_precision", "is_secondary")
POINTS_ORDER = "fatalities DESC NULLS LAST, event_date DESC, event_id"
# every column Filters.where() tests but the date (indicators/filters.py)
FIRSTS_KEYS = ("country", "admin1", "district_id", "category", "actor_group", "dataset",
               "date_precision", "is_secondary")
# The columns the build adds to the schema's (contract/schema.py), in this order, with their
# value (SQL over the event's columns) for an event in no cluster of probable duplicates.
EVENT_COLUMNS = (("is_secondary", "BOOLEAN DEFAULT false", "false"),
                 ("fatalities_counted", "DOUBLE", "fatalities"), ("fatalities_from", "VARCHAR", "NULL"),
                 ("injured_counted", "DOUBLE", "injured"), ("injured_from", "VARCHAR", "NULL"),
                 ("points_rank", "INTEGER", "NULL"))


def events(con: duckdb.DuckDBPyConnection) -> None:
    """Table events: the build's temporary view `loaded` with is_secondary, the counted figures
    and points_rank, after the probable duplicates are linked (table duplicate_links: the flag
    and the counted figures come from them). Stored in date order: a date-bounded query then
    skips whole row groups (DuckDB's zone maps): the Overview's recent events at 1M took 20 ms
    against 50-65 ms unordered; the sort costs about 1.5 s of a 1M-row build."""
    con.execute(schema.events_ddl())
    for name, sql_type, _ in EVENT_COLUMNS:
        con.execute(f"ALTER TABLE events ADD COLUMN {name} {sql_type}")
    con.register("dataset_ranks", ranks())
    try:
        # the rank over the four columns it needs (a window over whole rows moves all of them)
        con.execute(f"CREATE TEMP TABLE points_ranks AS SELECT staged_row, row_number() OVER "
                    f"(ORDER BY {POINTS_ORDER})::INTEGER AS points_rank FROM loaded")

        con.execute(f"""INSERT INTO events
            SELECT l.* EXCLUDE (staged_row), s.event_id IS NOT NULL,
                   CASE WHEN b.event_id IS NULL THEN l.fatalities ELSE b.fatalities_counted END,
                   b.fatalities_from,
                   CASE WHEN b.event_id IS NULL THEN l.injured ELSE b.injured_counted END,
                   b.injured_from, p.points_rank
            FROM loaded l JOIN points_ranks p USING (staged_row)
            LEFT JOIN ({best_figures("loaded")}) b USING (event_id)
            LEFT JOIN (SELECT DISTINCT event_id FROM duplicate_secondaries) s USING (event_id)
            ORDER BY l.event_date, l.event_id""")
    finally:
        con.unregister("dataset_ranks")
    con.execute("DROP TABLE points_ranks; DROP VIEW loaded; DROP VIEW staged_events; DROP TABLE staged_event_parts")


def update(con: duckdb.DuckDBPyConnection, touched: pd.DataFrame) -> None:
    """After an import added to the warehouse (etl/append.py): is_secondary and the counted
    figures of the events in a cluster before or after it (`touched`, column event_id) worked
    out again, and points_rank of every event (an update of the ranks that moved)."""
    con.register("touched_ids", touched)
    con.register("dataset_ranks", ranks())
    try:
        con.execute("UPDATE events SET is_secondary = event_id IN (FROM duplicate_secondaries), "
                    "fatalities_counted = fatalities, fatalities_from = NULL, "
                    "injured_counted = injured, injured_from = NULL "
                    "WHERE event_id IN (SELECT event_id FROM touched_ids)")
        con.execute(f"UPDATE events SET fatalities_counted = b.fatalities_counted, "
                    f"fatalities_from = b.fatalities_from, injured_counted = b.injured_counted, "
                    f"injured_from = b.injured_from FROM ({best_figures('events')}) b "
                    f"WHERE events.event_id = b.event_id")
    finally:
        con.unregister("dataset_ranks")
        con.unregister("touched_ids")
    # joined on the row id, not the event id (1M rows: 0.65 -> 0.46 s)
    con.execute(f"UPDATE events SET points_rank = r.points_rank FROM (SELECT rowid AS row_id, "
                f"row_number() OVER (ORDER BY {POINTS_ORDER})::INTEGER AS points_rank FROM events) r "
                f"WHERE events.rowid = r.row_id AND events.points_rank IS DISTINCT FROM r.points_rank")


def write(path: Path) -> None:
    """Table event_cube in the warehouse at `path` (its events have their derived columns)."""
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    try:
        keys = ", ".join(CUBE_KEYS)
        con.execute(f"CREATE OR REPLACE TABLE event_cube AS SELECT make_date(year(event_date), 1, 1) AS event_date, "
                    f"{keys}, latitude IS NOT NULL AS has_point, count(*) AS events, max(event_date) AS last_date, "
                    f"sum(fatalities) AS fatalities, sum(injured) AS injured, "
                    f"sum(fatalities_counted) AS fatalities_counted, sum(injured_counted) AS injured_counted "
                    f"FROM events GROUP BY ALL ORDER BY event_date, {keys}")
        write_firsts(con)
        write_unmapped(con)
        write_signals(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


def write_firsts(con: duckdb.DuckDBPyConnection) -> None:
    """Table event_firsts (see the module's docstring), from the events with is_secondary set."""
    keys = ", ".join(FIRSTS_KEYS)
    # a struct compares field by field: the earliest date, then the smallest id (ids are unique)
    first = ", ".join(f"'{c}': {c}" for c in ("event_date", "event_id", "source_name", "source_url"))
    columns = ", ".join(f"earliest.{c} AS {c}" for c in ("event_id", "source_name", "source_url"))
    con.execute(f"CREATE OR REPLACE TABLE event_firsts AS SELECT earliest.event_date AS event_date, {keys}, {columns} "
                f"FROM (SELECT {keys}, min({{{first}}}) AS earliest FROM events GROUP BY ALL) "
                f"ORDER BY event_date, {keys}")


def write_unmapped(con: duckdb.DuckDBPyConnection) -> None:
    """Table event_unmapped (see the module's docstring), from the events with is_secondary set
    and the tables districts and provinces."""
    keys = ", ".join(f"e.{k}" for k in CUBE_KEYS)
    con.execute(f"""CREATE OR REPLACE TABLE event_unmapped AS
        SELECT make_date(year(e.event_date), 1, 1) AS event_date, {keys}, e.geo_precision, count(*) AS events
        FROM events e
        WHERE NOT EXISTS (SELECT 1 FROM districts d WHERE d.district_id = e.district_id)
           OR NOT EXISTS (SELECT 1 FROM provinces u WHERE u.country = e.country AND u.admin1 = e.admin1)
        GROUP BY ALL ORDER BY ALL""")


def write_signals(con: duckdb.DuckDBPyConnection) -> None:
    """Table event_signals (see the module's docstring), from the events with their derived columns."""
    categories = ", ".join(schema.sql_text(c) for c in SIGNAL_CATEGORIES)
    con.execute(f"CREATE OR REPLACE TABLE event_signals AS SELECT * FROM events "
                f"WHERE category IN ({categories}) ORDER BY event_date, event_id")
