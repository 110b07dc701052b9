"""Where the reference tables (data/reference/*.csv: categories, precision codes, actor groups,
place aliases, target classes, coverage) are read from: the data folder the stage was given.

`python -m etl build --data-dir D` reads D/reference, not the repository's: build_warehouse runs
inside `using(D / "reference")`. Readers call `path(name)` at use and cache by (path, mtime), so
another folder, or an edited table, is read again.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import settings

DEFAULT = settings.REFERENCE_DIR  # outside a build: the reference tables of the settings' data folder
_current = [DEFAULT]


def directory() -> Path:
    return _current[-1]


def path(name: str) -> Path:
    return directory() / name


def key(name: str) -> tuple[str, int]:
    """(path, mtime) of a reference table: the cache key of the functions that read it."""
    p = path(name)
    return str(p), p.stat().st_mtime_ns


@contextmanager
def using(folder: Path):
    """Read the reference tables from `folder` inside the block (when it exists)."""
    folder = Path(folder)
    _current.append(folder if folder.is_dir() else directory())
    try:
        yield
    finally:
        _current.pop()
