"""Each input file's outcome (its events placed in districts, classed and checked, its rejects,
quality flags and rows out of scope) as Parquet files, one per chunk the file was read in, kept
between builds in a folder beside the warehouse: the build's staging area, which it reads with
SQL.

An entry is keyed by the file's hash, its format and everything its outcome depends on: the ETL's
code, the reference tables and the boundaries of the data folder; and it holds on a later day
when none of the file's dates was in the future on the day it was made (`rows`). So an import reads and maps only
the new file; the files already seen come from here, and a build gives the same tables with or
without the cache (`python -m etl build --fresh` ignores it). Entries are written to a temporary
folder renamed into place (a killed build leaves none half-written); a build removes the entries
it did not use.

Beside them, the district layer the build read (`district_layer`: one GeoParquet file, keyed by
the same context, written by a build that succeeded).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import settings
from etl import schema

FOLDER = ".etl-cache"
PARTS = ("events", "rejects", "flags", "out_of_scope")
CODE = (settings.ROOT / "etl", settings.ROOT / "contract")  # the code every outcome depends on


def folder(warehouse: Path) -> Path:
    return Path(warehouse).parent / FOLDER


def context(data_dir: Path, file_sha256) -> str:
    """What every file's outcome depends on besides the file: the ETL's code (and the contract's
    columns and vocabulary) and the data folder's reference tables and boundaries
    (`file_sha256(path)` hashes a file)."""
    digest = hashlib.sha256()
    files = sorted(p for folder in CODE for p in folder.rglob("*.py")) \
        + sorted((data_dir / "reference").glob("*.csv")) \
        + sorted(p for p in (data_dir / "raw" / "boundaries").glob("*") if p.is_file())
    for path in files:
        digest.update(path.name.encode() + b"\0" + file_sha256(path).encode())
    return digest.hexdigest()


def key(context_key: str, fmt: str, file_sha: str) -> str:
    return hashlib.sha256(f"{context_key}\0{fmt}\0{file_sha}".encode()).hexdigest()[:32]


def rows(cache: Path, entry: str, today: dt.date) -> int | None:
    """The data rows of the file whose outcome is kept under `entry` (None: not kept, a part
    cannot be read, or the outcome may differ on `today`: the file is then read again).

    An outcome depends on the day only through the contract's future-date rule: one made on day
    D holds on any later day when no date of the file was after D (nothing was in the future
    then, nothing can be now)."""
    try:
        for path in (cache / entry).glob("*.parquet"):
            pq.read_metadata(path)
        made, latest = _day(cache, entry)
        if made != today and (made > today or (latest is not None and latest > made)):
            return None
        return int((cache / entry / "rows").read_text())
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        return None


def latest(cache: Path, entry: str) -> dt.date | None:
    """The latest date of the rows of the file kept under `entry` that reached the contract
    (None: none). An entry `rows` accepts."""
    return _day(cache, entry)[1]


def _day(cache: Path, entry: str) -> tuple[dt.date, dt.date | None]:
    """(the day the entry was made, the latest date of its rows)."""
    day = json.loads((cache / entry / "day").read_text())
    return (dt.date.fromisoformat(day["today"]),
            dt.date.fromisoformat(day["latest"]) if day["latest"] else None)


def parts(cache: Path, entry: str, part: str) -> list[Path]:
    """The Parquet files of one part of the outcome (events, rejects, flags, out_of_scope)."""
    return sorted((cache / entry).glob(f"{part}-*.parquet"))


class Writer:
    """Writes a file's outcome chunk by chunk; kept only when the whole file went through."""

    def __init__(self, cache: Path, entry: str, today: dt.date):
        self.cache, self.entry, self.count, self.rows = cache, entry, 0, 0
        self.today, self.latest = today, None  # the day of the checks, the file's latest date
        self.tmp = cache / f".{entry}.{uuid.uuid4().hex}.tmp"

    def __enter__(self) -> "Writer":
        self.tmp.mkdir(parents=True)
        return self

    def add(self, outcome: schema.Outcome, latest: dt.date | None) -> None:
        """A chunk's outcome, with the latest date of its rows that reached the contract (None:
        none); `rows` decides on it whether the outcome holds on a later day."""
        if latest is not None and (self.latest is None or latest > self.latest):
            self.latest = latest
        for part in PARTS:
            table = getattr(outcome, part)  # a frame, or an Arrow table (schema.check)
            if len(table):
                if isinstance(table, pd.DataFrame):
                    table = pa.Table.from_pandas(_plain(table), preserve_index=False)
                if part != "events":  # the order the adapter and the contract found them in
                    table = table.append_column("_order", pa.array(range(len(table)), pa.int64()))
                # lz4: a 262k-row ACLED part in 0.27 s against zstd's 0.42 s (and read back
                # faster), for a cache a quarter bigger
                pq.write_table(table, self.tmp / f"{part}-{self.count:05d}.parquet",
                               compression="lz4")
        self.rows += outcome.rows_read or 0
        self.count += 1

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                (self.tmp / "rows").write_text(str(self.rows))
                (self.tmp / "day").write_text(json.dumps({
                    "today": self.today.isoformat(),
                    "latest": self.latest.isoformat() if self.latest else None}))
                shutil.rmtree(self.cache / self.entry, ignore_errors=True)
                self.tmp.rename(self.cache / self.entry)
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns of text and None as Arrow text (what Parquet keeps as it is)."""
    out = frame.reset_index(drop=True).copy(deep=False)
    for column in out.columns:
        if out[column].dtype == object and \
                pd.api.types.infer_dtype(out[column], skipna=True) in ("string", "empty"):
            out[column] = schema.text(out[column])
    return out


def layer_name(context_key: str) -> str:
    """The name of the district layer's entry for a build of context `context_key` (which hashes
    the boundary files and the code that reads them)."""
    return f"districts-{context_key[:32]}.parquet"


def district_layer(cache: Path, context_key: str):
    """The district layer kept by `keep_district_layer` for a build of context `context_key`, as
    a GeoDataFrame with the values and geometries it was kept with (a text column as pandas text,
    a missing value as NA); None when none is kept or it cannot be read (it is then loaded again,
    about ten times slower)."""
    import geopandas as gpd

    try:
        return gpd.read_parquet(cache / layer_name(context_key))
    except Exception:  # not kept, or damaged in any way (a cache: the GeoJSON is read instead)
        return None


def keep_district_layer(cache: Path, context_key: str, layer) -> None:
    """Keep `layer` (GeoParquet, replaced whole) for the next build of the same context; best
    effort: a layer that cannot be written is loaded again next time."""
    path = cache / layer_name(context_key)
    tmp = cache / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        layer.to_parquet(tmp)
        tmp.replace(path)
    except (OSError, ValueError, pa.ArrowException):
        pass
    finally:
        tmp.unlink(missing_ok=True)


def prune(cache: Path, used: set[str]) -> None:
    """Remove the entries this build did not use (and temporary folders left by a killed one)."""
    if not cache.exists():
        return
    remove(p for p in cache.iterdir() if p.name not in used and p.name != HASHES)


def remove(paths) -> None:
    """Delete these files and folders (those already gone are skipped)."""
    for path in list(paths):
        shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


HASHES = "hashes.json"  # {inputs.hash_key(path): sha256} of the files the last build read


def hashes(cache: Path) -> dict[tuple, str]:
    """The hashes kept by `keep_hashes` (none when the file is missing or unreadable)."""
    try:
        return {tuple(row[:-1]): row[-1] for row in json.loads((cache / HASHES).read_text())}
    except (OSError, ValueError, TypeError, IndexError):
        return {}


def keep_hashes(cache: Path, known: dict[tuple, str]) -> None:
    """Keep `known` ({inputs.hash_key(path): sha256}) for the next build (`hashes`)."""
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{HASHES}.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps([list(k) + [v] for k, v in known.items()]))
    tmp.replace(cache / HASHES)
