"""Shared fixtures: one warehouse built from the bundled data for the whole test session."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from etl.build import build_warehouse

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "data"
# A fixed "today" keeps the future-date rule deterministic in tests.
TODAY = dt.date(2026, 11, 24)


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
