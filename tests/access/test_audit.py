"""The audit trail (access/audit.py): the command line records the operating-system user's imports,
failed ones too, rebuilds and publishes, and the rows survive both; an export from `python -m export`
writes a row with its filters; the dashboard's import door (dashboard/uploads.py) refuses a viewer
and any role on a read-only server, and records an analyst's import under the analyst's name."""
from __future__ import annotations

import getpass
import hashlib
import json
import os
import subprocess
import sys

import duckdb
import pytest

from access import audit
from access.roles import Caller, Refused
from tests.helpers import FIXTURES, ROOT, fixture_data_dir
from tests.etl.test_fetch import base, serve_ucdp, server, small_dir, write_config  # noqa: F401 (fixtures)
from tests.etl.test_fetch import run as run_fetch

IMPORT = FIXTURES / "imports" / "acled_export_bom.csv"
BAD = FIXTURES / "bad" / "unknown_header.csv"


def _env(**extra) -> dict:
    """The environment of a command whose trail is the one of its data folder."""
    env = {k: v for k, v in os.environ.items() if k != "DASHBOARD_AUDIT"}
    return {**env, **extra}


def _etl(*args, env=None):
    return subprocess.run([sys.executable, "-m", "etl", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, env=env or _env())


def _trail(data_dir) -> list[dict]:
    return [json.loads(line) for line in (data_dir / "audit.jsonl").read_text().splitlines()]


@pytest.mark.slow
def test_the_command_line_records_imports_rebuilds_and_publishes_and_the_rows_survive(tmp_path):
    folder = fixture_data_dir(tmp_path, {"indicator_events.csv": "curated"})
    out, published = folder / "warehouse.duckdb", tmp_path / "published"
    ok = _etl("import", IMPORT, "--data-dir", folder, "--out", out)
    assert ok.returncode == 0, ok.stderr
    bad = _etl("import", BAD, "--data-dir", folder, "--out", out)
    assert bad.returncode == 1
    rows = _trail(folder)
    assert [(r["who"], r["role"], r["action"]) for r in rows] == [(getpass.getuser(), "admin", "import")] * 2
    with duckdb.connect(str(out), read_only=True) as con:  # the rows loaded, counted in the warehouse
        loaded = con.execute("SELECT count(*) FROM events WHERE source_file = ?",
                             [rows[0]["what"]["stored"]]).fetchone()[0]
    assert rows[0]["what"]["file"] == IMPORT.name and rows[0]["outcome"] == "ok"
    assert rows[0]["what"]["sha256"] == hashlib.sha256(IMPORT.read_bytes()).hexdigest()
    assert rows[0]["what"]["rows_loaded"] == loaded > 0
    assert rows[1]["what"]["file"] == BAD.name
    assert rows[1]["outcome"].startswith("failed: ") and "the header matches no format" in rows[1]["outcome"]

    assert _etl("build", "--data-dir", folder, "--out", out).returncode == 0
    done = _etl("publish", "--to", published, "--data-dir", folder, "--out", out)
    assert done.returncode == 0, done.stderr
    after = _trail(folder)
    assert after[:2] == rows  # kept, unchanged, by the rebuild and the publish
    assert [(r["action"], r["outcome"]) for r in after[2:]] == [("build", "ok"), ("build", "ok"),
                                                                ("publish", "ok")]
    assert after[-1]["what"]["version"] == (published / "CURRENT").read_text().strip()
    assert all(r["time"].endswith("+00:00") for r in after)


def test_an_export_from_the_command_line_writes_a_row_with_its_filters(built, tmp_path):
    trail = tmp_path / "trail.jsonl"
    out = tmp_path / "events.csv"
    run = subprocess.run([sys.executable, "-m", "export", "data", "-o", str(out), "--years", "2015-2016",
                          "--warehouse", str(built.warehouse)], capture_output=True, text=True,
                         cwd=ROOT, env=_env(DASHBOARD_AUDIT=str(trail)))
    assert run.returncode == 0, run.stderr
    (row,) = [json.loads(line) for line in trail.read_text().splitlines()]
    assert (row["who"], row["action"], row["outcome"]) == (getpass.getuser(), "export", "ok")
    assert row["what"]["file"] == str(out) and row["what"]["export"] == "events csv"
    assert "2015" in row["what"]["filters"] and "2016" in row["what"]["filters"]
    assert row["what"]["filters"] in run.stdout  # the filters the command itself reports


@pytest.fixture()
def door(tmp_path, monkeypatch):
    """The Data page's import door on a data folder of its own (the dashboard's settings, moved)."""
    from dashboard import data, uploads

    data_dir = fixture_data_dir(tmp_path, {"indicator_events.csv": "curated"})
    monkeypatch.setattr(data, "DATA_DIR", data_dir)
    monkeypatch.setattr(data, "WAREHOUSE", data_dir / "warehouse.duckdb")
    monkeypatch.setattr(audit.settings, "AUDIT_FILE", None)
    return uploads, data_dir


def test_the_import_door_refuses_a_viewer_and_records_an_analyst(door):
    uploads, data_dir = door
    before = sorted(p.name for p in data_dir.rglob("*"))
    with pytest.raises(Refused) as err:
        uploads.import_upload(IMPORT.name, IMPORT.read_bytes(), caller=Caller("vera@example.org", "viewer"))
    assert str(err.value).startswith("vera@example.org is signed in as a viewer: to import a file "
                                     "needs the analyst role or above.")
    with pytest.raises(Refused):
        uploads.remove_import(IMPORT.name, caller=Caller("vera@example.org", "viewer"))
    assert sorted(p.name for p in data_dir.rglob("*") if p.name != "audit.jsonl") == before
    summary = uploads.import_upload(IMPORT.name, IMPORT.read_bytes(), caller=Caller("ana@example.org", "analyst"))
    rows = _trail(data_dir)
    assert [(r["who"], r["action"], r["outcome"][:8]) for r in rows] == [
        ("vera@example.org", "import", "refused:"), ("vera@example.org", "remove", "refused:"),
        ("ana@example.org", "import", "ok")]
    assert rows[2]["what"]["rows_loaded"] == summary.counts.loaded > 0
    assert rows[2]["what"]["sha256"] == hashlib.sha256(IMPORT.read_bytes()).hexdigest()


def test_a_read_only_server_refuses_every_change_whatever_the_role(door, monkeypatch):
    uploads, data_dir = door
    monkeypatch.setattr(uploads, "ENABLED", False)  # as on a replica (settings.IMPORTS is off there)
    with pytest.raises(Refused) as err:
        uploads.import_upload(IMPORT.name, IMPORT.read_bytes(), caller=Caller("root", "admin"))
    assert "This server only reads the warehouse" in str(err.value)
    assert not (data_dir / "imports").exists() or not any((data_dir / "imports").iterdir())
    assert _trail(data_dir)[0]["outcome"].startswith("refused: This server only reads")


def test_an_unwritable_trail_stops_the_action_with_the_file_named(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the trail's folder should be")
    monkeypatch.setattr(audit.settings, "AUDIT_FILE", blocker / "audit.jsonl")
    done = []
    with pytest.raises(OSError, match=f"The audit trail {blocker / 'audit.jsonl'} cannot be written"):
        with audit.recorded(Caller("x", "admin"), "build", {}):
            done.append("the action ran")
    assert done == [], "an action whose outcome cannot be recorded must not start"


def test_a_fetch_is_recorded_with_its_source_and_outcome(server, small_dir, tmp_path, monkeypatch):
    """`python -m etl fetch ucdp` against the loopback UCDP of tests/etl/test_fetch.py: one row
    when it imports, one 'failed' row when the release cannot be found."""
    monkeypatch.setattr(audit.settings, "AUDIT_FILE", None)  # the trail of the fetch's data folder
    serve_ucdp(server)
    assert run_fetch(small_dir, write_config(tmp_path, server.url), "ucdp").exit_code == 0
    missing = run_fetch(small_dir, write_config(tmp_path, server.url + "/nothing-here"), "ucdp")
    assert missing.exit_code == 1
    rows = _trail(small_dir)
    assert [(r["who"], r["action"], r["what"]["source"]) for r in rows] == [(getpass.getuser(), "fetch", "ucdp")] * 2
    assert rows[0]["outcome"] == "ok" and "ucdp_ged_fetched.csv" in rows[0]["what"]["result"]
    assert rows[1]["outcome"].startswith("failed: ")
