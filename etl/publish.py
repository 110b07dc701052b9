"""Publishing a built warehouse for app replicas: `python -m etl publish`, the writing side of the
published folder's protocol (contract/published.py: the names, the pointer, what is pruned).

A version is copied under its temporary name, flushed to disk (fsync), renamed to its final name,
and only then is the pointer replaced, itself written under its temporary name, flushed and
renamed over the old pointer. A version is removed only `keep` publishes after it stopped being
current: with publishes minutes apart and reruns of seconds, no session is still on it.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb

from contract.published import LOCK, POINTER, leftovers, temporary, to_prune, version_name
from contract.tables import WAREHOUSE_LAYOUT


class PublishError(RuntimeError):
    pass


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _lock(folder: Path):
    with open(folder / LOCK, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"Another `etl publish` into {folder} is running; wait for it to "
                               "finish and publish again.") from None
        yield


def warehouse_version(warehouse: Path) -> str:
    """The version recorded in the warehouse's meta table (a hash of its inputs), once its layout
    is the one this code writes and its replicas read (contract/tables.py WAREHOUSE_LAYOUT)."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as err:
        raise PublishError(f"{warehouse} is not a warehouse DuckDB can open ({err}). Build it "
                           "with `.venv/bin/python -m etl build`.") from None
    try:
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('version', 'schema')").fetchall())
    except duckdb.Error:
        meta = {}
    finally:
        con.close()
    if "version" not in meta:
        raise PublishError(f"{warehouse} has no version in table meta: it was not written by "
                           "`python -m etl build`. Build it again.")
    if meta.get("schema") != WAREHOUSE_LAYOUT:
        raise PublishError(f"{warehouse} has the layout {meta.get('schema')}, not {WAREHOUSE_LAYOUT} "
                           "that this code writes and its replicas read: they would refuse it. "
                           "Build it again with `.venv/bin/python -m etl build`, then publish.")
    return meta["version"]


def publish(warehouse: Path, folder: Path, keep: int = 3, now: dt.datetime | None = None) -> Path:
    """Copy `warehouse` into `folder` as a new version, make it current, drop old versions;
    return the new version's path."""
    if keep < 1:
        raise PublishError(f"keep={keep}: at least the current version must be kept (--keep 1 or more).")
    if not warehouse.is_file():
        raise PublishError(f"No warehouse at {warehouse}: build it with `.venv/bin/python -m etl "
                           "build` (or run `python -m etl publish` without --no-build).")
    version = warehouse_version(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    with _lock(folder):
        for left in leftovers(folder):
            left.unlink()  # left by a publish that was killed; we hold the lock
        target = folder / version_name(now or dt.datetime.now(dt.timezone.utc), version)
        tmp = folder / temporary(target.name)
        with open(warehouse, "rb") as source, open(tmp, "wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 24)
            copy.flush()
            os.fsync(copy.fileno())
        os.chmod(tmp, 0o444)  # a version is never written again
        os.replace(tmp, target)
        _fsync_dir(folder)
        pointer = folder / temporary(POINTER)
        with open(pointer, "w") as handle:
            handle.write(target.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(pointer, 0o644)
        os.replace(pointer, folder / POINTER)
        _fsync_dir(folder)
        for old in to_prune(folder, keep):
            old.unlink(missing_ok=True)
    return target
