"""Where the dashboard reads its warehouse and writes at run time: the one place that reads the
deployment's environment variables (the README's Deployment section lists them).

- DASHBOARD_WAREHOUSE_DIR: the *published folder* of `python -m etl publish`: versioned
  warehouse files (`warehouse-<time>-<version>.duckdb`) and the pointer file `CURRENT` naming
  the current one. Set on app replicas; they only read it, and a new version is seen at the
  next rerun.
- DASHBOARD_WAREHOUSE: one warehouse file (default data/warehouse.duckdb, what `make run`
  builds), used when no published folder is set: today's single-process behaviour.
- DASHBOARD_SCRATCH: a local writable folder for what the app writes at run time (the hard
  links through which a plain warehouse file is opened; on the same file system as that file,
  else it is opened by its path and a rebuild needs a restart); default: beside the warehouse
  file, as before. A published folder needs no links (each version has a name of its own).
  Map outlines go to static/outlines/ (served by Streamlit) when it can be written, else they
  travel inside each figure: mount a writable folder there to keep them served.
- DASHBOARD_KEEP_VERSIONS: how many published versions `etl publish` keeps (default 3).
- DASHBOARD_IMPORTS: `off` disables the Data page's import and removal (on by default; always
  off on a replica reading a published folder, which has no data folder to import into).
"""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
POINTER = "CURRENT"  # the file of the published folder naming the current version


def _path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else None


WAREHOUSE_FILE = _path("DASHBOARD_WAREHOUSE") or ROOT / "data" / "warehouse.duckdb"
PUBLISHED_DIR = _path("DASHBOARD_WAREHOUSE_DIR")
SCRATCH = _path("DASHBOARD_SCRATCH")
KEEP_VERSIONS = int(os.environ.get("DASHBOARD_KEEP_VERSIONS", "3"))
IMPORTS = os.environ.get("DASHBOARD_IMPORTS", "on").strip().lower() not in ("off", "0", "false", "no") \
    and PUBLISHED_DIR is None


class NotPublished(RuntimeError):
    pass


def published_version(folder: Path) -> Path:
    """The file the pointer of the published `folder` names (it is replaced atomically)."""
    try:
        name = (folder / POINTER).read_text().strip()
    except FileNotFoundError:
        raise NotPublished(f"No published warehouse in {folder} (no {POINTER} file). Publish one "
                           f"with `.venv/bin/python -m etl publish --to {folder}` on the builder.") from None
    if not name or "/" in name or name.startswith("."):
        raise NotPublished(f"{folder / POINTER} names {name!r}, not a warehouse file of the folder: "
                           "publish again with `python -m etl publish`.")
    return folder / name


def readers_dir(warehouse: Path) -> Path:
    """Where the hard links through which a plain warehouse file is opened are made."""
    return SCRATCH / "readers" if SCRATCH is not None else warehouse.parent / ".readers"
