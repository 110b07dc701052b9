"""Raw files -> canonical events -> data/warehouse.duckdb. The only code that writes the warehouse.

The build writes a temporary file beside the warehouse and renames it over the old one at the end,
so a failed or interrupted build leaves the previous warehouse as it was. A lock file stops two
builds from running at once. What it reads and hashes is etl/inputs.py; how each file's outcome is
staged and written with SQL, etl/stage.py; what it tells its caller as it goes, etl/progress.py.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import duckdb
import pandas as pd
import shapely

import settings
from contract.schema import WAREHOUSE_LAYOUT
from etl import (append, boundaries, coverage, derived, filecache, geo, inputs, kinds, population,
                 reference, revisions, schema, stage, yardsticks)
from etl import duplicates as links
from etl.inputs import IMPORTS, BuildError
from etl.progress import Progress, quiet


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


# Test-only seam (tests/etl/test_faults.py): a test sets `fault_at` to one of FAULT_STEPS and the
# build raises InjectedFault at that step, as a crash there would stop it. None in every real run.
FAULT_STEPS = ("staged", "written", "derived", "compared", "replacing")
fault_at: str | None = None


class InjectedFault(RuntimeError):
    """The fault a test asked for at a step of the build (`fault_at`)."""


def _step(name: str) -> None:
    """The build has reached step `name` (FAULT_STEPS): a test's fault there is raised."""
    if fault_at == name:
        raise InjectedFault(f"a fault injected at step {name!r} of the build (a test)")


