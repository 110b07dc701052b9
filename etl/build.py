"""Raw files -> canonical events -> data/warehouse.duckdb. The only code that writes the warehouse.

The build writes a temporary file beside the warehouse and renames it over the old one at the end,
so a failed or interrupted build leaves the previous warehouse as it was. A lock file stops two
builds from running at once.
"""
from __future__ import annotations

import csv
import datetime as dt
import fcntl
import hashlib
import json
import os
import queue
import shutil
import threading
import time
from contextlib import contextmanager
from functools import cached_property
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd
import shapely

import settings
from contract.schema import WAREHOUSE_LAYOUT
from etl import (append, boundaries, coverage, derived, filecache, geo, kinds, population, reference,
                 revisions, schema, targets, yardsticks)
from etl import duplicates as links
from etl.sources.registry import FORMATS
from etl.read.files import READS
from etl.read.plan import Reread

REGISTRY = "sources.csv"
# Files analysts import (`python -m etl import`, the Data page): data/imports/, same registry columns.
IMPORTS = "imports"
IMPORTS_REGISTRY = "imports.csv"


class BuildError(RuntimeError):
    """A build that cannot go on; the message says what to fix. The old warehouse is untouched."""


@dataclass
class FileCount:
    file: str
    dataset: str
    rows_read: int = 0  # the data rows the reader gave the adapter (the tests count them apart)
    loaded: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    duplicates: int = 0
    unplaced: int = 0
    flagged: int = 0  # loaded events with at least one quality flag
    sha256: str = ""


@dataclass
class BuildResult:
    warehouse: Path
    version: str
    files: list[FileCount] = field(default_factory=list)
    rejects: pd.DataFrame = field(default_factory=schema.empty_rejects)
    flags: pd.DataFrame = field(default_factory=schema.empty_rejects)
    out_of_scope: pd.DataFrame = field(default_factory=schema.empty_rejects)
    notes: list[str] = field(default_factory=list)
    probable_duplicates: pd.DataFrame = field(default_factory=lambda: links.empty())


def file_sha256(path: Path) -> str:
    """Hash of a file, remembered while its path, device, inode, size, mtime and ctime stay the
    same (a build and an import hash the same big export several times; builds keep the hashes in
    their cache folder, filecache.keep_hashes). ctime is set by the system on any change: a copy
    that restores an archive's mtime and size still counts as a change."""
    key = _hash_key(path)
    if key not in _HASHES:
        _HASHES[key] = _sha256(path)
    return _HASHES[key]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 24), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_file(source: Path, target: Path, sha256: str) -> None:
    """Copy `source` (whose hash is `sha256`) to `target` and remember the copy's hash, so the
    build does not read the copy again to hash it."""
    shutil.copyfile(source, target)
    _HASHES[_hash_key(target)] = sha256


_HASHES: dict[tuple, str] = {}


def remember_hashes(warehouse: Path) -> None:
    """The hashes of the files the last build of `warehouse` read (kept in its cache folder),
    for file_sha256 while those files stay as they were: hashing a 4 GB export again took 10 s
    of every later import."""
    _HASHES.update(filecache.hashes(filecache.folder(warehouse)))


def _hash_key(path: Path) -> tuple:
    stat = Path(path).stat()
    return (str(Path(path).resolve()), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns,
            stat.st_ctime_ns)


def input_files(data_dir: Path) -> list[Path]:
    """Every file a build reads, in a stable order (its hashes make the warehouse version)."""
    raw = data_dir / "raw"
    files = [raw / REGISTRY] + [raw / row["file"] for row in read_registry(data_dir)]
    if (data_dir / IMPORTS / IMPORTS_REGISTRY).exists():
        files += [data_dir / IMPORTS / IMPORTS_REGISTRY]
        files += [data_dir / IMPORTS / row["file"] for row in read_registry(data_dir, IMPORTS)]
    files += sorted((raw / "boundaries").glob("*.geojson"))
    files += sorted((raw / "boundaries").glob(boundaries.REGISTRY))  # layers loaded by the user
    files += sorted((data_dir / "reference").glob("*.csv"))
    files += [p for p in [data_dir / population.CENSUS_FILE] if p.exists()]
    files += [p for p in [data_dir / yardsticks.FILE] if p.exists()]
    return files


