"""Staging: each input file's outcome read, placed, checked and kept in the cache (etl/filecache.py),
then the SQL that makes the staged rows of a build from the cache's Parquet files and writes the
tables of the outcome (duplicates, quality flags, rejects, out of scope) from them.

The staged rows are keyed in SQL: the rejects, flags and rows out of scope by their part's number
and their place in it (`part_order`), the events by their Parquet file's number and their row in
it (`staged_row`).
"""
from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from pathlib import Path

import duckdb
import pandas as pd

from etl import filecache, geo, schema, targets
from etl import duplicates as links
from etl.inputs import BuildError
from etl.progress import Progress, Reading
from etl.read.files import READS
from etl.read.plan import Reread
from etl.sources.registry import FORMATS

# part_order = part number * PART_ORDER_STRIDE + the row's place among the part's rejects (or
# flags, or rows out of scope), which stays below it
PART_ORDER_STRIDE = 1_000_000_000
# staged_row = Parquet file number * STAGED_ROW_STRIDE + the row in the file (2**32 rows a file)
STAGED_ROW_STRIDE = 2 ** 32


def stage_file(cache: Path, key: str, path: Path, name: str, entry: dict, districts,
               today: dt.date, progress: Progress) -> filecache.Writer:
    """The file's outcome written into the cache under `key` (nothing is kept if it fails), with
    the rows read so far and their rate after each part. A CSV is read the ways of files.READS
    in turn: the next when DuckDB refuses a row part way or the rows streamed do not add up to
    the file's lines (Reread); what was written of the failed read is dropped."""
    start, size = time.perf_counter(), path.stat().st_size / 1e6
    for how in READS:
        try:
            with filecache.Writer(cache, key, today) as writer:
                for outcome, latest in load_file(path, name, entry["format"], districts, today, how):
                    writer.add(outcome, latest)
                    unfinished = outcome.read is not None and outcome.read[0] < outcome.read[1]
                    if writer.count > 1 or size > 50 or unfinished:
                        progress(Reading.of(name, writer.rows, outcome.read, size,
                                            time.perf_counter() - start))
            return writer
        except (Reread, duckdb.Error) as err:
            if how == READS[-1]:
                raise
            progress(f"{name}: read again ({type(err).__name__}: {str(err).splitlines()[0][:120]})")
    raise AssertionError("unreachable")  # pragma: no cover


def load_file(path: Path, name: str, fmt: str, districts, today: dt.date, how: str = "checked"):
    """The file's outcome chunk by chunk, its events placed in districts, their targets classed
    and the contract checked (row by row: a chunk's result depends on no other row, so it can be
    kept in the cache; it depends on `today` through the check of future dates), each with the
    latest date of its rows that reached the contract (None: none)."""
    con = duckdb.connect()  # where the contract is checked (schema.check)
    try:
        con.execute("SET enable_progress_bar = false")
        for outcome in _ahead(FORMATS[fmt].chunks(path, name, how)):
            events = outcome.events
            latest = None
            for column in schema.DATE_COLUMNS:  # one date type for every file's frame
                if column in events:
                    events[column] = pd.to_datetime(events[column]).astype("datetime64[s]")
                    last = events[column].max()
                    if pd.notna(last) and (latest is None or last.date() > latest):
                        latest = last.date()
            flags = outcome.flags
            if len(events):  # placing flags a point in the other country's district
                events, placing = geo.place_events(events, districts)
                events = targets.add_target_classes(events)
                if len(placing):
                    flags = pd.concat([flags, placing], ignore_index=True) if len(flags) else placing
            checked = schema.check(con, events, today, outcome.rejects, flags)
            yield schema.Outcome(*checked, outcome.out_of_scope, rows_read=outcome.rows_read,
                                 read=outcome.read), latest
    finally:
        con.close()


