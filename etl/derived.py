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
from contract.tables import BY_NAME, CUBE_KEYS, EVENT_DERIVED, FIRSTS_KEYS
from etl import schema
from etl.duplicates import best_figures, ranks

POINTS_ORDER = "fatalities DESC NULLS LAST, event_date DESC, event_id"
# The columns the build adds to the schema's (contract/tables.py EVENT_DERIVED), in their order,
# with their value (SQL over the event's columns) for an event in no cluster of probable
# duplicates (points_rank: 0 until `update` ranks the events an import added).
_ALONE = {"is_secondary": "false", "fatalities_counted": "fatalities", "fatalities_from": "NULL",
          "injured_counted": "injured", "injured_from": "NULL", "points_rank": "0"}
EVENT_COLUMNS = tuple((c.name, c.sql_type, _ALONE[c.name]) for c in EVENT_DERIVED)


def events(con: duckdb.DuckDBPyConnection) -> None:
    """Table events: the build's temporary view `loaded` with is_secondary, the counted figures
    and points_rank, after the probable duplicates are linked (table duplicate_links: the flag
    and the counted figures come from them). Stored in date order: a date-bounded query then
    skips whole row groups (DuckDB's zone maps), at the cost of a sort in the build."""
    con.execute(schema.create_sql(BY_NAME["events"]))
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
    of_touched = "SELECT * FROM events SEMI JOIN touched_ids USING (event_id)"
    try:
        remember(con, of_touched, joined=False)
        con.execute("UPDATE events SET is_secondary = event_id IN (FROM duplicate_secondaries), "
                    "fatalities_counted = fatalities, fatalities_from = NULL, "
                    "injured_counted = injured, injured_from = NULL "
                    "WHERE event_id IN (SELECT event_id FROM touched_ids)")
        con.execute(f"UPDATE events SET fatalities_counted = b.fatalities_counted, "
                    f"fatalities_from = b.fatalities_from, injured_counted = b.injured_counted, "
                    f"injured_from = b.injured_from FROM ({best_figures('events')}) b "
                    f"WHERE events.event_id = b.event_id")
        remember(con, of_touched, joined=True)
    finally:
        con.unregister("dataset_ranks")
        con.unregister("touched_ids")
    # joined on the row id, not the event id (1M rows: 0.65 -> 0.46 s)
    con.execute(f"UPDATE events SET points_rank = r.points_rank FROM (SELECT rowid AS row_id, "
                f"row_number() OVER (ORDER BY {POINTS_ORDER})::INTEGER AS points_rank FROM events) r "
                f"WHERE events.rowid = r.row_id AND events.points_rank IS DISTINCT FROM r.points_rank")


# A cube row's group: the year, CUBE_KEYS and whether the event has a point.
GROUP = (f"make_date(year(event_date), 1, 1) AS event_date, {', '.join(CUBE_KEYS)}, "
         f"latitude IS NOT NULL AS has_point")
GROUP_KEYS = ("event_date", *CUBE_KEYS, "has_point")
CHANGED = "changed_events"  # table of a copy an import adds to: the events that changed (`remember`)


def remember(con: duckdb.DuckDBPyConnection, events: str, joined: bool) -> None:
    """The events of `events` (SQL: a query of rows of table events) into table CHANGED, before
    an import changes or deletes them (`joined` false: they leave their groups) or after it
    changed them (true: they join their groups), each with its group (GROUP) and what makes an
    event first (event_firsts): `write` works out those groups again."""
    columns = f"{GROUP}, {joined} AS joined, event_date AS day, {', '.join(FIRST[1:])}"
    con.execute(f"CREATE TABLE IF NOT EXISTS {CHANGED} AS SELECT {columns} FROM events LIMIT 0")
    con.execute(f"INSERT INTO {CHANGED} SELECT {columns} FROM ({events})")


