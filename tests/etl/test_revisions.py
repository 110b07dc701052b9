"""Table `revisions`: version 1 and version 2 of a dataset (an import replacing an earlier export
of the same file name) with known additions, deletions and field changes give exactly those rows;
a first version, a rebuild and the same file again record nothing; the history survives rebuilds.

Version 1 is tests/data/imports/ucdp_ged.csv (ids 101-105). Version 2, made below: 103 deleted,
106 added, 101's best estimate 5 -> 9 (fatalities) and its place text changed, 102's low estimate
43 -> 40."""
from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from etl.__main__ import app
from etl.build import build_warehouse
from etl.imports import import_file
from contract.revisions import summary_lines
from tests.helpers import FIXTURES, TODAY, fixture_data_dir

pytestmark = pytest.mark.slow  # fixture builds and imports

V1 = FIXTURES / "imports" / "ucdp_ged.csv"


def version_2(path):
    with open(V1, encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    header, rows = records[0], [r[:len(records[0])] for r in records[1:]]
    col = header.index
    by_id = {r[col("id")]: r for r in rows}
    by_id["101"][col("best")] = "9"
    by_id["101"][col("where_description")] = "Quetta city"
    by_id["102"][col("low")] = "40"
    added = list(by_id["104"])
    added[col("id")] = "106"
    rows = [r for r in rows if r[col("id")] != "103"] + [added]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header] + rows)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """data/ after importing version 1 then version 2 under the same file name."""
    tmp = tmp_path_factory.mktemp("revisions")
    data = fixture_data_dir(tmp, {"indicator_events.csv": "curated"})
    warehouse = data / "warehouse.duckdb"
    import_file(V1, data, warehouse, "ucdp", original="ged.csv", today=TODAY)
    first = _revisions(warehouse)
    version_2(tmp / "v2.csv")
    summary = import_file(tmp / "v2.csv", data, warehouse, "ucdp", original="ged.csv", today=TODAY)
    assert summary.status == "replaced"
    return data, first


def _revisions(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT dataset, event_id, change, field, old_value, new_value "
                           "FROM revisions ORDER BY event_id, field").fetchall()
    finally:
        con.close()


EXPECTED = [
    ("ucdp", "ucdp:101", "revised", "description", "Pakistan: Government: Quetta town",
     "Pakistan: Government: Quetta city"),
    ("ucdp", "ucdp:101", "revised", "fatalities", "5", "9"),
    ("ucdp", "ucdp:101", "revised", "location", "Quetta town", "Quetta city"),
    ("ucdp", "ucdp:102", "revised", "fatalities_low", "43", "40"),
    ("ucdp", "ucdp:103", "removed", None, None, None),
    ("ucdp", "ucdp:106", "added", None, None, None),
]


def test_first_version_records_nothing(versions):
    _, first = versions
    assert first == []


def test_version_2_gives_exactly_the_additions_deletions_and_field_changes(versions):
    data, _ = versions
    assert _revisions(data / "warehouse.duckdb") == EXPECTED
    # every chart, export and the deck say when the data last changed (their source line)
    from indicators import provenance
    from indicators.filters import Filters
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        day = con.execute("SELECT max(recorded_at) FROM revisions").fetchone()[0][:10]
        assert provenance.source_line(con, Filters(1990, 2026)).endswith(f", last change {day}")
    finally:
        con.close()


def test_history_survives_a_rebuild_and_a_rebuild_records_nothing_new(versions, tmp_path):
    data, _ = versions
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    build_warehouse(copy, copy / "warehouse.duckdb", today=TODAY)
    assert _revisions(copy / "warehouse.duckdb") == EXPECTED
    (copy / "warehouse.duckdb").unlink()  # even from scratch: the history is in data/imports
    build_warehouse(copy, copy / "warehouse.duckdb", today=TODAY)
    assert _revisions(copy / "warehouse.duckdb") == EXPECTED


