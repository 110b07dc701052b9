"""What tests share besides fixtures: paths, the fixed day, fixture data folders and warehouses,
table comparisons and the AppTest readers. Tests import these from here, never from a conftest
(pytest loads conftest modules itself; importing them twice makes two copies)."""
from __future__ import annotations

import base64
import contextlib
import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "data"
# A fixed "today" keeps the future-date rule deterministic in tests.
TODAY = dt.date(2026, 11, 24)
# options of the test Streamlit servers: nothing watches the files (a test run must not rerun the app)
SERVER_OPTIONS = ("server.fileWatcherType=none",)


# ------------------------------------------------------------------ data folders and warehouses

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


def fixture_warehouse(tmp_path, files) -> Path:
    """The warehouse (tmp_path / 'w.duckdb') built on TODAY from fixture_data_dir(tmp_path, files)."""
    from etl.build import build_warehouse

    return build_warehouse(fixture_data_dir(tmp_path, files), tmp_path / "w.duckdb", today=TODAY).warehouse


@contextlib.contextmanager
def read_only(path):
    """A read-only connection to the warehouse at `path`, closed at the end of the block."""
    connection = duckdb.connect(str(path), read_only=True)
    try:
        yield connection
    finally:
        connection.close()


def warehouse_tables(path) -> dict:
    """Every table and view of the warehouse at `path`, rows in a fixed order, build times left out."""
    with read_only(path) as con:
        names = [r[0] for r in con.execute("SHOW TABLES").fetchall()]
        return {n: con.execute(f'SELECT * EXCLUDE (built_at) FROM "{n}" ORDER BY ALL' if n == "etl_runs"
                               else f'SELECT * FROM "{n}" ORDER BY ALL').df().reset_index(drop=True)
                for n in names}


def tables_equal(a, b, skip=("etl_runs",)) -> list[str]:
    """Names of the tables whose rows differ between warehouses a and b (any order, duplicates
    counted); etl_runs is skipped by default (its built_at is the time of the build)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY); ATTACH '{b}' AS b (READ_ONLY)")
    names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'a'").fetchall()]
    assert "events" in names
    differ = [n for n in names if n not in skip and con.execute(
        f"SELECT (SELECT count(*) FROM (FROM a.{n} EXCEPT ALL FROM b.{n})) + "
        f"(SELECT count(*) FROM (FROM b.{n} EXCEPT ALL FROM a.{n}))").fetchone()[0]]
    con.close()
    return differ


# ------------------------------------------------------------------ the pages under AppTest

HEADLINE = "Militant violence"  # the Overview's first KPI (indicators.overview.scope_counts)


def app_test(timeout: int = 60):
    """app.py under AppTest (not yet run), reading dashboard.data.WAREHOUSE."""
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)


def metrics(at) -> dict[str, str]:
    """The page's metrics as shown: label -> value ('1,234')."""
    return {m.label: m.value for m in at.metric}


def metric_number(at, label: str) -> int:
    return int(metrics(at)[label].replace(",", ""))


def open_page(at, page: str):
    """Switch a run app to app_pages/<page>.py and run it; it must not raise."""
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at


def figures(at) -> list[dict]:
    """Every plotly figure of the page, as the browser receives it."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def array(value) -> list:
    """A figure array as a list (plotly writes numeric arrays as base64 typed arrays)."""
    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)
