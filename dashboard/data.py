"""The read-only warehouse connection and cached indicator calls.

Results are cached by the indicator's name, the warehouse version and the filters, so a rebuild
(new version) is seen at the next rerun and nothing stale is shown.
"""
from __future__ import annotations

import importlib
import os
import threading
from pathlib import Path
from typing import Callable

import duckdb
import streamlit as st

import indicators.overview as overview

ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE = Path(os.environ.get("DASHBOARD_WAREHOUSE", ROOT / "data" / "warehouse.duckdb"))


class WarehouseMissing(RuntimeError):
    pass


_held: dict[str, tuple[int, duckdb.DuckDBPyConnection]] = {}
_held_lock = threading.Lock()


def _open(path: str, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    """One read-only connection per warehouse file, reopened when the file's mtime changes.

    The old connection is closed first: DuckDB reuses an open database of the same path within
    a process, so without closing it a rebuild (an import from the Data page) would not be seen.
    """
    with _held_lock:
        held = _held.get(path)
        if held is not None and held[0] == mtime_ns:
            return held[1]
        if held is not None:
            held[1].close()
        con = duckdb.connect(path, read_only=True)
        _held[path] = (mtime_ns, con)
        return con


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the current warehouse (reopened when the file is replaced by a rebuild)."""
    if not WAREHOUSE.exists():
        raise WarehouseMissing(f"No warehouse at {WAREHOUSE.relative_to(ROOT) if WAREHOUSE.is_relative_to(ROOT) else WAREHOUSE}. "
                               "Build it with `make run` or `.venv/bin/python -m etl build`.")
    try:
        return _open(str(WAREHOUSE), WAREHOUSE.stat().st_mtime_ns).cursor()
    except duckdb.Error as err:
        raise WarehouseMissing(f"The warehouse {WAREHOUSE.name} cannot be opened ({err}). "
                               "Rebuild it with `.venv/bin/python -m etl build`.") from None


def version() -> str:
    return overview.warehouse_version(connection())


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(module: str, name: str, warehouse_version: str, args: tuple):
    return getattr(importlib.import_module(module), name)(connection(), *args)


def query(indicator: Callable, *args):
    """`indicator(connection, *args)` (a function of indicators/), cached per warehouse version."""
    return _cached(indicator.__module__, indicator.__name__, version(), args)
