"""What the latest version of each dataset changed (table `revisions`, written by the ETL, read
with contract/revisions.py), for the Data page: read-only queries of the warehouse, called
through dashboard.data.query."""
from __future__ import annotations

import duckdb
import pandas as pd

from contract import revisions


def change_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    """One sentence per dataset: "ucdp since 2026-11-01 (recorded ...): 37 added, 2 removed,
    5 revised: fatalities 12 -> 15 (ucdp:101), ..."."""
    return revisions.summary_lines(con)


def latest_changes(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each changed event (and field) of every dataset's latest change. Columns: dataset,
    event_id, change, field, old_value, new_value, since, recorded_at."""
    return revisions.latest(con)[["dataset", "event_id", "change", "field", "old_value",
                                  "new_value", "since", "recorded_at"]]
