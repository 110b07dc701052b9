"""An import added to the warehouse of the last build, when the imported files appended to its
inputs are all that changed (etl/inputs.py `added_imports`): the build copies the warehouse and changes
only what the new files touch, in the copy, renamed over the old at the end like any build.

The tables are those a full build of the same inputs writes (tests/etl/test_append.py compares
them): the new files come after the earlier imports and before the bundled files, so a new row
whose event id is already loaded from a bundled file takes its place (the bundled row becomes a
duplicate id), and one whose id an earlier import holds is a duplicate id; probable duplicates are
linked for the new events only (the pairs of the other events stay as they were), the clusters
and the figures they count with are worked out again, `points_rank` is updated where it moved,
the rows of the cube and of the first events are worked out again for the groups whose events
changed (derived.remember), the other derived tables and the coverage are rewritten whole.
The new rows are
stored after the others, in date order among themselves.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from etl import derived
from etl import duplicates
from etl import schema


def positions(con: duckdb.DuckDBPyConnection, names: list[str]) -> None:
    """Temporary table positions: every row of the staged event ids and of their twins (the same
    event under another dataset's id: duplicates.twins), staged, loaded or already a duplicate
    id, with its file's position in the build (`names`, build order); the staged ids'
    rows of table duplicates are taken out (stage.write_events ranks them again)."""
    con.register("file_orders", pd.DataFrame({"source_file": names, "file_order": range(len(names))}))
    try:
        # the staged ids and the ids of the same events under another dataset's prefix (a GED
        # import meets the bundled Candidate event of its id, duplicates.twins)
        con.execute(f"CREATE TEMP TABLE staged_ids AS SELECT DISTINCT event_id FROM staged_events "
                    f"UNION SELECT event_id FROM ({duplicates.twins('staged_events')})")
        con.execute("""CREATE TEMP TABLE positions AS
            SELECT event_id, source_file, source_line, file_order FROM staged_events
            UNION ALL SELECT e.event_id, e.source_file, e.source_line, o.file_order
                FROM events e SEMI JOIN staged_ids USING (event_id) JOIN file_orders o USING (source_file)
            UNION ALL SELECT d.event_id, d.source_file, d.source_line, o.file_order
                FROM duplicates d SEMI JOIN staged_ids USING (event_id) JOIN file_orders o USING (source_file)""")
    finally:
        con.unregister("file_orders")
    con.execute("DELETE FROM duplicates WHERE event_id IN (SELECT event_id FROM staged_ids)")


ADDED = "added_events"  # table of the copy: the ids of the events added (dropped by `done`)


def events(con: duckdb.DuckDBPyConnection) -> str:
    """The loaded rows the new files displace (now duplicate ids) out of events and
    quality_flags, the new files' loaded rows in (derived columns as for an event in no cluster;
    `links` corrects them). Returns the name of the table of the ids added (ADDED: a table of the
    warehouse, not of this connection, for revisions.record to read: the ids stay in DuckDB, not
    in Python)."""
    con.execute("CREATE TEMP TABLE displaced AS SELECT source_file, source_line FROM events "
                "SEMI JOIN repeated USING (source_file, source_line)")
    derived.remember(con, "SELECT * FROM events SEMI JOIN displaced USING (source_file, source_line)",
                     joined=False)
    for table in ("events", "quality_flags"):
        con.execute(f"DELETE FROM {table} USING displaced d WHERE {table}.source_file = "
                    f"d.source_file AND {table}.source_line = d.source_line")
    alone = ", ".join(value for _, _, value in derived.EVENT_COLUMNS)  # `links` corrects them
    # in date order, as a full build stores the events: a date-bounded query (the newest events,
    # the freshness caption) then skips the row groups of other dates in the added block too
    # (1M: 47 -> 20 ms for the Overview's recent events; the sort costs about 1 s)
    con.execute(f"INSERT INTO events SELECT l.* EXCLUDE (staged_row), {alone} FROM loaded l "
                f"ORDER BY l.event_date")
    con.execute(f"CREATE TABLE {ADDED} AS SELECT event_id FROM loaded")
    con.execute("DROP VIEW loaded; DROP VIEW staged_events; DROP TABLE staged_event_parts")
    return ADDED


def done(path) -> None:
    """Drop the tables of added ids and changed groups from the warehouse file at `path`."""
    con = duckdb.connect(str(path))
    try:
        con.execute(f"DROP TABLE IF EXISTS {ADDED}; DROP TABLE IF EXISTS {derived.CHANGED}; CHECKPOINT")
    finally:
        con.close()


def condition(files: list[str]) -> str:
    """SQL: the condition on table events of the events of the files `files` (an import's)."""
    return f"source_file IN ({', '.join(schema.sql_text(f) for f in files)})"


def links(con: duckdb.DuckDBPyConnection, files: list[str]) -> pd.DataFrame:
    """Probable duplicates after the new events (those of the files `files`: table ADDED holds
    their ids): the earlier pairs of the other events and the pairs of the new ones, in clusters
    worked out again; then the derived columns."""
    new_events = condition(files)
    before = con.execute("SELECT * FROM duplicate_links").df()
    # the new events among the linked ones: the few linked ids against the new events (not the
    # other way round: 10M new ids took 1 s)
    kept = con.execute(f"""WITH linked AS (SELECT event_id FROM duplicate_links
                                          UNION SELECT linked_event_id FROM duplicate_links),
                            new AS (SELECT event_id FROM events SEMI JOIN linked USING (event_id)
                                    WHERE {new_events})
        SELECT event_id, linked_event_id, days_apart, distance_km FROM duplicate_links
        WHERE event_id NOT IN (FROM new) AND linked_event_id NOT IN (FROM new)""").df()
    new = duplicates.link_table(con, "events", only=new_events, clusters=False)
    pairs = duplicates.clustered(con, "events", pd.concat([kept, new], ignore_index=True))
    duplicates.write(con, pairs)
    touched = pd.unique(pd.concat([before[c] for c in ("event_id", "linked_event_id")] +
                                  [pairs[c] for c in ("event_id", "linked_event_id")]))
    derived.update(con, pd.DataFrame({"event_id": pd.Series(touched, dtype=object)}))
    return pairs
