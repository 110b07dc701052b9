"""Faults: a build killed at any moment leaves the previous warehouse readable and unchanged."""
import hashlib
import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from tests.conftest import DATA, ROOT, warehouse_tables


def sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture()
def previous(built, tmp_path):
    target = tmp_path / "warehouse.duckdb"
    target.write_bytes(built.warehouse.read_bytes())
    return target


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3, 1.8, 2.4])
def test_kill_9_during_a_build_leaves_the_previous_warehouse(built, previous, delay):
    before = sha(previous)
    proc = subprocess.Popen([sys.executable, "-m", "etl", "build", "--data-dir", str(DATA), "--out",
                             str(previous)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    con = duckdb.connect(str(previous), read_only=True)
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 900
    con.close()
    if not finished and sha(previous) != before:
        # killed after the rename that commits a build: then the file must be that whole new
        # build (the same tables as a complete build of the same inputs), never a half-written one
        complete, now = warehouse_tables(built.warehouse), warehouse_tables(previous)
        assert complete.keys() == now.keys()
        for name in complete:
            assert complete[name].equals(now[name]), name
    # the next build cleans what the killed one left and succeeds
    done = subprocess.run([sys.executable, "-m", "etl", "build", "--data-dir", str(DATA), "--out",
                           str(previous)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert [p.name for p in previous.parent.iterdir() if p.name.endswith(".tmp")] == []
