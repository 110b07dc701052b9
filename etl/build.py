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
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb
import pandas as pd
import pyarrow as pa
import shapely

from etl import (boundaries, coverage, derived, geo, population, reference, revisions, schema,
                 targets)
from etl import duplicates as links
from etl.sources.registry import FORMATS
from etl.sources.table import count_records

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
    rows_read: int = 0  # counted from the file by table.count_records, not by the adapter
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
    """Hash of a file, remembered while its mtime and size stay the same (a build and an import
    hash the same big export several times)."""
    key = _hash_key(path)
    if key not in _HASHES:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 24), b""):
                digest.update(block)
        _HASHES[key] = digest.hexdigest()
    return _HASHES[key]


def copy_file(source: Path, target: Path, sha256: str) -> None:
    """Copy `source` (whose hash is `sha256`) to `target` and remember the copy's hash, so the
    build does not read the copy again to hash it."""
    shutil.copyfile(source, target)
    _HASHES[_hash_key(target)] = sha256


_HASHES: dict[tuple[str, int, int], str] = {}


def _hash_key(path: Path) -> tuple[str, int, int]:
    stat = Path(path).stat()
    return str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size


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
                    today: dt.date | None = None) -> BuildResult:
    """Build `warehouse` from the files under `data_dir`; return the counts per file."""
    data_dir, warehouse = Path(data_dir), Path(warehouse)
    with build_lock(warehouse), reference.using(data_dir / "reference"):
        for stale in warehouse.parent.glob(f".{warehouse.name}.*.tmp"):
            stale.unlink(missing_ok=True)  # left by a build that was killed; we hold the lock
        # Imports first: an event id both in an import and in a bundled file (a newer release of a
        # bundled dataset, as `python -m etl fetch ucdp` brings) is the import's; the bundled row
        # counts as a duplicate id.
        registry = [dict(r, folder=IMPORTS) for r in read_registry(data_dir, IMPORTS)]
        registry += [dict(r, folder="raw") for r in read_registry(data_dir)]
        version = warehouse_version(data_dir)
        progress("boundaries")
        try:
            districts, provinces = boundaries.load_boundaries(data_dir / "raw" / "boundaries")
        except geo.GeoError as err:
            raise BuildError(str(err)) from None
        try:
            people, notes = population.load_population(data_dir, districts)
        except (OSError, ValueError) as err:
            raise BuildError(f"{population.CENSUS_FILE}: {err}") from None
        for note in notes:
            progress(f"warning: {note}")

        frames, rejects, flags, scope, counts = [], [], [], [], {}
        for entry in registry:
            name = f"{entry['folder']}/{entry['file']}"
            progress(name)
            try:
                outcome = FORMATS[entry["format"]].load(data_dir / name, name)
                rows = count_records(data_dir / name, name)
            except Exception as err:  # whatever it is, the build stops here and names the file
                raise BuildError(_file_failed(name, entry, err)) from err
            counts[name] = FileCount(name, entry["dataset"], rows_read=rows,
                                     sha256=file_sha256(data_dir / name))
            frames.append(outcome.events)
            rejects.append(outcome.rejects)
            flags.append(outcome.flags)
            scope.append(outcome.out_of_scope)

        progress("placing events in districts")
        if any(pd.api.types.is_datetime64_any_dtype(f.get("event_date")) for f in frames):
            # the vectorised adapters give datetime64 dates: the same type for every frame
            for f in frames:
                for column in schema.DATE_COLUMNS:
                    if column in f:
                        f[column] = pd.to_datetime(f[column]).astype("datetime64[s]")
        frames = [f for f in frames if len(f)]
        events = pd.concat(frames, ignore_index=True) if frames else \
            schema.conform(pd.DataFrame(columns=list(schema.COLUMN_NAMES)))
        events = targets.add_target_classes(geo.place_events(events, districts))
        checked = schema.validate(events, today=today)
        events = checked.events
        rejects = _stack(rejects + [checked.rejects])
        scope = _stack(scope)

        dup_mask = events["event_id"].duplicated(keep="first")
        where = events[["event_id", "source_file", "source_line"]]
        duplicates = where[dup_mask].merge(where[~dup_mask], on="event_id", suffixes=("", "_kept"))
        if dup_mask.any():
            events = events[~dup_mask].reset_index(drop=True)
        events, flags = _with_flags(events, _stack(flags + [checked.flags]))
        # (the rows are put in event_id order when written: _write's ORDER BY)
        progress("linking probable duplicates across datasets")
        probable = links.link(events)

        loaded = events["source_file"].value_counts()
        unplaced = events.loc[events["district_id"].isna(), "source_file"].value_counts()
        rejected = rejects.groupby("source_file")["source_line"].nunique()
        outside = scope["source_file"].value_counts()
        duplicated = duplicates["source_file"].value_counts()
        flagged = flags.groupby("source_file")["source_line"].nunique()
        for name, c in counts.items():
            c.loaded = int(loaded.get(name, 0))
            c.out_of_scope = int(outside.get(name, 0))
            c.rejected = int(rejected.get(name, 0))
            c.duplicates = int(duplicated.get(name, 0))
            c.unplaced = int(unplaced.get(name, 0))
            c.flagged = int(flagged.get(name, 0))
            if c.rows_read != c.loaded + c.out_of_scope + c.rejected + c.duplicates:
                raise BuildError(f"{name}: {c.rows_read} data rows in the file but {c.loaded} "
                                 f"loaded + {c.out_of_scope} out of scope + {c.rejected} rejected "
                                 f"+ {c.duplicates} duplicates; this is a bug in the ETL, please "
                                 f"report it with the file.")

        progress("writing warehouse")
        tmp = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        try:
            _write(tmp, events, districts, people, rejects, duplicates, registry, counts, version)
            _write_outcomes(tmp, flags, scope)
            coverage.write(tmp, registry, data_dir / "reference")
            boundaries.write_provinces(tmp, provinces)
            links.write(tmp, probable)
            derived.write(tmp)
            # what changed against the warehouse being replaced (table revisions; etl/revisions.py)
            revisions.record(tmp, warehouse, data_dir / IMPORTS / revisions.HISTORY, version, progress)
            os.replace(tmp, warehouse)
        finally:
            tmp.unlink(missing_ok=True)
        return BuildResult(warehouse, version, list(counts.values()), rejects, flags, scope, notes,
                           probable)