def _ahead(parts):
    """The items of the generator `parts`, made in a worker thread while the caller works on the
    one before: the reader and the adapter map part n+1 while part n is placed, checked and
    written, so both cores work. One part waits at most; an exception of `parts` is raised here,
    and `parts` is closed whatever happens (the reference tables, etl/reference.py, are the same
    in every thread)."""
    done = object()
    queue_, stop = queue.Queue(maxsize=1), threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                queue_.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for part in parts:
                if not put((part, None)):
                    break
            put((done, None))
        except BaseException as err:  # handed to the caller, who raises it
            put((None, err))
        finally:
            parts.close()

    worker = threading.Thread(target=run, name="etl-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            part, err = queue_.get()
            if err is not None:
                raise err
            if part is done:
                return
            yield part
    finally:
        stop.set()
        worker.join()



def _casts(columns) -> str:
    return ", ".join(f'CAST("{c.name}" AS {c.sql_type}) AS "{c.name}"' for c in columns)


def stage(con: duckdb.DuckDBPyConnection, cache: Path, keys: list[str],
          orders: list[int] | None = None) -> None:
    """The outcome of the files kept under `keys` in the cache's Parquet files, with the file's
    position in the build (imports first; `orders`, else the position in `keys`): temporary view
    staged_events (the events read from their Parquet files by each query, each row with a key of
    its own, `staged_row`: not copied into a table first, which would cost time and the memory
    of the rows) and temporary tables staged_rejects / _flags / _out_of_scope (with, for
    the flags, their order)."""
    orders = list(range(len(keys))) if orders is None else orders
    cells = "source_file VARCHAR, source_line INTEGER, \"column\" VARCHAR, \"value\" VARCHAR, reason VARCHAR"
    for part in ("rejects", "flags", "out_of_scope"):
        con.execute(f"CREATE TEMP TABLE staged_{part} ({cells}, file_order INTEGER, part_order BIGINT)")
    con.execute("CREATE TEMP TABLE staged_parts (path VARCHAR, file_order INTEGER, chunk BIGINT)")
    for part in filecache.PARTS:
        paths = [(str(path), order, int(path.stem.rsplit("-", 1)[1]))
                 for order, key in zip(orders, keys) for path in filecache.parts(cache, key, part)]
        if part == "events":
            _stage_events(con, paths)
            continue
        if not paths:
            continue
        con.execute("DELETE FROM staged_parts")
        con.executemany("INSERT INTO staged_parts VALUES (?, ?, ?)", paths)
        con.execute(f"INSERT INTO staged_{part} SELECT source_file, source_line::INTEGER, "
                    f"\"column\"::VARCHAR, \"value\"::VARCHAR, reason::VARCHAR, s.file_order, "
                    f"s.chunk * ? + _order FROM read_parquet(?, filename = true, "
                    f"union_by_name = true) p JOIN staged_parts s ON s.path = p.filename",
                    [PART_ORDER_STRIDE, [p for p, _, _ in paths]])


def _stage_events(con: duckdb.DuckDBPyConnection, paths: list[tuple[str, int, int]]) -> None:
    """View staged_events over the events' Parquet files `paths` (path, file order, chunk): the
    schema's columns, file_order, and staged_row (the part's number, then the row's in it)."""
    con.execute("CREATE TEMP TABLE staged_event_parts (path VARCHAR, file_order INTEGER, part BIGINT)")
    if not paths:  # no file has events: the view's columns, no rows
        nothing = ", ".join(f'NULL::{c.sql_type} AS "{c.name}"' for c in schema.COLUMNS)
        con.execute(f"CREATE TEMP VIEW staged_events AS SELECT {nothing}, NULL::INTEGER AS "
                    f"file_order, NULL::BIGINT AS staged_row WHERE false")
        return
    con.executemany("INSERT INTO staged_event_parts VALUES (?, ?, ?)",
                    [(path, order, number) for number, (path, order, _) in enumerate(paths)])
    files = ", ".join(schema.sql_text(path) for path, _, _ in paths)  # a view holds no parameters
    con.execute(f"CREATE TEMP VIEW staged_events AS SELECT {_casts(schema.COLUMNS)}, s.file_order, "
                f"s.part * {int(STAGED_ROW_STRIDE)} + p.file_row_number AS staged_row FROM read_parquet([{files}], "
                f"filename = true, file_row_number = true, union_by_name = true) p "
                f"JOIN staged_event_parts s ON s.path = p.filename")


def write_events(con: duckdb.DuckDBPyConnection, positions: str = "staged_events") -> None:
    """View loaded (temporary: the first row of each staged event, in file order, a GED event
    before the UCDP Candidate event of its id; its quality flags appended to its qa_flags;
    etl/derived.py writes the events table from it); the rows of tables duplicates (the other
    rows of an event, with the row kept and the reason; ranked among `positions`: every row of
    the staged ids and their twins, with source_file, source_line and file_order),
    quality_flags (the flags of loaded events), rejects and out_of_scope (created, or added to
    when they exist)."""
    # The rows of an event after its first: of one id, or of ids that stand for one event (a UCDP
    # Candidate event and the GED event of its id, links.same_event), the replacing dataset's
    # first, then in file order (imports first), then by line. Ids are nearly always unique, so
    # only the repeated ones are ranked.
    key = links.same_event("event_id")
    con.execute(f"""CREATE TEMP TABLE repeated AS
        WITH keyed AS (SELECT event_id, source_file, source_line, file_order, {key} AS same_event
                       FROM {positions}),
        ids AS (SELECT same_event FROM keyed GROUP BY same_event HAVING count(*) > 1),
        copies AS (SELECT s.event_id, s.same_event, s.source_file, s.source_line, row_number() OVER (
                       PARTITION BY s.same_event ORDER BY {links.replaced("s.event_id")},
                       s.file_order, s.source_line) AS copy
                   FROM keyed s JOIN ids USING (same_event))
        SELECT d.event_id, d.source_file, d.source_line, k.source_file AS source_file_kept,
               k.source_line AS source_line_kept, {links.duplicate_reason("d.event_id", "k.event_id")} AS reason
        FROM copies d JOIN copies k ON k.same_event = d.same_event AND k.copy = 1 WHERE d.copy > 1""")
    _into(con, "duplicates", "SELECT event_id, source_file, source_line::INTEGER AS source_line, "
          "source_file_kept, source_line_kept::INTEGER AS source_line_kept, reason FROM repeated "
          "ORDER BY event_id, source_file, source_line")
    con.execute("CREATE TEMP TABLE loaded_flags AS SELECT s.event_id, f.* FROM staged_flags f "
                "JOIN staged_events s USING (source_file, source_line) "
                "ANTI JOIN repeated r USING (source_file, source_line)")
    columns = ", ".join(f's."{c}"' if c != "qa_flags" else
                        "nullif(trim(concat_ws('; ', s.qa_flags, j.flags), '; '), '') AS qa_flags"
                        for c in schema.COLUMN_NAMES)
    con.execute(f"CREATE TEMP VIEW loaded AS SELECT {columns}, s.staged_row FROM staged_events s "
                "ANTI JOIN repeated r USING (source_file, source_line) LEFT JOIN "
                "(SELECT source_file, source_line, string_agg(reason, '; ' ORDER BY part_order) "
                " AS flags FROM loaded_flags GROUP BY ALL) j USING (source_file, source_line)")
    _into(con, "quality_flags", "SELECT event_id, source_file, source_line, \"column\", \"value\", "
          "reason AS flag FROM loaded_flags ORDER BY source_file, source_line, \"column\"")
    _into(con, "rejects", "SELECT source_file, source_line, \"column\", \"value\", reason "
          "FROM staged_rejects ORDER BY source_file, source_line, \"column\"")
    _into(con, "out_of_scope", "SELECT source_file, source_line, \"column\", \"value\" AS country "
          "FROM staged_out_of_scope ORDER BY source_file, source_line")


def _into(con: duckdb.DuckDBPyConnection, table: str, select: str) -> None:
    """The rows of `select` into `table`: a new table, or added to the one the warehouse has."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                         [table]).fetchall()[0][0]
    con.execute(f"INSERT INTO {table} {select}" if exists else f"CREATE TABLE {table} AS {select}")


def count(con: duckdb.DuckDBPyConnection, counts: dict) -> None:
    """Each file's counts (`counts`: build.FileCount by file name) from the outcome's tables, and
    the check that every data row is accounted for."""
    per_file = {}
    for what, sql in (
            ("loaded", "SELECT source_file, count(*) FROM events GROUP BY 1"),
            ("unplaced", "SELECT source_file, count(*) FROM events WHERE district_id IS NULL GROUP BY 1"),
            ("rejected", "SELECT source_file, count(DISTINCT source_line) FROM rejects GROUP BY 1"),
            ("out_of_scope", "SELECT source_file, count(*) FROM out_of_scope GROUP BY 1"),
            ("duplicates", "SELECT source_file, count(*) FROM duplicates GROUP BY 1"),
            ("flagged", "SELECT source_file, count(DISTINCT source_line) FROM quality_flags GROUP BY 1")):
        per_file[what] = dict(con.execute(sql).fetchall())
    for name, c in counts.items():
        for what, values in per_file.items():
            setattr(c, what, int(values.get(name, 0)))
        if c.rows_read != c.loaded + c.out_of_scope + c.rejected + c.duplicates:
            raise BuildError(f"{name}: {c.rows_read} data rows in the file but {c.loaded} "
                             f"loaded + {c.out_of_scope} out of scope + {c.rejected} rejected "
                             f"+ {c.duplicates} duplicates; this is a bug in the ETL, please "
                             f"report it with the file.")


def outcomes(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(rejects, flags, out of scope) of the build as frames, for its summary."""
    return (con.execute("SELECT source_file, source_line, \"column\", \"value\", reason FROM rejects").df(),
            con.execute("SELECT source_file, source_line, \"column\", \"value\", flag AS reason, "
                        "event_id FROM quality_flags").df(),
            con.execute("SELECT source_file, source_line, \"column\", country AS \"value\", "
                        "'out of scope' AS reason FROM out_of_scope").df())
