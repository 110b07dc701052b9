"""Each input file's outcome (its events placed in districts and classed, its rejects, quality
flags and rows out of scope), kept between builds in a folder beside the warehouse.

An entry is keyed by the file's hash, its format and everything its outcome depends on: the ETL's
code, the reference tables and the boundaries of the data folder. So an import reads and maps only
the new file; the files already seen come from here, and a build gives the same tables with or
without the cache (`python -m etl build --fresh` ignores it). Entries are written to a temporary
folder renamed into place (a killed build leaves none half-written); a build removes the entries
it did not use.
"""
from __future__ import annotations

import hashlib
import shutil
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl import schema

FOLDER = ".etl-cache"
PARTS = ("events", "rejects", "flags", "out_of_scope")
ETL = Path(__file__).resolve().parent


def folder(warehouse: Path) -> Path:
    return Path(warehouse).parent / FOLDER


def context(data_dir: Path, file_sha256) -> str:
    """What every file's outcome depends on besides the file: the ETL's code and the data folder's
    reference tables and boundaries (`file_sha256(path)` hashes a file)."""
    digest = hashlib.sha256()
    files = sorted(ETL.rglob("*.py")) + sorted((data_dir / "reference").glob("*.csv")) \
        + sorted(p for p in (data_dir / "raw" / "boundaries").glob("*") if p.is_file())
    for path in files:
        digest.update(path.name.encode() + b"\0" + file_sha256(path).encode())
    return digest.hexdigest()


def key(context_key: str, fmt: str, file_sha: str) -> str:
    return hashlib.sha256(f"{context_key}\0{fmt}\0{file_sha}".encode()).hexdigest()[:32]


def read(cache: Path, entry: str) -> schema.Outcome | None:
    """The outcome kept under `entry`, or None."""
    where = cache / entry
    if not (where / "rows").exists():
        return None
    mapper = {pa.string(): schema.TEXT, pa.large_string(): schema.TEXT}.get
    try:
        frames = [pq.read_table(where / f"{part}.parquet").to_pandas(types_mapper=mapper)
                  for part in PARTS]
        rows = int((where / "rows").read_text())
    except (OSError, ValueError, pa.ArrowException):  # damaged: the file is read again
        return None
    events = frames[0]
    for column in schema.DATE_COLUMNS:
        if column in events:
            events[column] = events[column].astype("datetime64[s]")
    return schema.Outcome(events, *frames[1:], rows_read=rows)


def write(cache: Path, entry: str, outcome: schema.Outcome) -> None:
    tmp = cache / f".{entry}.{uuid.uuid4().hex}.tmp"
    tmp.mkdir(parents=True)
    try:
        for part in PARTS:
            frame = getattr(outcome, part)
            table = pa.Table.from_pandas(_plain(frame), preserve_index=False)
            pq.write_table(table, tmp / f"{part}.parquet", compression="zstd")
        (tmp / "rows").write_text(str(outcome.rows_read))
        shutil.rmtree(cache / entry, ignore_errors=True)
        tmp.rename(cache / entry)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns of text and None as Arrow text (what Parquet keeps as it is)."""
    out = frame.reset_index(drop=True).copy(deep=False)
    for column in out.columns:
        if out[column].dtype == object and \
                pd.api.types.infer_dtype(out[column], skipna=True) in ("string", "empty"):
            out[column] = schema.text(out[column])
    return out


def prune(cache: Path, used: set[str]) -> None:
    """Remove the entries this build did not use (and temporary folders left by a killed one)."""
    if not cache.exists():
        return
    for path in cache.iterdir():
        if path.name not in used:
            shutil.rmtree(path, ignore_errors=True)
