"""The Outlook computed once per warehouse version and kept on disk, so that pages only read it.

`outlook(con, f)` returns the backtest's summary of events and of deaths
(indicators/outlook_backtest.py) and the forecast of events (indicators/outlook_forecast.py) for
the filters that change them (countries, actor kinds, duplicates). They are read from
`<folder>/<key>/` (folder_of: beside the warehouse, or in the scratch folder when that one is
read-only, as a replica's published folder is) when there; otherwise computed (a minute or so on
the bundled data) and written there atomically (a temporary folder renamed into place, so a reader
never sees half of it), and the folders of other warehouse versions are removed. The key is the
warehouse version (meta.version, a hash of the inputs) with a hash of those filters and of
MODEL_VERSION. `python -m indicators outlook --cache` fills it ahead (after a build). A folder that
cannot be written is not an error: the results are computed and returned without being kept.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd

import settings
from indicators.filters import Filters
from indicators.outlook import FIRST_YEAR, outlook_filters
from indicators.outlook_backtest import backtest_summary
from indicators.outlook_forecast import forecast
from indicators.overview import warehouse_version

MODEL_VERSION = "2"  # raise it when indicators/outlook_*.py change what they compute
PARTS = ("summary", "deaths", "forecast")  # summary: backtest_summary of events; deaths: of deaths


def key(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """'<warehouse version>-<hash of what changes the outlook>' (a folder name). The build's inputs
    (meta 'inputs': the files and the ETL code's context) are in the hash, so a rebuild by other
    code from the same files is not served an older build's outlook."""
    of = outlook_filters(f)
    inputs = con.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchone()
    what = json.dumps([MODEL_VERSION, FIRST_YEAR, of.countries, of.actor_kinds, of.all_duplicates,
                       inputs[0] if inputs else None])
    return f"{warehouse_version(con)}-{hashlib.sha1(what.encode()).hexdigest()[:12]}"


def compute(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, pd.DataFrame]:
    """The parts, computed (no disk)."""
    of = outlook_filters(f)
    return {"summary": backtest_summary(con, of), "deaths": backtest_summary(con, of, measure="deaths"),
            "forecast": forecast(con, of)}


def _read(where: Path) -> dict[str, pd.DataFrame]:
    parts = {name: pd.read_parquet(where / f"{name}.parquet") for name in PARTS}
    parts["forecast"]["month"] = pd.to_datetime(parts["forecast"]["month"]).dt.date
    return parts


def folder_of(con: duckdb.DuckDBPyConnection) -> Path | None:
    """`.outlook-cache` beside the warehouse file the connection reads (the dashboard reads it
    through a hard link in `.readers/` beside it, settings.readers_dir: the same folder); None for
    an in-memory database."""
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    if not path:
        return None
    parent = Path(path).resolve().parent
    if parent.name == ".readers":  # the dashboard's hard link beside the warehouse
        parent = parent.parent
    elif parent == settings.readers_dir(settings.WAREHOUSE_FILE).resolve():  # its link in scratch
        parent = settings.WAREHOUSE_FILE.resolve().parent
    beside = parent / ".outlook-cache"
    if settings.SCRATCH is None or os.access(beside if beside.is_dir() else parent, os.W_OK):
        return beside
    return settings.SCRATCH / "outlook-cache"  # a replica's read-only published folder


def outlook(con: duckdb.DuckDBPyConnection, f: Filters, folder: Path | None = None) -> dict[str, pd.DataFrame]:
    """{'summary', 'deaths', 'forecast'}: read from `folder` (default folder_of(con)), else
    computed and kept there."""
    folder = folder or folder_of(con)
    if folder is None:
        return compute(con, f)
    name = key(con, f)
    where = folder / name
    if where.is_dir():
        return _read(where)
    parts = compute(con, f)
    tmp = folder / f".{name}.{os.getpid()}.tmp"
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for part, frame in parts.items():
            frame.to_parquet(tmp / f"{part}.parquet", index=False)
        try:
            os.rename(tmp, where)
        except OSError:
            if not where.is_dir():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process kept the same results first
        version = name.split("-")[0]
        for old in folder.iterdir():
            if old.is_dir() and not old.name.startswith((".", version)):
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # a read-only folder: computed, not kept
    return parts