def warehouse_version(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in input_files(data_dir):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(file_sha256(path).encode())
    return digest.hexdigest()[:12]


def read_registry(data_dir: Path, folder: str = "raw") -> list[dict[str, str]]:
    """The rows of data/raw/sources.csv (or, with folder='imports', of data/imports/imports.csv,
    which may be absent: nothing imported yet)."""
    path = data_dir / folder / (REGISTRY if folder == "raw" else IMPORTS_REGISTRY)
    if folder != "raw" and not path.exists():
        return []
    if not path.exists():
        raise BuildError(f"{path}: missing. It lists the raw files to load (file, format, "
                         f"dataset, title, author_publisher, origin, licence).")
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if row["format"] not in FORMATS:
            raise BuildError(f"{path} line {line}: format={row['format']!r} is not known "
                             f"(expected one of {', '.join(FORMATS)}).")
        if not (data_dir / folder / row["file"]).exists():
            raise BuildError(f"{path} line {line}: file={row['file']!r} is not in {data_dir / folder}; "
                             f"copy it there or remove the line.")
    return rows


@contextmanager
def build_lock(warehouse: Path):
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(warehouse.with_suffix(".lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build of {warehouse} is running; wait for it to finish "
                             f"and run the build again.") from None
        yield


def build_warehouse(data_dir: Path, warehouse: Path,
                    progress: Callable[[str], None] = lambda step: None,
                    today: dt.date | None = None, fresh: bool = False) -> BuildResult:
    """Build `warehouse` from the files under `data_dir`; return the counts per file. Files whose
    outcome is in the cache beside the warehouse (etl/filecache.py) are not read again, unless
    `fresh`."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    _memory_limit()  # a bad setting stops the build before it reads or writes anything
    with build_lock(warehouse), reference.using(data_dir / "reference"):
        # left by a build that was killed (its file, WAL, spill folder); we hold the lock
        filecache.remove(warehouse.parent.glob(f".{warehouse.name}.*.tmp*"))
        cache = filecache.folder(warehouse)
        remember_hashes(warehouse)
        # Imports first: an event id both in an import and in a bundled file (a newer release of a
        # bundled dataset, as `python -m etl fetch ucdp` brings) is the import's; the bundled row
        # counts as a duplicate id.
        registry = [dict(r, folder=IMPORTS) for r in read_registry(data_dir, IMPORTS)]
        registry += [dict(r, folder="raw") for r in read_registry(data_dir)]
        version = warehouse_version(data_dir)
        context = filecache.context(data_dir, file_sha256)
        layers = _Layers(data_dir, progress, cache, context, fresh)

        counts, staged = {}, []
        today = today or dt.date.today()  # (an event of a future date is rejected)
        reread = set()  # files read again, not from the cache
        for entry in registry:
            name = f"{entry['folder']}/{entry['file']}"
            sha = file_sha256(data_dir / name)
            key = filecache.key(context, entry["format"], sha)
            rows = None if fresh else filecache.rows(cache, key, today)
            progress(name + (" (unchanged: from the cache)" if rows is not None else ""))
            if rows is None:
                try:
                    writer = _stage_file(cache, key, data_dir / name, name, entry, layers.districts, today,
                                         progress)
                except Exception as err:  # whatever it is, the build stops here and names the file
                    raise BuildError(_file_failed(name, entry, err)) from err
                rows = writer.rows
                reread.add(name)
            staged.append(key)
            counts[name] = FileCount(name, entry["dataset"], rows_read=rows, sha256=sha)

        tmp = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        history = data_dir / IMPORTS / revisions.HISTORY
        inputs = _inputs(data_dir, registry, context, today)
        names = list(counts)  # every file, in build order (imports first)
        latest = {name: filecache.latest(cache, key) for name, key in zip(names, staged)}
        added = None if fresh else _added(warehouse, inputs, latest)
        if added and reread - set(added):  # an earlier file's outcome may have changed (the day)
            added = None
        try:
            if added:
                # only imports appended to the last build's inputs: its warehouse, copied, takes
                # their rows (etl/append.py); the tables are those a full build would write
                progress(f"adding {', '.join(added)} to the warehouse")
                shutil.copyfile(warehouse, tmp)
            else:
                progress("writing warehouse")
            con = duckdb.connect(str(tmp))
            try:
                _configure(con, tmp)
                if added:
                    probable, changed = _add_files(con, cache, staged, names, added, progress)
                else:
                    probable, changed = _write_all(con, cache, staged, progress), None
                    _write_places(con, layers.districts, layers.population)
                    yardsticks.write(con, layers.yardsticks)
                _count(con, counts)
                try:
                    kinds.write(con)
                except kinds.KindProblem as err:
                    raise BuildError(str(err)) from None
                result = BuildResult(warehouse, version, list(counts.values()), *_outcomes(con),
                                     layers.notes, probable)
                _write_runs(con, registry, counts, version, inputs)
            finally:
                con.close()
            coverage.write(tmp, registry, data_dir / "reference")
            if not added:
                boundaries.write_provinces(tmp, layers.provinces)
            derived.write(tmp, new=append.condition(added) if added else None)
            # what changed against the warehouse being replaced (table revisions; etl/revisions.py)
            pending = revisions.record(tmp, warehouse, history, version, progress, only=changed)
            if changed:
                append.done(tmp)
            os.replace(tmp, warehouse)
            revisions.keep(pending, history)
        finally:
            filecache.remove(tmp.parent.glob(tmp.name + "*"))  # the file unless renamed, its WAL, spill folder
            filecache.remove(history.parent.glob(f".{history.name}.*.tmp"))  # a history not kept
        if layers.loaded is not None:  # read from the boundary files: kept for the next build
            filecache.keep_district_layer(cache, context, layers.loaded)
        filecache.prune(cache, set(staged) | {filecache.layer_name(context)})
        read = {_hash_key(path) for path in input_files(data_dir)}
        filecache.keep_hashes(cache, {k: v for k, v in _HASHES.items() if k in read})
        return result


class _Layers:
    """The boundary layers and the census of a build, loaded when first used: an import added to
    the last build's warehouse needs the districts only to place a file read anew, and neither the
    provinces nor the population (0.5 and 0.85 s of a 7 s import)."""

    def __init__(self, data_dir: Path, progress, cache: Path, context: str, fresh: bool):
        self.folder, self.data_dir, self.progress = data_dir / "raw" / "boundaries", data_dir, progress
        self.cache, self.context, self.fresh = cache, context, fresh  # where the districts are kept
        self.loaded = None  # the districts when read from the boundary files (not the cache)
        self.notes: list[str] = []  # what the census could not join (a warning of the build)

    @cached_property
    def districts(self):
        self.progress("boundaries")
        kept = None if self.fresh else filecache.district_layer(self.cache, self.context)
        if kept is not None:
            return kept
        self.loaded = self._layer(boundaries.load_district_layer, self.folder)
        return self.loaded

    @cached_property
    def provinces(self):
        return self._layer(boundaries.load_province_layer, self.folder, self.districts)

    @staticmethod
    def _layer(load, *args):
        """`load(*args)`, a layer that cannot be used stopping the build with its reason."""
        try:
            return load(*args)
        except geo.GeoError as err:
            raise BuildError(str(err)) from None

    @cached_property
    def population(self) -> pd.DataFrame:
        """The rows of table population (etl/population.py); its warnings into `notes`."""
        try:
            people, self.notes = population.load_population(self.data_dir, self.districts)
        except (OSError, ValueError) as err:
            raise BuildError(f"{population.CENSUS_FILE}: {err}") from None
        for note in self.notes:
            self.progress(f"warning: {note}")
        return people

    @cached_property
    def yardsticks(self) -> pd.DataFrame:
        """The rows of table yardsticks (etl/yardsticks.py): none when the file is absent (a data
        folder without it, as the tests' fixtures; the pages then say "not published here")."""
        try:
            return yardsticks.load(self.data_dir)
        except (OSError, yardsticks.YardstickError) as err:
            raise BuildError(str(err)) from None


def _write_all(con: duckdb.DuckDBPyConnection, cache: Path, staged: list[str], progress) -> pd.DataFrame:
    """Every file's outcome (cache entries `staged`, in build order) into the new warehouse's
    tables: events with their derived columns, duplicates, flags, rejects, out of scope, probable
    duplicates (returned)."""
    _stage(con, cache, staged)
    _write_events(con)
    progress("linking probable duplicates across datasets")
    probable = links.link_table(con, "loaded")
    links.write(con, probable)
    derived.events(con)
    return probable


def _add_files(con: duckdb.DuckDBPyConnection, cache: Path, staged: list[str], names: list[str],
               added: list[str], progress) -> tuple[pd.DataFrame, str]:
    """The outcome of the files `added` (names of `names`, the build order) added to the copy of
    the last build's warehouse (etl/append.py); returns the probable duplicates and the table of
    the ids of the events added."""
    new = [names.index(a) for a in added]
    _stage(con, cache, [staged[i] for i in new], new)
    append.positions(con, names)
    _write_events(con, "positions")
    changed = append.events(con)
    progress("linking probable duplicates across datasets")
    return append.links(con, added), changed


class Reading(str):
    """The step `progress` is given after each part of a file read: its text (the rows read,
    the share of the file, rows and MB per second), and these figures for a progress bar:
    `file`, `rows`, `done` (0-1: the share of the file's lines read; 1 for a file read whole),
    `megabytes` (read, by that share of its size), `size_mb` and `seconds`."""

    def __new__(cls, file: str, rows: int, read: tuple[int, int] | None, size_mb: float,
                seconds: float) -> "Reading":
        done = min(read[0] / read[1], 1.0) if read and read[1] else 1.0
        seconds, megabytes = max(seconds, 1e-9), size_mb * done
        step = super().__new__(cls, f"{file} ({size_mb:,.0f} MB): {rows:,} rows read ({done:.0%}), "
                                    f"{rows / seconds:,.0f} rows/s, {megabytes / seconds:,.1f} MB/s")
        step.file, step.rows, step.done, step.seconds = file, rows, done, seconds
        step.megabytes, step.size_mb = megabytes, size_mb
        return step


def _stage_file(cache: Path, key: str, path: Path, name: str, entry: dict, districts,
                today: dt.date, progress) -> "filecache.Writer":
    """The file's outcome written into the cache under `key` (nothing is kept if it fails), with
    the rows read so far and their rate after each part. A CSV is read the ways of files.READS
    in turn: the next when DuckDB refuses a row part way or the rows streamed do not add up to
    the file's lines (Reread); what was written of the failed read is dropped."""
    start, size = time.perf_counter(), path.stat().st_size / 1e6
    for how in READS:
        try:
            with filecache.Writer(cache, key, today) as writer:
                for outcome, latest in _load_file(path, name, entry["format"], districts, today, how):
                    writer.add(outcome, latest)
                    unfinished = outcome.read is not None and outcome.read[0] < outcome.read[1]
                    if writer.count > 1 or size > 50 or unfinished:
                        progress(Reading(name, writer.rows, outcome.read, size,
                                         time.perf_counter() - start))
            return writer
        except (Reread, duckdb.Error) as err:
            if how == READS[-1]:
                raise
            progress(f"{name}: read again ({type(err).__name__}: {str(err).splitlines()[0][:120]})")
    raise AssertionError("unreachable")  # pragma: no cover


def _load_file(path: Path, name: str, fmt: str, districts, today: dt.date, how: str = "checked"):
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


def _memory_limit(con: duckdb.DuckDBPyConnection | None = None) -> None:
    """Set DuckDB's memory limit for the build (settings.ETL_MEMORY_LIMIT) on `con` (None: only
    check that DuckDB accepts it, before the build reads anything)."""
    target = con if con is not None else duckdb.connect()
    try:
        target.execute(f"SET memory_limit = {schema.sql_text(settings.ETL_MEMORY_LIMIT)}")
    except duckdb.Error as err:
        raise BuildError(f"ETL_MEMORY_LIMIT={settings.ETL_MEMORY_LIMIT!r} is not a memory size DuckDB "
                         f"accepts ({str(err).splitlines()[0]}); set it to a size such as 2GB or "
                         f"512MB, or unset it for the default 2GB.") from None
    finally:
        if con is None:
            target.close()


def _configure(con: duckdb.DuckDBPyConnection, tmp: Path) -> None:
    """DuckDB's memory limit for the build (settings.ETL_MEMORY_LIMIT); beyond it, it spills to
    disk beside the warehouse."""
    _memory_limit(con)
    con.execute(f"SET temp_directory = {schema.sql_text(str(tmp) + '.spill')}")
    con.execute("SET preserve_insertion_order = false; SET enable_progress_bar = false")


def _casts(columns) -> str:
    return ", ".join(f'CAST("{c.name}" AS {c.sql_type}) AS "{c.name}"' for c in columns)


def _stage(con: duckdb.DuckDBPyConnection, cache: Path, keys: list[str],
           orders: list[int] | None = None) -> None:
    """The outcome of the files kept under `keys` in the cache's Parquet files, with the file's
    position in the build (imports first; `orders`, else the position in `keys`): temporary view
    staged_events (the events read from their Parquet files by each query, each row with a key of
    its own, `staged_row`: not copied into a table first, which took 8.5 s at 10M rows and the
    memory of the rows) and temporary tables staged_rejects / _flags / _out_of_scope (with, for
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
                    f"s.chunk * 1000000000 + _order FROM read_parquet(?, filename = true, "
                    f"union_by_name = true) p JOIN staged_parts s ON s.path = p.filename",
                    [[p for p, _, _ in paths]])


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
                f"s.part * 4294967296 + p.file_row_number AS staged_row FROM read_parquet([{files}], "
                f"filename = true, file_row_number = true, union_by_name = true) p "
                f"JOIN staged_event_parts s ON s.path = p.filename")


def _write_events(con: duckdb.DuckDBPyConnection, positions: str = "staged_events") -> None:
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
    _into(con, "duplicates", "SELECT event_id, source_file, source_line::BIGINT AS source_line, "
          "source_file_kept, source_line_kept::BIGINT AS source_line_kept, reason FROM repeated "
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


def _count(con: duckdb.DuckDBPyConnection, counts: dict[str, "FileCount"]) -> None:
    """Each file's counts, and the check that every data row is accounted for."""
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


def _outcomes(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(rejects, flags, out of scope) of the build as frames, for its summary."""
    return (con.execute("SELECT source_file, source_line, \"column\", \"value\", reason FROM rejects").df(),
            con.execute("SELECT source_file, source_line, \"column\", \"value\", flag AS reason, "
                        "event_id FROM quality_flags").df(),
            con.execute("SELECT source_file, source_line, \"column\", country AS \"value\", "
                        "'out of scope' AS reason FROM out_of_scope").df())


def _file_failed(name: str, entry: dict, err: Exception) -> str:
    """One line naming the file and the cause; for an imported file, how to take it out."""
    cause = str(err) if isinstance(err, (ValueError, OSError)) and str(err).startswith(name) \
        else f"{name}: {type(err).__name__}: {err}"
    if entry["folder"] == IMPORTS:
        cause += (f". To build without it, remove it: python -m etl remove {entry['file']} "
                  f"(or on the Data page).")
    return cause


def _write_places(con: duckdb.DuckDBPyConnection, districts, people) -> None:
    """Tables districts, population and categories."""
    shown = geo.display_geojson(districts)
    metric = districts.to_crs(geo.METRIC_CRS)
    table = pd.DataFrame({
        "district_id": districts["district_id"],
        "country": districts["country"],
        "admin1": districts["admin1"],
        "admin2": districts["admin2"],
        "area_km2": (metric.area / 1e6).round(1),
        "centroid_lat": metric.centroid.to_crs("EPSG:4326").y.round(5),
        "centroid_lon": metric.centroid.to_crs("EPSG:4326").x.round(5),
        "geometry_wkb": districts.geometry.to_wkb(),
        "display_geojson": shapely.to_geojson(shown.geometry.values),
    })
    con.register("districts_frame", table)
    con.execute("CREATE TABLE districts AS SELECT * FROM districts_frame ORDER BY district_id")

    con.register("population_frame", people)
    con.execute("CREATE TABLE population AS SELECT * FROM population_frame ORDER BY district_id")

    con.execute("CREATE TABLE categories (category VARCHAR PRIMARY KEY, definition VARCHAR, "
                "by_default BOOLEAN)")
    con.executemany("INSERT INTO categories VALUES (?, ?, ?)",
                    [(k, v, k in schema.DEFAULT_CATEGORIES) for k, v in schema.CATEGORIES.items()])


def _write_runs(con: duckdb.DuckDBPyConnection, registry, counts, version, inputs: dict) -> None:
    """Tables sources, etl_runs and meta (replaced when the warehouse has them); meta keeps the
    build's inputs (`_inputs`) for the next import to tell whether it can add to this warehouse."""
    sources = pd.DataFrame(registry)
    sources["file"] = sources.pop("folder") + "/" + sources["file"]
    sources["sha256"] = sources["file"].map(lambda f: counts[f].sha256)
    con.register("sources_frame", sources)
    con.execute("CREATE OR REPLACE TABLE sources AS SELECT * FROM sources_frame ORDER BY file")

    runs = pd.DataFrame([vars(c) for c in counts.values()])
    runs.insert(0, "version", version)
    runs.insert(1, "built_at", dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat())
    con.register("runs_frame", runs)
    con.execute("CREATE OR REPLACE TABLE etl_runs AS SELECT * FROM runs_frame")
    con.execute("CREATE OR REPLACE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('version', ?), ('schema', ?), ('inputs', ?)",
                [version, WAREHOUSE_LAYOUT, json.dumps(inputs)])
    con.execute("CHECKPOINT")


def _inputs(data_dir: Path, registry: list[dict], context: str, today: dt.date) -> dict:
    """What a build read: `base`, a hash of everything but the imports (the ETL's code, reference
    tables and boundaries: `context`; the bundled files), `imports`, each imported file (name,
    hash, format) in build order, and `day`, the day of its checks."""
    digest = hashlib.sha256(context.encode())
    for path in input_files(data_dir):
        name = path.relative_to(data_dir).as_posix()
        if not name.startswith(IMPORTS + "/"):
            digest.update(name.encode() + b"\0" + file_sha256(path).encode())
    imports = [[f"{IMPORTS}/{e['file']}", file_sha256(data_dir / IMPORTS / e["file"]), e["format"],
                e["dataset"]] for e in registry if e["folder"] == IMPORTS]
    return {"base": digest.hexdigest(), "imports": imports, "day": today.isoformat()}


def _added(warehouse: Path, inputs: dict, latest: dict) -> list[str] | None:
    """The imported files added to the inputs of the build that wrote `warehouse`, when that is
    all that changed (else None: a full build). That build's day must give the other files the
    outcomes they have now (`latest`: each file's latest date, filecache.latest): none of their
    dates may be after it."""
    if not warehouse.exists() or warehouse.with_name(warehouse.name + ".wal").exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            value = con.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchall()
        finally:
            con.close()
        old = json.loads(value[0][0]) if value else None
    except (duckdb.Error, ValueError):
        return None
    if not old or old.get("base") != inputs["base"]:
        return None
    kept, new = old.get("imports", []), inputs["imports"]
    if len(new) <= len(kept) or new[:len(kept)] != kept:
        return None
    added = [name for name, *_ in new[len(kept):]]
    day = old.get("day", "")
    if not day or day > inputs["day"] or any(
            last is not None and last.isoformat() > day
            for name, last in latest.items() if name not in added):
        return None
    return added
