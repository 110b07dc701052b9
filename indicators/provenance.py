"""Where the numbers come from: sources, builds and rejects (for the Sources & methods page)."""
from __future__ import annotations

import duckdb
import pandas as pd


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per raw file. Columns: file, dataset, title, author_publisher, origin, licence,
    events (loaded from the file), sha256."""
    return con.execute(
        "SELECT s.file, s.dataset, s.title, s.author_publisher, s.origin, s.licence, "
        "count(e.event_id) AS events, s.sha256 FROM sources s "
        "LEFT JOIN events e ON e.source_file = s.file GROUP BY ALL ORDER BY s.file").df()


def build_runs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The counts of the build that made this warehouse. Columns: file, dataset, rows_read,
    loaded, rejected, duplicates, unplaced, built_at, version."""
    return con.execute("SELECT file, dataset, rows_read, loaded, rejected, duplicates, unplaced, "
                       "built_at, version FROM etl_runs ORDER BY file").df()


def rejects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows that did not load, with the reason. Columns: source_file, source_line, column, value, reason."""
    return con.execute("SELECT * FROM rejects ORDER BY source_file, source_line").df()


def categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The controlled list. Columns: category, definition, extremist."""
    return con.execute("SELECT * FROM categories").df()


def imported_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Files analysts imported (data/imports). Columns: file, imported_as, dataset, title,
    events (loaded from the file), sha256."""
    return con.execute(
        "SELECT s.file, s.short_name AS imported_as, s.dataset, s.title, count(e.event_id) AS events, "
        "s.sha256 FROM sources s LEFT JOIN events e ON e.source_file = s.file "
        "WHERE s.file LIKE 'imports/%' GROUP BY ALL ORDER BY s.file").df()
