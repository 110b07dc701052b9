"""Faults: a build stopped at any of its steps leaves the data folder (raw files, imports, registry,
revision history, warehouse, cache) exactly as it was, bytes and listing, and the next build goes
through. The build's test-only seam (etl/build.py `fault_at`) raises at the step named, as a crash
there would stop it; which branch is tested does not depend on the machine's speed."""
import hashlib

import pytest

from etl import build
from etl.build import build_warehouse
from etl.imports import ImportProblem, import_file
from tests.helpers import FIXTURES, TODAY, warehouse_tables

pytestmark = pytest.mark.slow  # the edit loop (make test-fast) leaves them out

SECOND = FIXTURES / "imports" / "ucdp_ged.csv"


def state(data):
    """Every folder and file under `data`: a file by the hash of its bytes."""
    return {p.relative_to(data).as_posix(): "folder" if p.is_dir() else
            hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data.rglob("*"))}


@pytest.mark.parametrize("step", build.FAULT_STEPS)
def test_an_import_whose_build_stops_at_a_step_changes_nothing(seeded_dir, monkeypatch, step):
    """The import's file is read anew (step `staged` keeps its outcome in the cache) and added to
    the copy of the last warehouse; wherever the build stops, the import is refused in one line
    and the data folder is as it was; without the fault the same import goes through."""
    before = state(seeded_dir)
    monkeypatch.setattr(build, "fault_at", step)
    with pytest.raises(ImportProblem, match=rf"^ucdp_ged.csv: not imported: InjectedFault: a fault "
                                            rf"injected at step '{step}' .* Nothing was changed.$"):
        import_file(SECOND, seeded_dir, seeded_dir / "warehouse.duckdb", today=TODAY)
    assert state(seeded_dir) == before

    monkeypatch.setattr(build, "fault_at", None)
    summary = import_file(SECOND, seeded_dir, seeded_dir / "warehouse.duckdb", today=TODAY)
    assert summary.status == "imported" and summary.counts.loaded > 0
    assert state(seeded_dir) != before


@pytest.mark.parametrize("step", [s for s in build.FAULT_STEPS if s != "staged"])
def test_a_rebuild_that_stops_at_a_step_changes_nothing(seeded_dir, monkeypatch, step):
    """A full rebuild of the same inputs (every file's outcome from the cache, so no file is
    staged anew) stopped at each later step; the next rebuild writes the same tables."""
    before, tables = state(seeded_dir), warehouse_tables(seeded_dir / "warehouse.duckdb")
    monkeypatch.setattr(build, "fault_at", step)
    with pytest.raises(build.InjectedFault, match=f"step '{step}'"):
        build_warehouse(seeded_dir, seeded_dir / "warehouse.duckdb", today=TODAY)
    assert state(seeded_dir) == before

    monkeypatch.setattr(build, "fault_at", None)
    build_warehouse(seeded_dir, seeded_dir / "warehouse.duckdb", today=TODAY)
    again = warehouse_tables(seeded_dir / "warehouse.duckdb")
    assert again.keys() == tables.keys()
    for name in tables:
        assert again[name].equals(tables[name]), name
