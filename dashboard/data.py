"""The read-only warehouse connection and cached indicator calls.

Results are cached by the indicator's name, the warehouse version and the filters, so a rebuild
(new version) is seen at the next rerun and nothing stale is shown.
"""
from __future__ import annotations

import contextlib
import importlib
import json
import os
import time
from pathlib import Path
from typing import Callable

import duckdb
import streamlit as st

import indicators.overview as overview
import settings
from contract import published
from contract.schema import WAREHOUSE_LAYOUT

WAREHOUSE = settings.WAREHOUSE_FILE  # the plain warehouse file when no published folder is set
DATA_DIR = settings.DATA_DIR  # the data folder the builds read (the Data page imports into it)


class WarehouseMissing(RuntimeError):
    pass


@st.cache_resource(max_entries=2)
def _open(path: str, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse file as it is now.

    A published version (settings.PUBLISHED_DIR) has a file name of its own and is never
    rewritten: it is opened by its path. A plain warehouse file is replaced by each rebuild, and
    DuckDB keeps one database instance per path in a process, so connecting to the same path again
    would give the old instance (the old file). Each version is therefore opened through a hard
    link of its own (`<readers>/<mtime>.duckdb`, settings.readers_dir): new sessions read the new
    file while queries already running finish on the old one.
    """
    target = path
    if settings.PUBLISHED_DIR is None:
        try:
            readers = settings.readers_dir(Path(path))
            readers.mkdir(parents=True, exist_ok=True)
            link = readers / f"{mtime_ns}.duckdb"
            if not link.exists():
                os.link(path, link)
            for old in readers.glob("*.duckdb"):
                if old != link and old.stat().st_mtime_ns < mtime_ns:
                    old.unlink(missing_ok=True)  # open handles keep working on Linux
            target = str(link)
        except OSError:
            pass  # no hard links here (read-only, another file system): a rebuild needs a restart
    return duckdb.connect(target, read_only=True)


def _warehouse() -> Path:
    """The file to read now: the published folder's current version, else WAREHOUSE."""
    if settings.PUBLISHED_DIR is None:
        return WAREHOUSE
    try:
        return published.current_version(settings.PUBLISHED_DIR)
    except published.NotPublished as err:
        raise WarehouseMissing(str(err)) from None


def _current() -> tuple[Path, int]:
    """(the warehouse file to read now, its modification time in ns)."""
    path = _warehouse()
    for attempt in range(2):
        try:
            return path, path.stat().st_mtime_ns
        except FileNotFoundError:
            if settings.PUBLISHED_DIR is None or attempt:
                break
            path = _warehouse()  # removed by a publish since the pointer was read: read it again
    shown = path.relative_to(settings.ROOT) if path.is_relative_to(settings.ROOT) else path
    raise WarehouseMissing(f"No warehouse at {shown}. "
                           "Build it with `make run` or `.venv/bin/python -m etl build`"
                           + (", then `python -m etl publish`." if settings.PUBLISHED_DIR else "."))


def _mtime_ns() -> int:
    return _current()[1]


def _cursor(path: Path, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    try:
        return _open(str(path), mtime_ns).cursor()
    except duckdb.Error as err:
        raise WarehouseMissing(f"The warehouse {path.name} cannot be opened ({err}). "
                               "Rebuild it with `.venv/bin/python -m etl build`.") from None


def connection() -> duckdb.DuckDBPyConnection:
    """A cursor on the current warehouse (reopened when a rebuild or a publish replaces it)."""
    return _cursor(*_current())


@st.cache_resource(max_entries=4, show_spinner=False)
def _version(path: str, mtime_ns: int) -> str:
    """The warehouse's version, once its layout is the one the pages read."""
    con = _cursor(Path(path), mtime_ns)
    layout = overview.warehouse_layout(con)
    if layout != WAREHOUSE_LAYOUT:
        raise WarehouseMissing(
            f"The warehouse {Path(path).name} was built by an older version of the ETL (layout "
            f"{layout}; this dashboard reads {WAREHOUSE_LAYOUT}). Rebuild it with "
            "`.venv/bin/python -m etl build`" + (", then `python -m etl publish`." if settings.PUBLISHED_DIR
                                                   else "."))
    return overview.warehouse_version(con)


INPUTS = ("raw", "reference", "population", "yardsticks", "imports")  # what `make run` rebuilds from (Makefile INPUTS)


@st.cache_data(ttl=30, show_spinner=False)
def stale_warning(warehouse_mtime_ns: int) -> str | None:
    """A warning when a file of the data folder is newer than the warehouse: its build failed (or
    did not run) after the file changed, and the dashboard shows the last good warehouse."""
    if settings.PUBLISHED_DIR is not None:
        return None  # a replica: the inputs and their builds are the builder's
    data_dir = DATA_DIR
    newer = [p for folder in INPUTS for p in (data_dir / folder).rglob("*")
             if p.is_file() and p.stat().st_mtime_ns > warehouse_mtime_ns]
    if not newer:
        return None
    first = newer[0].relative_to(data_dir).as_posix()
    return (f"{len(newer)} data file(s) changed since this warehouse was built ({first}"
            f"{', ...' if len(newer) > 1 else ''}) and no build has finished since: the dashboard "
            f"shows the previous data. Run `.venv/bin/python -m etl build` to see why (a bad "
            f"imported file can be taken out with `python -m etl remove` or on the Data page).")


def build_warning() -> str | None:
    """stale_warning for the warehouse as it is now."""
    return stale_warning(_mtime_ns())


def version() -> str:
    """The warehouse version (a hash of its inputs), read once per file."""
    path, mtime_ns = _current()
    return _version(str(path), mtime_ns)


# cache_resource, not cache_data: a hit hands out the cached frame itself instead of unpickling
# a copy (a rerun makes about fifteen calls); callers never modify what they get (pandas 3's
# copy-on-write keeps derived frames apart).
@st.cache_resource(max_entries=512, show_spinner=False)
def _cached(module: str, name: str, warehouse_version: str, args: tuple):
    return getattr(importlib.import_module(module), name)(connection(), *args)


def query(indicator: Callable, *args):
    """`indicator(connection, *args)` (a function of indicators/), cached per warehouse version."""
    return _cached(indicator.__module__, indicator.__name__, version(), args)


STATIC = settings.STATIC_DIR / "outlines"  # served by Streamlit at /app/static/outlines/
OUTLINES_KEPT_S = 3600  # how long another warehouse version's outlines stay after a newer one is written


@st.cache_resource(max_entries=4, show_spinner=False)
def _outlines(level: str, warehouse_version: str) -> tuple[dict, str]:
    from indicators import geography
    from maps.area_map import feature_collection

    shapes = geography.area_shapes(connection(), level)
    collection = feature_collection(shapes)
    return collection, json.dumps(collection, separators=(",", ":"))


def outlines(level: str = "district") -> tuple[dict, str | None]:
    """(GeoJSON of the level's outlines, the URL the browser fetches them from, once).

    The outlines are most of a map's weight (about 370 kB for the districts): sent inside the
    figure they would travel, be validated and be serialised again at every rerun. They are
    written once per warehouse version to static/outlines/ and the figure names their URL."""
    current = version()
    collection, text = _outlines(level, current)
    target = STATIC / f"{current}-{level}.json"
    try:
        if not target.exists():
            STATIC.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(text)
            os.replace(tmp, target)
            for old in STATIC.glob(f"*-{level}.json"):
                # an older version's file, once no page of another server (a replica, a test's)
                # can still be fetching it; browsers that have it keep their copy
                with contextlib.suppress(FileNotFoundError):  # another server pruned it first
                    if old != target and old.stat().st_mtime < time.time() - OUTLINES_KEPT_S:
                        old.unlink()
    except OSError:
        return collection, None  # a read-only folder: the outlines travel inside each figure
    return collection, f"/app/static/outlines/{target.name}"