def build_warehouse(data_dir: Path, warehouse: Path, progress: Progress = quiet,
                    today: dt.date | None = None, fresh: bool = False) -> BuildResult:
    """Build `warehouse` from the files under `data_dir`; return the counts per file. Files whose
    outcome is in the cache beside the warehouse (etl/filecache.py) are not read again, unless
    `fresh`. A build that fails leaves the warehouse, the cache and the data folder as they were."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    _memory_limit()  # a bad setting stops the build before it reads or writes anything
    with build_lock(warehouse), reference.using(data_dir / "reference"):
        # left by a build that was killed (its file, WAL, spill folder); we hold the lock
        filecache.remove(warehouse.parent.glob(f".{warehouse.name}.*.tmp*"))
        cache = filecache.folder(warehouse)
        kept = {p.name for p in cache.iterdir()} if cache.exists() else None
        inputs.remember_hashes(warehouse)
        # Imports first: an event id both in an import and in a bundled file (a newer release of a
        # bundled dataset, as `python -m etl fetch ucdp` brings) is the import's; the bundled row
        # counts as a duplicate id.
        registry = [dict(r, folder=IMPORTS) for r in inputs.read_registry(data_dir, IMPORTS)]
        registry += [dict(r, folder="raw") for r in inputs.read_registry(data_dir)]
        context = filecache.context(data_dir, inputs.file_sha256)
        layers = _Layers(data_dir, progress, cache, context, fresh)
        today = today or dt.date.today()  # (an event of a future date is rejected)
        try:
            counts, staged, reread = _stage_files(data_dir, registry, cache, context, layers, today,
                                                  fresh, progress)
            result = _write_warehouse(data_dir, warehouse, registry, cache, context, layers, today,
                                      fresh, progress, counts, staged, reread)
        except BaseException:  # the cache as it was: the entries this build made are removed
            if kept is None:
                filecache.remove([cache])
            elif cache.exists():
                filecache.remove(p for p in cache.iterdir() if p.name not in kept)
            raise
        if layers.loaded is not None:  # read from the boundary files: kept for the next build
            filecache.keep_district_layer(cache, context, layers.loaded)
        filecache.prune(cache, set(staged) | {filecache.layer_name(context)})
        read = {inputs.hash_key(path) for path in inputs.input_files(data_dir)}
        filecache.keep_hashes(cache, {k: v for k, v in inputs.known_hashes().items() if k in read})
        return result


def _stage_files(data_dir: Path, registry: list[dict], cache: Path, context: str, layers: "_Layers",
                 today: dt.date, fresh: bool, progress: Progress):
    """Every file's outcome in the cache (read again unless kept there, or `fresh`): the counts
    per file, the cache entries in build order and the names of the files read again."""
    counts, staged = {}, []
    reread = set()  # files read again, not from the cache
    for entry in registry:
        name = f"{entry['folder']}/{entry['file']}"
        sha = inputs.file_sha256(data_dir / name)
        key = filecache.key(context, entry["format"], sha)
        rows = None if fresh else filecache.rows(cache, key, today)
        progress(name + (" (unchanged: from the cache)" if rows is not None else ""))
        if rows is None:
            try:
                writer = stage.stage_file(cache, key, data_dir / name, name, entry, layers.districts,
                                          today, progress)
            except Exception as err:  # whatever it is, the build stops here and names the file
                raise BuildError(_file_failed(name, entry, err)) from err
            rows = writer.rows
            reread.add(name)
            _step("staged")
        staged.append(key)
        counts[name] = FileCount(name, entry["dataset"], rows_read=rows, sha256=sha)
    return counts, staged, reread


def _write_warehouse(data_dir: Path, warehouse: Path, registry: list[dict], cache: Path,
                     context: str, layers: "_Layers", today: dt.date, fresh: bool,
                     progress: Progress, counts: dict, staged: list[str], reread: set) -> BuildResult:
    """The new warehouse written beside `warehouse` from the staged files and renamed over it."""
    version = inputs.warehouse_version(data_dir)
    tmp = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    history = data_dir / IMPORTS / revisions.HISTORY
    read = inputs.build_inputs(data_dir, registry, context, today)
    names = list(counts)  # every file, in build order (imports first)
    latest = {name: filecache.latest(cache, key) for name, key in zip(names, staged)}
    added = None if fresh else inputs.added_imports(warehouse, read, latest)
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
            stage.count(con, counts)
            try:
                kinds.write(con)
            except kinds.KindProblem as err:
                raise BuildError(str(err)) from None
            result = BuildResult(warehouse, version, list(counts.values()), *stage.outcomes(con),
                                 layers.notes, probable)
            _write_runs(con, registry, counts, version, read)
            _step("written")
        finally:
            con.close()
        coverage.write(tmp, registry, data_dir / "reference")
        if not added:
            boundaries.write_provinces(tmp, layers.provinces)
        derived.write(tmp, new=append.condition(added) if added else None)
        _step("derived")
        # what changed against the warehouse being replaced (table revisions; etl/revisions.py)
        pending = revisions.record(tmp, warehouse, history, version, progress, only=changed)
        _step("compared")
        if changed:
            append.done(tmp)
        _step("replacing")
        os.replace(tmp, warehouse)
        revisions.keep(pending, history)
    finally:
        filecache.remove(tmp.parent.glob(tmp.name + "*"))  # the file unless renamed, its WAL, spill folder
        filecache.remove(history.parent.glob(f".{history.name}.*.tmp"))  # a history not kept
    return result


class _Layers:
    """The boundary layers and the census of a build, loaded when first used: an import added to
    the last build's warehouse needs the districts only to place a file read anew, and neither the
    provinces nor the population."""

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
    stage.stage(con, cache, staged)
    stage.write_events(con)
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
    stage.stage(con, cache, [staged[i] for i in new], new)
    append.positions(con, names)
    stage.write_events(con, "positions")
    changed = append.events(con)
    progress("linking probable duplicates across datasets")
    return append.links(con, added), changed



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


def _write_runs(con: duckdb.DuckDBPyConnection, registry, counts, version, read: dict) -> None:
    """Tables sources, etl_runs and meta (replaced when the warehouse has them); meta keeps the
    build's inputs (`read`: inputs.build_inputs) for the next import to tell whether it can add to this warehouse."""
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
                [version, WAREHOUSE_LAYOUT, json.dumps(read)])
    con.execute("CHECKPOINT")


