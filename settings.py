"""Every path of the project and every environment variable, decided here once: where the data
folder, its reference tables, the warehouse and the fetch configuration are, and where the
dashboard writes at run time (the README's Deployment section lists the variables). The other
modules take these as defaults and pass paths on; none looks at its own location or the environment.

- DASHBOARD_DATA_DIR: the data folder (raw/, reference/, population/, imports/): what
  `python -m etl` builds from and imports into, what the Data page imports into and what the
  dashboard checks for files newer than the warehouse; default data/ of the repository. Its
  reference/ holds the reference tables; every stage reads them from the data folder it was given.
- DASHBOARD_WAREHOUSE_DIR: the *published folder* of `python -m etl publish` (versioned
  warehouse files and a pointer to the current one: contract/published.py). Set on app
  replicas; they only read it, and a new version is seen at the next rerun.
- DASHBOARD_WAREHOUSE: one warehouse file (default warehouse.duckdb in the data folder,
  data/warehouse.duckdb: what `make run` builds), used when no published folder is set: today's
  single-process behaviour. `python -m etl` writes it by default.
- DASHBOARD_SCRATCH: a local writable folder for what the app writes at run time (the hard
  links through which a plain warehouse file is opened; on the same file system as that file,
  else it is opened by its path and a rebuild needs a restart); default: beside the warehouse
  file, as before. A published folder needs no links (each version has a name of its own).
  Map outlines go to static/outlines/ (served by Streamlit) when it can be written, else they
  travel inside each figure: mount a writable folder there to keep them served.
- DASHBOARD_KEEP_VERSIONS: how many published versions `etl publish` keeps (default 3).
- DASHBOARD_IMPORTS: `off` disables the Data page's import and removal (on by default; always
  off on a replica reading a published folder, which has no data folder to import into).
- ETL_FETCH_CONFIG: the fetch configuration of `python -m etl fetch` (default etl/fetch.toml;
  `--config` wins).
- ETL_MEMORY_LIMIT: DuckDB's memory while a build writes the warehouse (default 2GB; beyond
  it DuckDB spills to disk beside the warehouse).
- ETL_PART_ROWS: a CSV is read in parts of this many rows (default 250,000), which bounds the
  memory of reading it: about two parts are held at once (one read ahead).
- DASHBOARD_LISTEN: the address `make run` serves on (default 127.0.0.1: this machine only);
  `0.0.0.0` serves every network interface, and then each start warns when sign-in is not
  configured (access/serving.py).
- DASHBOARD_ROLES: who may do what once sign-in is configured: `claim value=role` pairs separated
  by commas (default `dashboard-admins=admin,dashboard-analysts=analyst`); roles are viewer,
  analyst and admin (access/roles.py), a signed-in person matching no pair is a viewer.
- DASHBOARD_ROLE_CLAIM: the identity token's claim holding those values (default `groups`; a
  list or a single string).
- DASHBOARD_AUDIT: the audit trail, JSON lines appended by every import, fetch, rebuild, publish
  and export (default audit.jsonl in the data folder, which no build or publish replaces).
- Credentials (ACLED_EMAIL, ACLED_PASSWORD, UCDP_TOKEN: the names etl/fetch.toml gives) are read
  by `credential` when a fetch needs them, never stored.
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent  # the repository: the app, etl/fetch.toml, static/


def _path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser().resolve() if value else None


DATA_DIR = _path("DASHBOARD_DATA_DIR") or ROOT / "data"
REFERENCE = "reference"  # the reference tables' folder inside a data folder
REFERENCE_DIR = DATA_DIR / REFERENCE
WAREHOUSE_FILE = _path("DASHBOARD_WAREHOUSE") or DATA_DIR / "warehouse.duckdb"
PUBLISHED_DIR = _path("DASHBOARD_WAREHOUSE_DIR")
SCRATCH = _path("DASHBOARD_SCRATCH")
def _whole(name: str, default: int) -> int:
    """The environment variable `name` as a whole number of at least 1 (`default` when unset)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name}={value!r} is not a whole number of at least 1; set it to one "
                         f"(default {default}) or unset it.")
    return int(value)


KEEP_VERSIONS = _whole("DASHBOARD_KEEP_VERSIONS", 3)
IMPORTS = os.environ.get("DASHBOARD_IMPORTS", "on").strip().lower() not in ("off", "0", "false", "no") \
    and PUBLISHED_DIR is None
FETCH_CONFIG = _path("ETL_FETCH_CONFIG") or ROOT / "etl" / "fetch.toml"
# DuckDB's memory while the build writes the warehouse (it spills to disk beyond it).
ETL_MEMORY_LIMIT = os.environ.get("ETL_MEMORY_LIMIT", "2GB").strip() or "2GB"
ETL_PART_ROWS = _whole("ETL_PART_ROWS", 250_000)
LISTEN = os.environ.get("DASHBOARD_LISTEN", "").strip() or "127.0.0.1"
ROLES = os.environ.get("DASHBOARD_ROLES", "").strip() or "dashboard-admins=admin,dashboard-analysts=analyst"
ROLE_CLAIM = os.environ.get("DASHBOARD_ROLE_CLAIM", "").strip() or "groups"
AUDIT_NAME = "audit.jsonl"  # the audit trail's file in the data folder of the action
AUDIT_FILE = _path("DASHBOARD_AUDIT")  # None: AUDIT_NAME in the data folder
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"  # Streamlit's secrets (git-ignored)
# Streamlit serves the static/ folder beside app.py at /app/static/ (.streamlit/config.toml), so
# it stays in the repository: the favicon and the map outlines the dashboard writes.
STATIC_DIR = ROOT / "static"


def credential(name: str, secrets_file: Path | str | None = None) -> str:
    """The credential in the environment variable `name`, else under the same top-level key of
    Streamlit's secrets file `secrets_file` (relative to the repository; none: the environment
    only); '' when neither has it. Read at each call, never kept."""
    value = os.environ.get(name, "")
    if value or secrets_file is None:
        return value
    path = Path(secrets_file)
    try:
        with open(path if path.is_absolute() else ROOT / path, "rb") as handle:
            return str(tomllib.load(handle).get(name, ""))
    except (OSError, tomllib.TOMLDecodeError):
        return ""


def readers_dir(warehouse: Path) -> Path:
    """Where the hard links through which a plain warehouse file is opened are made."""
    return SCRATCH / "readers" if SCRATCH is not None else warehouse.parent / ".readers"
