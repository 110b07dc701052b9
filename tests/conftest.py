"""Shared fixtures. The read-only ones are built once for the whole run, whichever of pytest-xdist's
workers asks first (`_once`): the warehouse of the bundled data/, a data folder with its warehouse
(tests that change a folder take `data_dir`, a copy of it), the same folder with one import
(`seeded`; a copy: `seeded_dir`), and the warehouses of the hand-worked fixtures. Helpers are in
tests/helpers.py."""
from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

# The test process's own audit trail (access/audit.py), never data/audit.jsonl of the repository nor
# another worker's (pytest-xdist): set before settings is imported, and inherited by the servers and
# commands the tests start.
os.environ["DASHBOARD_AUDIT"] = str(Path(tempfile.mkdtemp(prefix="audit-")) / "audit.jsonl")

import pytest

from etl.build import build_warehouse
from etl.imports import import_file
from tests.helpers import DATA, FIXTURES, ROOT, TODAY, fixture_warehouse, read_only


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


def _once(tmp_path_factory, name: str, make: Callable[[Path], object]):
    """What `make(folder)` returns, made once for the whole run in `folder` (a new folder named
    `name`): under pytest-xdist by the first worker that asks, in the run's folder every worker
    sees, while the others wait on its lock and then read the result it pickled."""
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # pytest-N/, above each worker's popen-gwK/
    made = base / f"{name}.pickle"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists():
            folder = base / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            made.write_bytes(pickle.dumps(make(folder)))
    return pickle.loads(made.read_bytes())


def _outlook_ahead(warehouse: Path) -> None:
    """The Outlook computed ahead beside the warehouse, by the command `make build` runs, so the
    pages, exports and servers of the run read it instead of each computing it."""
    subprocess.run([sys.executable, "-m", "indicators", "outlook", "--cache", "--warehouse", str(warehouse)],
                   cwd=ROOT, check=True, capture_output=True)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(BuildResult, path) of a warehouse built from the bundled data/, its Outlook computed ahead
    as `make build` does. Read-only."""
    def make(folder):
        result = build_warehouse(DATA, folder / "warehouse.duckdb", today=TODAY)
        _outlook_ahead(result.warehouse)
        return result
    return _once(tmp_path_factory, "warehouse", make)


@pytest.fixture()
def con(built):
    with read_only(built.warehouse) as connection:
        yield connection


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory):
    """A data/ folder with the bundled raw files and references (no imports) and its warehouse,
    built once: data/warehouse.duckdb, the build cache beside it. Read-only: a test that changes
    the folder takes `data_dir`."""
    def make(folder):
        data = folder / "data"
        shutil.copytree(DATA / "raw", data / "raw")
        shutil.copytree(DATA / "reference", data / "reference")
        build_warehouse(data, data / "warehouse.duckdb", today=TODAY)
        return data
    return _once(tmp_path_factory, "built_dir", make)


@pytest.fixture()
def data_dir(built_dir, tmp_path):
    """A copy of `built_dir` of the test's own (the warehouse and the build cache too, so a build
    or an import there reads only what changed)."""
    return shutil.copytree(built_dir, tmp_path / "data")


@pytest.fixture(scope="session")
def seeded(built_dir, tmp_path_factory):
    """`built_dir` with one analyst's import done (tests/data/imports/acled_api.json, added to its
    warehouse by the append path), made once. Read-only: a test that changes it takes `seeded_dir`."""
    def make(folder):
        data = shutil.copytree(built_dir, folder / "data")
        import_file(FIXTURES / "imports" / "acled_api.json", data, data / "warehouse.duckdb", today=TODAY)
        return data
    return _once(tmp_path_factory, "seeded", make)


@pytest.fixture()
def seeded_dir(seeded, tmp_path):
    """A copy of `seeded` of the test's own (warehouse, build cache, imports and registry)."""
    return shutil.copytree(seeded, tmp_path / "data")


@pytest.fixture(scope="session")
def fixture_con(tmp_path_factory):
    """A warehouse of tests/data/indicator_events.csv, whose values the tests work out by hand."""
    path = _once(tmp_path_factory, "indicator_fixture",
                 lambda folder: fixture_warehouse(folder, {"indicator_events.csv": "curated"}))
    with read_only(path) as connection:
        yield connection


@pytest.fixture(scope="session")
def brief_warehouse(tmp_path_factory):
    """The warehouse of tests/data/brief_events.csv and brief_suicide.csv, whose briefing note
    tests/indicators/test_brief.py works out by hand (also read by tests/export/test_note.py)."""
    return _once(tmp_path_factory, "brief_fixture", lambda folder: fixture_warehouse(
        folder, {"brief_events.csv": "curated", "brief_suicide.csv": "pk_suicide_attacks"}))


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