def test_a_build_that_fails_before_its_rename_leaves_the_history_and_a_retry_records_once(
        tmp_path, monkeypatch):
    """The history is replaced only after the new warehouse has replaced the old: an import whose
    rename fails changes neither, and the retry records each revision once."""
    import etl.build
    from etl.imports import ImportProblem

    data = fixture_data_dir(tmp_path, {"indicator_events.csv": "curated"})
    warehouse = data / "warehouse.duckdb"
    import_file(V1, data, warehouse, "ucdp", original="ged.csv", today=TODAY)
    version_2(tmp_path / "v2.csv")
    history = data / "imports" / "revisions.parquet"
    before = (history.exists(), warehouse.read_bytes())
    real = etl.build.os.replace

    def failing(src, dst):
        if str(dst) == str(warehouse):
            raise OSError("disk full")
        return real(src, dst)

    monkeypatch.setattr(etl.build.os, "replace", failing)
    with pytest.raises(ImportProblem):
        import_file(tmp_path / "v2.csv", data, warehouse, "ucdp", original="ged.csv", today=TODAY)
    assert (history.exists(), warehouse.read_bytes()) == before
    assert not list(history.parent.glob(".revisions.parquet.*"))
    monkeypatch.setattr(etl.build.os, "replace", real)
    import_file(tmp_path / "v2.csv", data, warehouse, "ucdp", original="ged.csv", today=TODAY)
    assert _revisions(warehouse) == EXPECTED


def test_a_build_killed_before_it_kept_the_history_loses_nothing(versions, tmp_path, monkeypatch):
    """Killed between the warehouse's rename and the history's: the next build takes the
    revisions from the warehouse it replaces, even after the warehouse is rebuilt whole."""
    import etl.revisions

    data, _ = versions
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    (copy / "imports" / "revisions.parquet").unlink()  # what such a kill leaves (here: all)
    monkeypatch.setattr(etl.revisions, "keep", lambda pending, history: None)
    build_warehouse(copy, copy / "warehouse.duckdb", today=TODAY, fresh=True)
    monkeypatch.undo()
    assert _revisions(copy / "warehouse.duckdb") == EXPECTED
    build_warehouse(copy, copy / "warehouse.duckdb", today=TODAY, fresh=True)
    (copy / "warehouse.duckdb").unlink()
    build_warehouse(copy, copy / "warehouse.duckdb", today=TODAY)
    assert _revisions(copy / "warehouse.duckdb") == EXPECTED


def test_the_same_file_again_changes_nothing(versions, tmp_path):
    data, _ = versions
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    version_2(tmp_path / "v2.csv")
    summary = import_file(tmp_path / "v2.csv", copy, copy / "warehouse.duckdb", "ucdp",
                          original="ged.csv", today=TODAY)
    assert summary.status == "unchanged"
    assert _revisions(copy / "warehouse.duckdb") == EXPECTED


def test_changes_prints_the_latest_change(versions):
    data, _ = versions
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        lines = summary_lines(con)
    finally:
        con.close()
    assert len(lines) == 1
    assert lines[0].startswith("ucdp since ")
    assert lines[0].endswith(": 1 added, 1 removed, 2 revised: description Pakistan: Government: "
                             "Quetta town -> Pakistan: Government: Quetta city (ucdp:101), "
                             "fatalities 5 -> 9 (ucdp:101), location Quetta town -> Quetta city "
                             "(ucdp:101), fatalities_low 43 -> 40 (ucdp:102).")
    result = CliRunner().invoke(app, ["changes", "ucdp", "--events", "--out",
                                      str(data / "warehouse.duckdb")])
    assert result.exit_code == 0, result.output
    assert "ucdp ucdp:101: revised fatalities 5 -> 9" in result.output
    assert "ucdp ucdp:106: added" in result.output
    none = CliRunner().invoke(app, ["changes", "acled", "--out", str(data / "warehouse.duckdb")])
    assert none.exit_code == 0 and "No recorded change of acled" in none.output
