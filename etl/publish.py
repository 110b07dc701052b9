"""Publishing a built warehouse for app replicas: `python -m etl publish`.

The published folder holds versioned, never rewritten warehouse files
(`warehouse-<UTC time>-<version>.duckdb`) and the pointer file `CURRENT` naming the current one.
A version is copied under a hidden temporary name, flushed to disk (fsync), renamed to its
final name, and only then is the pointer replaced, itself by writing a temporary file and
renaming it over the old pointer: a replica reading the pointer sees the old version or the new
one, never a half-written file. Replicas read the pointer at every rerun.

Old versions: the newest `keep` are kept, and never the one the pointer names, whatever `keep`
says. A replica that still has an older version open keeps reading it after it is removed (on
Linux an open file lives until it is closed; the next rerun opens the current version), so a
version is removed only `keep` publishes after it stopped being current: with publishes minutes
apart and reruns of seconds, no session is still on it.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import duckdb

POINTER = "CURRENT"  # the same name as settings.POINTER (etl does not import the app's settings)
PREFIX, SUFFIX = "warehouse-", ".duckdb"


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
    with open(folder / ".publish.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PublishError(f"Another `etl publish` into {folder} is running; wait for it to "
                               "finish and publish again.") from None
        yield


def warehouse_version(warehouse: Path) -> str:
    """The version recorded in the warehouse's meta table (a hash of its inputs)."""
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as err:
        raise PublishError(f"{warehouse} is not a warehouse DuckDB can open ({err}). Build it "
                           "with `.venv/bin/python -m etl build`.") from None
    try:
        return con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]
    except (duckdb.Error, TypeError):
        raise PublishError(f"{warehouse} has no version in table meta: it was not written by "
                           "`python -m etl build`. Build it again.") from None
    finally:
        con.close()


def versions(folder: Path) -> list[Path]:
    """The published versions of `folder`, oldest first."""
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))


def current(folder: Path) -> Path | None:
    """The version the pointer names (None before the first publish)."""
    try:
        return folder / (folder / POINTER).read_text().strip()
    except FileNotFoundError:
        return None


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
        for left in folder.glob(f".{PREFIX}*.tmp"):
            left.unlink()  # left by a publish that was killed; we hold the lock
        stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"{PREFIX}{stamp}-{version}{SUFFIX}"
        tmp = folder / f".{target.name}.tmp"
        with open(warehouse, "rb") as source, open(tmp, "wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 24)
            copy.flush()
            os.fsync(copy.fileno())
        os.chmod(tmp, 0o444)  # a version is never written again
        os.replace(tmp, target)
        _fsync_dir(folder)
        pointer = folder / f".{POINTER}.tmp"
        with open(pointer, "w") as handle:
            handle.write(target.name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(pointer, 0o644)
        os.replace(pointer, folder / POINTER)
        _fsync_dir(folder)
        for old in versions(folder)[:-keep]:
            if old != target:
                old.unlink(missing_ok=True)
    return target
