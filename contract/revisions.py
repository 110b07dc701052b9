"""Table `revisions` as its readers see it: its columns and each dataset's latest change.

etl/revisions.py writes the table (what changed between two versions of a dataset); the Data page
(dashboard/changes.py) and `python -m etl changes` read it with the functions here.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from contract.tables import BY_NAME

COLUMNS = BY_NAME["revisions"].column_names


def latest(con: duckdb.DuckDBPyConnection, dataset: str | None = None) -> pd.DataFrame:
    """The rows of each dataset's latest change (or of `dataset` only). Columns: recorded_at,
    dataset, since, version, event_id, change, field, old_value, new_value."""
    if not _has_table(con):
        return pd.DataFrame(columns=list(COLUMNS))
    return con.execute(
        "SELECT * FROM revisions WHERE (dataset, recorded_at) IN (SELECT (dataset, max(recorded_at)) "
        "FROM revisions GROUP BY dataset) AND (? IS NULL OR dataset = ?) "
        "ORDER BY dataset, change, event_id, field", [dataset, dataset]).df()


def summary_lines(con: duckdb.DuckDBPyConnection, dataset: str | None = None,
                  examples: int = 5) -> list[str]:
    """One line per dataset: "ucdp since 2026-11-01: 37 added, 2 removed, 5 revised: fatalities
    12 -> 15 (ucdp:101), ..."."""
    rows = latest(con, dataset)
    out = []
    for name, part in rows.groupby("dataset", sort=True):
        counts = part.drop_duplicates(["event_id", "change"])["change"].value_counts()
        since = str(part["since"].iloc[0])[:10] or "the previous version"
        text = (f"{name} since {since} (recorded {str(part['recorded_at'].iloc[0])[:10]}): "
                f"{int(counts.get('added', 0)):,} added, {int(counts.get('removed', 0)):,} removed, "
                f"{int(counts.get('revised', 0)):,} revised")
        fields = part[part["change"] == "revised"]
        if len(fields):
            shown = [f"{r.field} {r.old_value} -> {r.new_value} ({r.event_id})"
                     for r in fields.head(examples).itertuples()]
            text += ": " + ", ".join(shown) + (", ..." if len(fields) > examples else "")
        out.append(text + ".")
    return out


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'revisions' "
                            "AND database_name = current_database()").fetchone()[0])