def write(path: Path, new: str | None = None) -> None:
    """Tables event_cube, event_firsts, event_unmapped and event_signals in the warehouse at
    `path` (its events have their derived columns). With `new` (SQL: the condition on events
    that an import added; the events it changed are in table CHANGED), the rows of the cube
    and of the first events are worked out only for the groups of those events."""
    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    try:
        if new:
            write_groups(con, new)
        else:
            con.execute(f"CREATE OR REPLACE TABLE event_cube AS {_cube('events')} "
                        f"ORDER BY event_date, {', '.join(CUBE_KEYS)}")
            write_firsts(con)
        write_unmapped(con)
        write_signals(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()


MEASURES = "event_date AS day, fatalities, injured, fatalities_counted, injured_counted"


def _cube(events: str) -> str:
    """SQL: the rows of event_cube of the events of `events` (a table or a subquery)."""
    return _counted(f"(SELECT {GROUP}, {MEASURES} FROM {events})")


def _counted(rows: str) -> str:
    """SQL: the rows of event_cube of `rows` (SQL: GROUP_KEYS and MEASURES of events)."""
    return (f"SELECT {', '.join(GROUP_KEYS)}, count(*) AS events, max(day) AS last_date, "
            f"sum(fatalities) AS fatalities, sum(injured) AS injured, "
            f"sum(fatalities_counted) AS fatalities_counted, sum(injured_counted) AS injured_counted "
            f"FROM {rows} GROUP BY ALL")


FIRST = ("day", "event_id", "source_name", "source_url")  # what makes an event first, in order


def _firsts(rows: str) -> str:
    """SQL: the rows of event_firsts of `rows` (SQL: FIRSTS_KEYS and FIRST of events)."""
    keys = ", ".join(FIRSTS_KEYS)
    # a struct compares field by field: the earliest date, then the smallest id (ids are unique)
    first = ", ".join(f"'{c}': {c}" for c in FIRST)
    columns = ", ".join(f"earliest.{c} AS {c}" for c in FIRST[1:])
    return (f"SELECT earliest.day AS event_date, {keys}, {columns} "
            f"FROM (SELECT {keys}, min({{{first}}}) AS earliest FROM {rows} GROUP BY ALL)")


def _of_events(keys, where: str = "true") -> str:
    """SQL: `keys` and FIRST of the events `where`."""
    return f"(SELECT {', '.join(keys)}, event_date AS day, {', '.join(FIRST[1:])} FROM events WHERE {where})"


def _same(keys, a: str, b: str) -> str:
    """SQL: rows `a` and `b` have the same `keys` (NULL matching NULL)."""
    return " AND ".join(f"{a}.{k} IS NOT DISTINCT FROM {b}.{k}" for k in keys)


def write_groups(con: duckdb.DuckDBPyConnection, new: str) -> None:
    """The rows of event_cube and event_firsts of the groups of the events an import added
    (`new`: SQL, their condition) or changed (table CHANGED) worked out again (adding 100k
    events to 1M: 0.6 s for the whole tables). A cube group of the changed events is counted
    again from its events, the groups of the new events (their file's) from them; a group of
    first events that an event left is worked out again from its events, one that only gained
    events keeps the earlier of its first event and theirs."""
    con.execute(f"CREATE TEMP TABLE cube_groups AS SELECT DISTINCT {', '.join(GROUP_KEYS)} FROM {CHANGED}")
    con.execute(f"DELETE FROM event_cube c USING cube_groups g WHERE {_same(GROUP_KEYS, 'c', 'g')}")
    same = _same(GROUP_KEYS, "e", "g")
    for where, join in (("true", "SEMI"), (new, "ANTI")):  # the changed groups, the new others
        rows = (f"(SELECT e.* FROM (SELECT {GROUP}, {MEASURES} FROM events WHERE {where}) e "
                f"{join} JOIN cube_groups g ON {same})")
        con.execute(f"INSERT INTO event_cube {_counted(rows)}")

    keys = ", ".join(FIRSTS_KEYS)
    same = _same(FIRSTS_KEYS, "e", "g")
    con.execute(f"CREATE TEMP TABLE left_groups AS SELECT DISTINCT {keys} FROM {CHANGED} WHERE NOT joined")
    con.execute(f"DELETE FROM event_firsts e USING left_groups g WHERE {same}")
    of_left = f"(SELECT e.* FROM {_of_events(FIRSTS_KEYS)} e SEMI JOIN left_groups g ON {same})"
    con.execute(f"INSERT INTO event_firsts {_firsts(of_left)}")
    # the other groups that gained events: the first of those events, then of it and the first before
    gained = (f"(SELECT * FROM (SELECT {keys}, {', '.join(FIRST)} FROM {CHANGED} WHERE joined UNION ALL "
              f"SELECT * FROM {_of_events(FIRSTS_KEYS, new)}) e ANTI JOIN left_groups g ON {same})")
    con.execute(f"CREATE TEMP TABLE gained_firsts AS {_firsts(gained)}")
    both = (f"(SELECT {keys}, event_date AS day, {', '.join(FIRST[1:])} FROM (SELECT * FROM gained_firsts "
            f"UNION ALL SELECT * FROM event_firsts e SEMI JOIN gained_firsts g ON {same}))")
    con.execute(f"CREATE TEMP TABLE merged_firsts AS {_firsts(both)}")
    con.execute(f"DELETE FROM event_firsts e USING gained_firsts g WHERE {same}")
    con.execute("INSERT INTO event_firsts SELECT * FROM merged_firsts")


def write_firsts(con: duckdb.DuckDBPyConnection) -> None:
    """Table event_firsts (see the module's docstring), from the events with is_secondary set."""
    con.execute(f"CREATE OR REPLACE TABLE event_firsts AS {_firsts(_of_events(FIRSTS_KEYS))} "
                f"ORDER BY event_date, {', '.join(FIRSTS_KEYS)}")


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
