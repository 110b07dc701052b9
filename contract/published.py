"""The published folder, the one protocol between `python -m etl publish` (etl/publish.py, which
writes it) and the app replicas (dashboard/data.py, which read it; settings.PUBLISHED_DIR says
where it is).

- A version is a warehouse file `warehouse-<UTC time>-<version>.duckdb` (`version_name`), never
  written again once it has its name; it arrives under a hidden temporary name (`temporary`) and
  is renamed to its own.
- The pointer file `CURRENT` holds the name of the current version (one line). It is replaced
  atomically (a temporary file renamed over it) after the version it names is whole, so a reader
  sees the old version or the new one, never a half-written file. A reader reads it at every
  rerun (`current_version`); a name that is not a file of the folder is refused.
- Old versions: after a publish the newest `keep` versions stay, and always the current one,
  whatever `keep` says (`to_prune`). A replica that still has an older version open keeps reading
  it after it is removed (on Linux an open file lives until it is closed; its next rerun opens
  the current version).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

POINTER = "CURRENT"  # the file naming the current version
PREFIX, SUFFIX = "warehouse-", ".duckdb"
LOCK = ".publish.lock"  # held by a publish while it writes


class NotPublished(RuntimeError):
    """The folder has no usable current version; the message says how to publish one."""


def version_name(when: dt.datetime, version: str) -> str:
    """The file name of the version of warehouse `version` published at `when` (UTC): names sort
    in publishing order."""
    return f"{PREFIX}{when:%Y%m%dT%H%M%S%fZ}-{version}{SUFFIX}"


def temporary(name: str) -> str:
    """The hidden name a file of the folder (a version, the pointer) is written under first."""
    return f".{name}.tmp"


def leftovers(folder: Path) -> list[Path]:
    """Versions half-copied by a publish that was killed (only a publish holding LOCK removes them)."""
    return sorted(folder.glob(temporary(f"{PREFIX}*")))


def versions(folder: Path) -> list[Path]:
    """The published versions of `folder`, oldest first."""
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))


def current(folder: Path) -> Path | None:
    """The version the pointer names (None before the first publish); NotPublished when the
    pointer names something that is not a version of the folder."""
    try:
        name = (folder / POINTER).read_text().strip()
    except FileNotFoundError:
        return None
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)) or "/" in name:
        raise NotPublished(f"{folder / POINTER} names {name!r}, not a warehouse file of the folder: "
                           "publish again with `python -m etl publish`.")
    return folder / name


def current_version(folder: Path) -> Path:
    """The version a reader opens now (`current`); NotPublished, saying how to publish, when
    there is none."""
    found = current(folder)
    if found is None:
        raise NotPublished(f"No published warehouse in {folder} (no {POINTER} file). Publish one "
                           f"with `.venv/bin/python -m etl publish --to {folder}` on the builder.")
    return found


def to_prune(folder: Path, keep: int) -> list[Path]:
    """The versions a publish removes: all but the newest `keep` and the current one."""
    kept = current(folder)
    return [v for v in versions(folder)[:-keep] if v != kept]
