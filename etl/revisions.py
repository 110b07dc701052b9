"""What changed between two versions of a dataset: table `revisions`.

A build whose dataset's files differ from those of the warehouse it replaces (a fetch, or an import
replacing an earlier export of the same dataset) compares that dataset's events in the old
warehouse with those of the new one, before the new file is renamed over the old: each event
added, removed, or revised, and for a revised event one row per changed field with its old and
new value (as text). The rows are appended to data/imports/revisions.parquet (history kept across
rebuilds, git-ignored like the imports; replaced only once the new warehouse has replaced the old)
and the whole history is written into every new warehouse as table `revisions`.

A first version of a dataset (nothing to compare with) and a rebuild from the same files record
nothing.
"""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb
import pandas as pd

from contract import schema
from contract.revisions import COLUMNS
from contract.tables import BY_NAME
from etl.schema import create_sql, sql_text

HISTORY = "revisions.parquet"  # under data/imports/
# Compared fields: every event column but its provenance (the file name changes with each version).
FIELDS = tuple(c for c in schema.COLUMN_NAMES
               if c not in ("event_id", "dataset", "source_file", "source_line", "qa_flags"))


def record(new: Path, old: Path, history: Path, version: str,
           progress=lambda step: None, only: str | None = None) -> Path | None:
    """Compare the datasets whose files changed between warehouse `old` (may be absent) and the
    new warehouse file `new` (not yet renamed); write table `revisions` into `new`: the history
    (`history`, and the table of `old`, which holds what a build killed before it replaced the
    history recorded) with the differences appended. With `only` (a table of `new` with column
    event_id: the events an import added to a copy of `old`, etl/append.py), only those events
    can differ and only they are compared. Returns the new history, written beside `history`, for
    the build to rename over it once `new` has replaced `old` (`keep`), so that a build that fails
    leaves the history as it was; None when the history does not change."""
    con = duckdb.connect(str(new))
    con.execute("SET enable_progress_bar = false")
    try:
        attached = _attach(con, old)
        try:
            rows = _compare(con, version, progress, only) if attached else _empty()
            con.execute("DROP TABLE IF EXISTS revisions")
            con.execute(create_sql(BY_NAME["revisions"]))
            kept = [f"SELECT * FROM read_parquet({sql_text(str(history))})"] if history.exists() else []
            if attached and con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = "
                                        "'old' AND table_name = 'revisions'").fetchall()[0][0]:
                kept.append("SELECT * FROM old.revisions")
            if len(rows):
                con.register("new_revisions", rows)
                kept.append("SELECT * FROM new_revisions")
            if kept:  # UNION: a row both in the history and in the old table once
                con.execute(f"INSERT INTO revisions SELECT * FROM ({' UNION '.join(kept)}) ORDER BY ALL")
        finally:
            if attached:
                con.execute("DETACH old")
        written = con.execute("SELECT count(*) FROM revisions").fetchone()[0]
        before = con.execute(f"SELECT count(*) FROM read_parquet({sql_text(str(history))})").fetchone()[0] \
            if history.exists() else 0
        pending = None
        if written != before:
            history.parent.mkdir(parents=True, exist_ok=True)
            pending = history.with_name(f".{history.name}.{os.getpid()}.tmp")
            con.execute(f"COPY (SELECT * FROM revisions ORDER BY ALL) TO {sql_text(str(pending))} "
                        "(FORMAT parquet)")
        con.execute("CHECKPOINT")
        return pending
    finally:
        con.close()


def keep(pending: Path | None, history: Path) -> None:
    """The history `record` wrote (None: unchanged) in place of `history`."""
    if pending is not None:
        os.replace(pending, history)


def _attach(con: duckdb.DuckDBPyConnection, old: Path) -> bool:
    """Attach warehouse `old` as `old` (read only); False when it is absent or unreadable."""
    if not Path(old).exists():
        return False
    try:
        con.execute(f"ATTACH {sql_text(str(old))} AS old (READ_ONLY)")
    except duckdb.Error:
        return False
    return True


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})


