"""Where the numbers come from: sources, builds and rejects (for the Sources & methods page)."""
from __future__ import annotations

import duckdb
import pandas as pd

from indicators.overview import dataset_names


def sources(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """One row per raw file. Columns: file, dataset, title, author_publisher, origin, licence,
    events (loaded from the file), sha256."""
    return con.execute(
        "SELECT s.file, s.dataset, s.title, s.author_publisher, s.origin, s.licence, "
        "count(e.event_id) AS events, s.sha256 FROM sources s "
        "LEFT JOIN events e ON e.source_file = s.file GROUP BY ALL ORDER BY s.file").df()


def build_runs(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The counts of the build that made this warehouse (rows_read = loaded + out_of_scope +
    rejected + duplicates). Columns: file, dataset, rows_read, loaded, out_of_scope, rejected,
    duplicates, flagged, unplaced, built_at, version."""
    return con.execute("SELECT file, dataset, rows_read, loaded, out_of_scope, rejected, duplicates, "
                       "flagged, unplaced, built_at, version FROM etl_runs ORDER BY file").df()


# A flag's text without its values ('-3', (11 > 10), = 48.8, 2.3), so that flags of one kind count together.
_FLAG_KIND = r"""regexp_replace(f.flag, '''[^'']*''|\([^)]*\)|= [^:;]*(is|:)', '... \1', 'g')"""


def quality_flags(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Loaded events with quality flags, counted by dataset, column and kind of flag. Columns:
    dataset, column, flag, events, example_event."""
    return con.execute(
        f'SELECT e.dataset, f."column", {_FLAG_KIND} AS flag, count(DISTINCT f.event_id) AS events, '
        "min(f.event_id) AS example_event FROM quality_flags f JOIN events e USING (event_id) "
        "GROUP BY ALL ORDER BY events DESC, 1, 2, 3").df()


def out_of_scope(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Data rows of countries the dashboard does not cover, per file and country. Columns:
    source_file, country, rows."""
    return con.execute("SELECT source_file, country, count(*) AS rows FROM out_of_scope "
                       "GROUP BY ALL ORDER BY rows DESC, 1, 2").df()


def rejects(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows that did not load, with the reason. Columns: source_file, source_line, column, value, reason."""
    return con.execute("SELECT * FROM rejects ORDER BY source_file, source_line").df()


def categories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The controlled list. Columns: category, definition, by_default (in the default view)."""
    return con.execute("SELECT * FROM categories").df()


def coverage(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """What each dataset covers (table coverage, etl/coverage.py). Columns: dataset, name,
    period_start, period_end, period_from (the release, or the first and last event), release,
    records, complete (aims to record every event of its kinds), preliminary, countries, events,
    first_event, last_event."""
    return con.execute(
        "SELECT c.dataset, c.name, c.period_start, c.period_end, c.period_from, c.release, c.records, "
        "c.complete, c.preliminary, c.countries, c.events, min(e.event_date) AS first_event, "
        "max(e.event_date) AS last_event FROM coverage c JOIN events e USING (dataset) "
        "GROUP BY ALL ORDER BY c.period_start, c.dataset").df()


def source_line(con: duckdb.DuckDBPyConnection, f) -> str:
    """The source line of a chart (and of every export and the deck): the datasets behind the
    filtered events and the data stamp (build date, version and the date of the last change a
    new version of a dataset brought, table revisions)."""
    built, version = con.execute("SELECT min(built_at), min(version) FROM etl_runs").fetchone()
    names = "; ".join(dataset_names(con, f)) or "no events match the filters"
    try:
        changed = con.execute("SELECT max(recorded_at) FROM revisions").fetchone()[0]
    except duckdb.CatalogException:  # a warehouse built before revisions were recorded
        changed = None
    last = f", last change {str(changed)[:10]}" if changed else ""
    return f"{names} · data as of {str(built)[:10]}, version {version}{last}"



def imported_files(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Files analysts imported (data/imports). Columns: file, imported_as, dataset, title,
    events (loaded from the file), sha256."""
    return con.execute(
        "SELECT s.file, s.short_name AS imported_as, s.dataset, s.title, count(e.event_id) AS events, "
        "s.sha256 FROM sources s LEFT JOIN events e ON e.source_file = s.file "
        "WHERE s.file LIKE 'imports/%' GROUP BY ALL ORDER BY s.file").df()
