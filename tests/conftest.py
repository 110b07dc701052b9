"""Shared fixtures: one warehouse built from the bundled data for the whole test session."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# The test run's audit trail (access/audit.py), never data/audit.jsonl of the repository: set before
# settings is imported, and inherited by the servers and commands the tests start.
os.environ.setdefault("DASHBOARD_AUDIT", str(Path(tempfile.mkdtemp(prefix="audit-")) / "audit.jsonl"))

import duckdb
import pytest

from etl.build import build_warehouse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "data"
# A fixed "today" keeps the future-date rule deterministic in tests.
TODAY = dt.date(2026, 11, 24)


def warehouse_tables(path) -> dict:
    """Every table and view of the warehouse at `path`, rows in a fixed order, build times left out."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        return {n: con.execute(f'SELECT * EXCLUDE (built_at) FROM "{n}" ORDER BY ALL' if n == "etl_runs"
                               else f'SELECT * FROM "{n}" ORDER BY ALL').df().reset_index(drop=True)
                for n in names}
    finally:
        con.close()


def _tracked_changes() -> str | None:
    """A digest of every uncommitted change to tracked files (None outside a git checkout)."""
    try:
        diff = subprocess.run(["git", "diff", "--binary", "HEAD"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return hashlib.sha256(diff.stdout).hexdigest()


@pytest.fixture(scope="session", autouse=True)
def tracked_files_unchanged():
    """Must not happen: a test run changing a file under version control (the README's
    screenshots come from `make screenshots`, not from the browser tests)."""
    before = _tracked_changes()
    yield
    if before is not None and _tracked_changes() != before:
        changed = subprocess.run(["git", "diff", "--stat", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        pytest.fail(f"the tests changed tracked files:\n{changed.stdout}")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(BuildResult, path) of a warehouse built from the bundled data/."""
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    return build_warehouse(DATA, path, today=TODAY)


@pytest.fixture()
def con(built):
    connection = duckdb.connect(str(built.warehouse), read_only=True)
    yield connection
    connection.close()


def fixture_data_dir(tmp_path, files):
    """A data/ folder with the bundled boundaries and references and the given raw files."""
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    shutil.copytree(DATA / "raw" / "boundaries", data / "raw" / "boundaries")
    shutil.copytree(DATA / "reference", data / "reference")
    shutil.copytree(DATA / "population", data / "population")
    with open(data / "raw" / "sources.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "format", "dataset", "short_name", "title", "author_publisher",
                         "origin", "licence"])
        for name, fmt in files.items():
            shutil.copy(FIXTURES / name, data / "raw" / name)
            writer.writerow([name, fmt, fmt, name, name, "tests", "tests", "test fixture"])
    return data


@pytest.fixture(scope="session")
def fixture_con(tmp_path_factory):
    """A warehouse of tests/data/indicator_events.csv, whose values the tests work out by hand."""
    tmp = tmp_path_factory.mktemp("indicator_fixture")
    data = fixture_data_dir(tmp, {"indicator_events.csv": "curated"})
    build_warehouse(data, tmp / "w.duckdb", today=TODAY)
    connection = duckdb.connect(str(tmp / "w.duckdb"), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def nginx() -> str:
    """Debian's nginx binary; the tests that need it are skipped without it, and fail under
    CI=true (.ci/run installs it with .ci/nginx)."""
    import os

    from deploy.cluster import ClusterError, nginx_binary

    try:
        return nginx_binary()
    except ClusterError as err:
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but {err} (.ci/run installs it with .ci/nginx)")
        pytest.skip(f"{err} Without it the load-balancer tests cannot run.")
