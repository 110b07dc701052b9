"""Shared fixtures. The read-only ones are built once for the whole run (session scope): the
warehouse of the bundled data/, a data folder with its warehouse (tests that change a folder take
`data_dir`, a copy of it), the same folder with one import (`seeded`; a copy: `seeded_dir`), and
the warehouses of the hand-worked fixtures. Helpers are in tests/helpers.py."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# The test run's audit trail (access/audit.py), never data/audit.jsonl of the repository: set before
# settings is imported, and inherited by the servers and commands the tests start.
os.environ.setdefault("DASHBOARD_AUDIT", str(Path(tempfile.mkdtemp(prefix="audit-")) / "audit.jsonl"))

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


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """(BuildResult, path) of a warehouse built from the bundled data/. Read-only."""
    path = tmp_path_factory.mktemp("warehouse") / "warehouse.duckdb"
    return build_warehouse(DATA, path, today=TODAY)


@pytest.fixture()
def con(built):
    with read_only(built.warehouse) as connection:
        yield connection


@pytest.fixture(scope="session")
def built_dir(tmp_path_factory):
    """A data/ folder with the bundled raw files and references (no imports) and its warehouse,
    built once: data/warehouse.duckdb, the build cache beside it. Read-only: a test that changes
    the folder takes `data_dir`."""
    data = tmp_path_factory.mktemp("built_dir") / "data"
    shutil.copytree(DATA / "raw", data / "raw")
    shutil.copytree(DATA / "reference", data / "reference")
    build_warehouse(data, data / "warehouse.duckdb", today=TODAY)
    return data


@pytest.fixture()
def data_dir(built_dir, tmp_path):
    """A copy of `built_dir` of the test's own (the warehouse and the build cache too, so a build
    or an import there reads only what changed)."""
    return shutil.copytree(built_dir, tmp_path / "data")


@pytest.fixture(scope="session")
def seeded(built_dir, tmp_path_factory):
    """`built_dir` with one analyst's import done (tests/data/imports/acled_api.json, added to its
    warehouse by the append path), made once. Read-only: a test that changes it takes `seeded_dir`."""
    data = shutil.copytree(built_dir, tmp_path_factory.mktemp("seeded") / "data")
    import_file(FIXTURES / "imports" / "acled_api.json", data, data / "warehouse.duckdb", today=TODAY)
    return data


@pytest.fixture()
def seeded_dir(seeded, tmp_path):
    """A copy of `seeded` of the test's own (warehouse, build cache, imports and registry)."""
    return shutil.copytree(seeded, tmp_path / "data")


@pytest.fixture(scope="session")
def fixture_con(tmp_path_factory):
    """A warehouse of tests/data/indicator_events.csv, whose values the tests work out by hand."""
    path = fixture_warehouse(tmp_path_factory.mktemp("indicator_fixture"), {"indicator_events.csv": "curated"})
    with read_only(path) as connection:
        yield connection


@pytest.fixture(scope="session")
def brief_warehouse(tmp_path_factory):
    """The warehouse of tests/data/brief_events.csv and brief_suicide.csv, whose briefing note
    tests/indicators/test_brief.py works out by hand (also read by tests/export/test_note.py)."""
    return fixture_warehouse(tmp_path_factory.mktemp("brief_fixture"),
                             {"brief_events.csv": "curated", "brief_suicide.csv": "pk_suicide_attacks"})


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
