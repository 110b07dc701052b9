"""`python -m etl publish`: versions appear whole, the pointer moves last, old versions go, the
current one never does; replicas (contract/published.py) follow the pointer."""
import datetime as dt
import os
import subprocess
import sys

import duckdb
import pytest

from contract.published import POINTER, NotPublished, current, current_version, versions
from etl.publish import PublishError, publish, warehouse_version
from tests.helpers import ROOT


def at(minute: int) -> dt.datetime:
    return dt.datetime(2026, 11, 30, 3, minute, tzinfo=dt.timezone.utc)


def test_a_publish_writes_a_version_whole_and_then_points_to_it(built, tmp_path):
    folder = tmp_path / "published"
    target = publish(built.warehouse, folder, keep=3, now=at(1))
    version = warehouse_version(built.warehouse)
    assert target.name == f"warehouse-20261130T030100000000Z-{version}.duckdb"
    assert (folder / POINTER).read_text() == target.name + "\n"
    assert target.read_bytes() == built.warehouse.read_bytes()
    assert not os.access(target, os.W_OK) or os.geteuid() == 0  # written once: mode 0444
    assert oct(target.stat().st_mode & 0o777) == "0o444"
    # must NOT happen: a temporary file left beside the versions
    assert sorted(p.name for p in folder.iterdir()) == [".publish.lock", POINTER, target.name]
    assert current_version(folder) == target


def test_the_newest_versions_are_kept_and_the_current_one_always(built, tmp_path):
    folder = tmp_path / "published"
    made = [publish(built.warehouse, folder, keep=2, now=at(minute)) for minute in range(1, 5)]
    assert versions(folder) == made[-2:]
    assert current(folder) == made[-1]
    # keep=1 still keeps the version the pointer names
    latest = publish(built.warehouse, folder, keep=1, now=at(9))
    assert versions(folder) == [latest] == [current(folder)]


def test_an_open_version_still_reads_after_it_is_removed(built, tmp_path):
    """A replica mid-query on a version that a later publish removes finishes its query (Linux
    keeps an open file until it is closed); its next rerun opens the current version."""
    folder = tmp_path / "published"
    first = publish(built.warehouse, folder, keep=1, now=at(1))
    con = duckdb.connect(str(first), read_only=True)
    try:
        before = con.execute("SELECT count(*) FROM events").fetchone()[0]
        publish(built.warehouse, folder, keep=1, now=at(2))
        assert not first.exists()
        assert con.execute("SELECT count(*) FROM events").fetchone()[0] == before
    finally:
        con.close()


def test_a_killed_publish_leaves_the_current_version_and_is_cleaned_up(built, tmp_path):
    folder = tmp_path / "published"
    good = publish(built.warehouse, folder, keep=3, now=at(1))
    half = folder / ".warehouse-20261130T030200000000Z-abc.duckdb.tmp"
    half.write_bytes(built.warehouse.read_bytes()[:1000])  # what a kill -9 mid-copy leaves
    assert current_version(folder) == good  # replicas never see the half file
    publish(built.warehouse, folder, keep=3, now=at(3))
    assert not half.exists()


def test_what_cannot_be_published_is_refused_with_what_to_do(tmp_path):
    with pytest.raises(PublishError, match="No warehouse at .*build it with"):
        publish(tmp_path / "missing.duckdb", tmp_path / "published")
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database")
    with pytest.raises(PublishError, match="not a warehouse DuckDB can open"):
        publish(junk, tmp_path / "published")
    assert not (tmp_path / "published" / POINTER).exists()


def test_a_replica_without_a_published_version_says_how_to_publish(tmp_path):
    with pytest.raises(NotPublished, match="etl publish"):
        current_version(tmp_path)
    (tmp_path / POINTER).write_text("../../etc/passwd\n")
    with pytest.raises(NotPublished, match="not a warehouse file of the folder"):
        current_version(tmp_path)


@pytest.mark.slow
def test_the_command_line_publishes_the_current_build(built, tmp_path):
    folder = tmp_path / "published"
    env = {**os.environ, "DASHBOARD_WAREHOUSE_DIR": str(folder), "DASHBOARD_KEEP_VERSIONS": "1"}
    for _ in range(2):
        out = subprocess.run([sys.executable, "-m", "etl", "publish", "--no-build", "--out",
                              str(built.warehouse)], cwd=ROOT, env=env, capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
    assert "Published warehouse-" in out.stdout and "next rerun" in out.stdout
    assert len(versions(folder)) == 1
    env.pop("DASHBOARD_WAREHOUSE_DIR")
    out = subprocess.run([sys.executable, "-m", "etl", "publish", "--no-build"], cwd=ROOT, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 1 and "pass --to FOLDER or set DASHBOARD_WAREHOUSE_DIR" in out.stderr