def _file_failed(name: str, entry: dict, err: Exception) -> str:
    """One line naming the file and the cause; for an imported file, how to take it out."""
    cause = str(err) if isinstance(err, (ValueError, OSError)) and str(err).startswith(name) \
        else f"{name}: {type(err).__name__}: {err}"
    if entry["folder"] == IMPORTS:
        cause += (f". To build without it, remove it: python -m etl remove {entry['file']} "
                  f"(or on the Data page).")
    return cause


def _stack(parts: list[pd.DataFrame]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else schema.empty_rejects()


def _with_flags(events: pd.DataFrame, flags: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The flags of the loaded events only (with their event_id), and each event's flags as text
    in its qa_flags column (after any the source file wrote itself)."""
    keys = events[["event_id", "source_file", "source_line"]]
    flags = flags.merge(keys, on=["source_file", "source_line"], how="inner")
    if not len(flags):
        return events, flags.assign(event_id=pd.Series([], dtype=object))
    text = flags.groupby("event_id", sort=False)["reason"].agg("; ".join)
    joined = events["event_id"].map(text)
    combined = (events["qa_flags"].fillna("").astype(object) + "; " + joined.fillna("")).str.strip("; ")
    events = events.assign(qa_flags=combined.where(combined != "", None).astype(object))
    return events, flags


def _write_outcomes(path: Path, flags: pd.DataFrame, scope: pd.DataFrame) -> None:
    """Tables quality_flags (one row per flagged cell of a loaded event) and out_of_scope (one
    row per data row of a country the dashboard does not cover)."""
    con = duckdb.connect(str(path))
    try:
        con.register("flags_frame", flags.astype({"source_line": "int64"}))
        con.execute("CREATE TABLE quality_flags AS SELECT event_id::VARCHAR AS event_id, source_file, "
                    "source_line::INTEGER AS source_line, \"column\"::VARCHAR AS \"column\", "
                    "\"value\"::VARCHAR AS \"value\", reason::VARCHAR AS flag FROM flags_frame "
                    "ORDER BY source_file, source_line, \"column\"")
        con.register("scope_frame", scope.astype({"source_line": "int64"}))
        con.execute("CREATE TABLE out_of_scope AS SELECT source_file, source_line::INTEGER AS "
                    "source_line, \"column\"::VARCHAR AS \"column\", \"value\"::VARCHAR AS country "
                    "FROM scope_frame ORDER BY source_file, source_line")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _write(path: Path, events, districts, people, rejects, duplicates, registry, counts, version) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute(schema.events_ddl())
        con.register("events_frame", pa.Table.from_pandas(events, preserve_index=False))
        # stored in date order: a year filter then skips whole row groups (DuckDB's zone maps)
        con.execute(f"INSERT INTO events SELECT {', '.join(schema.COLUMN_NAMES)} FROM events_frame "
                    "ORDER BY event_date, event_id")

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

        con.register("rejects_frame", rejects.astype({"source_line": "int64"}))
        con.execute("CREATE TABLE rejects AS SELECT source_file, source_line::INTEGER AS source_line, "
                    "\"column\", \"value\", reason FROM rejects_frame ORDER BY source_file, source_line, \"column\"")
        con.register("duplicates_frame", duplicates)
        con.execute("CREATE TABLE duplicates AS SELECT * FROM duplicates_frame ORDER BY event_id, source_file, source_line")

        sources = pd.DataFrame(registry)
        sources["file"] = sources.pop("folder") + "/" + sources["file"]
        sources["sha256"] = sources["file"].map(lambda f: counts[f].sha256)
        con.register("sources_frame", sources)
        con.execute("CREATE TABLE sources AS SELECT * FROM sources_frame ORDER BY file")

        con.execute("CREATE TABLE categories (category VARCHAR PRIMARY KEY, definition VARCHAR, "
                    "extremist BOOLEAN)")
        con.executemany("INSERT INTO categories VALUES (?, ?, ?)",
                        [(k, v, k in schema.EXTREMIST_CATEGORIES) for k, v in schema.CATEGORIES.items()])

        runs = pd.DataFrame([vars(c) for c in counts.values()])
        runs.insert(0, "version", version)
        runs.insert(1, "built_at", dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat())
        con.register("runs_frame", runs)
        con.execute("CREATE TABLE etl_runs AS SELECT * FROM runs_frame")
        con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        con.execute("INSERT INTO meta VALUES ('version', ?), ('schema', 'events-v1')", [version])
        con.execute("CHECKPOINT")
    finally:
        con.close()