def _compare(con: duckdb.DuckDBPyConnection, version: str, progress,
             only: str | None = None) -> pd.DataFrame:
    """The revisions from the warehouse attached as `old` to the one of `con`."""
    try:
        changed = [r[0] for r in con.execute(
            "WITH a AS (SELECT dataset, string_agg(sha256, ',' ORDER BY sha256) AS files "
            "FROM old.sources GROUP BY dataset), b AS (SELECT dataset, string_agg(sha256, ',' "
            "ORDER BY sha256) AS files FROM sources GROUP BY dataset) "
            "SELECT dataset FROM a JOIN b USING (dataset) WHERE a.files <> b.files "
            "ORDER BY dataset").fetchall()]
        since = con.execute("SELECT max(built_at) FROM old.etl_runs").fetchone()[0]
        old_columns = {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'old' AND "
            "table_name = 'events'").fetchall()}
    except duckdb.Error:
        return _empty()  # an old warehouse from before these tables
    fields = [f for f in FIELDS if f in old_columns]
    recorded_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    parts = []
    for dataset in changed:
        progress(f"comparing {dataset} with the previous version")
        parts.append(diff(con, "old.events", "events", dataset, fields, only)
                     .assign(recorded_at=recorded_at, dataset=dataset, since=str(since or ""),
                             version=version))
    if not parts:
        return _empty()
    return pd.concat(parts, ignore_index=True)[list(COLUMNS)].astype(object)


def _text(field: str, value: str) -> str:
    """The SQL expression `value` of the event column `field` as text; whole numbers without '.0'
    (fatalities 12 -> 15)."""
    kind = next(c.sql_type for c in schema.COLUMNS if c.name == field)
    if kind == "DOUBLE":
        return (f"CASE WHEN {value} = trunc({value}) THEN CAST(CAST({value} AS BIGINT) AS VARCHAR) "
                f"ELSE CAST({value} AS VARCHAR) END")
    return f"CAST({value} AS VARCHAR)"


def _side(side: str, field: str) -> str:
    return f'j."{side}_{field}"'


def diff(con: duckdb.DuckDBPyConnection, old_table: str, new_table: str, dataset: str,
         fields=FIELDS, only: str | None = None) -> pd.DataFrame:
    """The events of `dataset` added, removed and revised (one row per changed field) from
    `old_table` to `new_table` (with `only`, a table of event_id: among those events). Columns:
    event_id, change, field, old_value, new_value."""
    among = f" AND event_id IN (SELECT event_id FROM {only})" if only else ""
    # table and column names come from the schema and the callers above, never from a user
    # One join finds the events with any changed field (j, few); each field is compared on those.
    revised = " UNION ALL ".join(
        f"SELECT event_id, 'revised' AS change, '{f}' AS field, {_text(f, _side('o', f))} AS "
        f"old_value, {_text(f, _side('n', f))} AS new_value, {i} AS k FROM j "
        f"WHERE {_side('o', f)} IS DISTINCT FROM {_side('n', f)}" for i, f in enumerate(fields))
    pairs = ", ".join(f'o."{f}" AS "o_{f}", n."{f}" AS "n_{f}"' for f in fields)
    changed = " OR ".join(f'o."{f}" IS DISTINCT FROM n."{f}"' for f in fields)
    sql = (f"WITH o AS (SELECT * FROM {old_table} WHERE dataset = ?{among}), "
           f"n AS (SELECT * FROM {new_table} WHERE dataset = ?{among})"
           + (f", j AS MATERIALIZED (SELECT event_id, {pairs} FROM o JOIN n USING (event_id) "
              f"WHERE {changed}) " if fields else " ") +
           "SELECT event_id, change, field, old_value, new_value FROM ("
           "SELECT event_id, 'added' AS change, NULL AS field, NULL AS old_value, NULL AS new_value, "
           "-1 AS k FROM n ANTI JOIN o USING (event_id) UNION ALL "
           "SELECT event_id, 'removed', NULL, NULL, NULL, -1 FROM o ANTI JOIN n USING (event_id)"
           + (f" UNION ALL {revised}" if revised else "") + ") ORDER BY change, event_id, k")
    return con.execute(sql, [dataset, dataset]).df()
