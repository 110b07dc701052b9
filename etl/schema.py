"""The contract (contract/schema.py) applied to a canonical frame: dtypes, the validator, the rejects.

`check` splits an adapter's frame into rows that keep the contract and rejects that say which
file, line, column and value broke it, and why, in SQL: each rule of the contract is a condition
of a query over the frame's cells in their schema types (_PROBLEMS, _FLAGS), evaluated by DuckDB
in one read of the frame; the rows kept leave as an Arrow table, which the build writes to its
cache as it is.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# The build and the template also read COLUMN_NAMES and DEFAULT_CATEGORIES through this module.
from contract.schema import (CATEGORIES, COLUMN_NAMES, COLUMNS, COUNT_COLUMNS,  # noqa: F401
                             DATE_COLUMNS, DEFAULT_CATEGORIES)
from contract.tables import Table

REJECT_COLUMNS = ("source_file", "source_line", "column", "value", "reason")


@dataclass
class Outcome:
    """Where the data rows of a file went. Every row is in exactly one of `events`, `rejects`
    (cannot be an event: no usable date, no country, unreadable) and `out_of_scope` (a country the
    dashboard does not cover; `value` is the country as written); `flags` are quality flags on
    loaded rows (which cell was wrong, what was done). rejects, flags and out_of_scope have the
    columns REJECT_COLUMNS ('reason' holds the flag's text). Frames, or Arrow tables as `check`
    gives them to the build."""
    events: pd.DataFrame
    rejects: pd.DataFrame
    flags: pd.DataFrame
    out_of_scope: pd.DataFrame
    rows_read: int | None = None  # the data rows the reader gave the adapter (Cells.result)
    read: tuple[int, int] | None = None  # (the file's lines read so far, its lines), when counted


def create_sql(table: Table, name: str | None = None, replace: bool = False) -> str:
    """CREATE TABLE of a table's contract (contract/tables.py; under another `name`): its columns
    in order, NOT NULL where required. Keys are not constraints: tests/etl/test_contracts.py
    checks them (for events the build keeps the first row of each event_id, its other rows going
    to table `duplicates`, and the index would cost more than the rest of the write: 2 s at 1M
    rows)."""
    cols = ",\n  ".join(f'"{c.name}" {c.sql_type}{" NOT NULL" if c.required else ""}'
                         for c in table.columns)
    return f"CREATE {'OR REPLACE ' if replace else ''}TABLE {name or table.name} (\n  {cols}\n)"


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in REJECT_COLUMNS})


TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # Arrow text, NaN for none: no Python objects


def text(values: pd.Series) -> pd.Series:
    """Text cells as Arrow strings (missing: NaN), the form DuckDB takes without a copy."""
    if values.dtype == TEXT:
        return values
    if values.dtype == object:
        try:  # str and None (the usual case): straight to Arrow
            return arrow_text(pa.array(values.to_numpy(), type=pa.string(), from_pandas=True),
                              values.index)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return values.astype(str).where(values.notna()).astype(TEXT)
    return values.astype(TEXT)


def arrow_text(cells: pa.Array, index) -> pd.Series:
    """An Arrow array of text as a TEXT Series (no copy)."""
    return pd.Series(pd.arrays.ArrowStringArray(cells), index=index, dtype=TEXT)


def spread(mapped: list, codes: np.ndarray, index) -> pd.Series:
    """`mapped[code]` for each row's code (a value worked out once per distinct cell, spread to
    the rows): Arrow text when every value is text or None (taken in Arrow, no Python string per
    row), else Python objects."""
    codes = np.asarray(codes)
    if all(v is None or isinstance(v, str) for v in mapped):
        return arrow_text(pc.take(pa.array(mapped, type=pa.string()), pa.array(codes, type=pa.int64())),
                          index)
    values = np.empty(len(mapped), dtype=object)
    values[:] = mapped
    return pd.Series(values[codes], index=index, dtype=object)


def objects(values: pd.Series) -> pd.Series:
    """Python objects with None for missing; the column itself (no copy) when it already is."""
    if values.dtype == object:
        cells = values.to_numpy()
        missing = pd.isna(cells)
        if not missing.any() or np.equal(cells[missing], None).all():
            return values
    return values.astype(object).where(values.notna(), None)


# A cell of only these is empty: what str.strip() removes, as an RE2 class (DuckDB's trim with a
# set of characters took 1.8 s per 2M cells, the pattern 0.05 s)
BLANK = "[" + "".join(f"\\x{{{i:x}}}" for i in range(0x3001) if chr(i).isspace()) + "]*"


def validate(frame: pd.DataFrame, today: dt.date | None = None) -> Outcome:
    """`check` of a canonical frame, as frames (for a caller holding one; the build keeps the
    Arrow tables)."""
    import duckdb

    con = duckdb.connect()
    try:
        events, rejects, flags = check(con, frame, today)
        return Outcome(events.to_pandas(date_as_object=False), rejects.to_pandas(),
                       flags.to_pandas(), empty_rejects())
    finally:
        con.close()


def _after(con, name: str, first: pd.DataFrame | None, query: str, order: str, params=None):
    """The rows of `first` (REJECT_COLUMNS; none when None) in their order, then those of `query`
    in the order of its expression `order`, as Arrow."""
    typed = ("source_file::VARCHAR AS source_file, source_line::BIGINT AS source_line, "
             "\"column\"::VARCHAR AS \"column\", \"value\"::VARCHAR AS \"value\", reason::VARCHAR AS reason")
    found = f"SELECT 1 AS _part, {order} AS _n, {typed} FROM ({query})"
    if first is None or not len(first):
        return con.sql(f"SELECT * EXCLUDE (_part, _n) FROM ({found}) ORDER BY _n",
                       params=params).to_arrow_table()
    con.register(name, first[list(REJECT_COLUMNS)].assign(_n=np.arange(len(first))))
    try:
        return con.sql(f"SELECT * EXCLUDE (_part, _n) FROM (SELECT 0 AS _part, _n, {typed} FROM {name} "
                       f"UNION ALL {found}) ORDER BY _part, _n", params=params).to_arrow_table()
    finally:
        con.unregister(name)


def _cast(c) -> str:
    """The column in its schema type (dates from a datetime64 frame column)."""
    return f'CAST("{c.name}" AS {c.sql_type}) AS "{c.name}"'


def _empty(c) -> str:
    """SQL: the cell is empty (text of only whitespace counts as empty: what str.strip() removes)."""
    if c.sql_type == "VARCHAR":
        return f'("{c.name}" IS NULL OR regexp_full_match("{c.name}", \'{BLANK}\'))'
    return f'"{c.name}" IS NULL'


def _shown(column: str) -> str:
    """SQL: a cell as a reject or flag shows it (a date as 2030-01-31 00:00:00)."""
    c = next(c for c in COLUMNS if c.name == column)
    if c.sql_type == "DATE":
        return f'CAST(CAST("{column}" AS TIMESTAMP) AS VARCHAR)'
    return f'CAST("{column}" AS VARCHAR)'


def _figure(value: str) -> str:
    """SQL: a count as `figures` writes it (12, not 12.0; 0.333333)."""
    return (f"CASE WHEN ({value}) = trunc({value}) THEN coalesce(CAST(TRY_CAST(({value}) + 0.0 AS "
            f"HUGEINT) AS VARCHAR), printf('%.0f', {value})) ELSE printf('%g', {value}) END")


def sql_text(text: str) -> str:
    """`text` as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _list(values) -> str:
    return ", ".join(sql_text(v) for v in values)


# The contract as SQL over a canonical frame's columns (in their schema types). _PROBLEMS: what
# rejects a row, as (column, condition, reason), in the order a row's first problem is chosen.
def _problems() -> list[tuple[str, str, str]]:
    out = []
    for c in COLUMNS:
        if c.required:
            out.append((c.name, _empty(c), f"{c.name} is required and is empty"))
        if c.allowed and c.name != "category":  # an unknown category is flagged (_FLAGS)
            out.append((c.name, f'"{c.name}" IS NOT NULL AND "{c.name}" NOT IN ({_list(c.allowed)})',
                        f"{c.name} must be one of {', '.join(c.allowed)}"))
    return out + [("event_date", "event_date > $today", "event_date is in the future")]


_PROBLEMS = _problems()
# _FLAGS: what a kept row is flagged for, as (column, condition, reason, the value shown), in the
# order the flags are listed; _STORED: what is stored instead of a flagged cell, where anything is.
_COUNTED = {n: f'CASE WHEN "{n}" < 0 THEN NULL ELSE "{n}" END' for n in COUNT_COLUMNS}
_UNKNOWN = f"category IS NOT NULL AND category NOT IN ({_list(CATEGORIES)})"
_OUTSIDE = ("(latitude IS NOT NULL AND NOT latitude BETWEEN -90 AND 90) OR "
            "(longitude IS NOT NULL AND NOT longitude BETWEEN -180 AND 180)")
_HALF = "(latitude IS NULL) <> (longitude IS NULL)"
_BEFORE = "date_end IS NOT NULL AND date_end < event_date"
_POINT = "CAST(latitude AS VARCHAR) || ', ' || CAST(longitude AS VARCHAR)"
_FLAGS = [("category", _UNKNOWN, "category is not one of the dashboard's categories "
           f"({', '.join(CATEGORIES)}); loaded as 'other'", _shown("category"))]
_FLAGS += [(n, f'"{n}" < 0', f"{n} is not a count >= 0; loaded as unknown", _shown(n)) for n in COUNT_COLUMNS]
_FLAGS += [(a, f"{_COUNTED[a]} > {_COUNTED[b]}", f"{a} > {b}; the publisher's figures are kept as they are",
            f"{_figure(_COUNTED[a])} || ' > ' || {_figure(_COUNTED[b])}")
           for base in ("fatalities", "injured")
           for a, b in ((f"{base}_low", f"{base}_high"), (f"{base}_low", base), (base, f"{base}_high"))]
_FLAGS += [("latitude", _OUTSIDE, "latitude must be between -90 and 90 and longitude between -180 and "
            "180; the point is not used", _POINT),
           ("latitude", _HALF, "latitude and longitude must both be given or both be empty; the "
            "point is not used", _POINT)]
_FLAGS += [(n, f"{n} > $today", f"{n} is in the future; left empty", _shown(n)) for n in ("date_end", "source_date")]
_FLAGS.append(("date_end", _BEFORE, "date_end is before event_date; left empty", _shown("date_end")))
_STORED = {"category": f"CASE WHEN {_UNKNOWN} THEN 'other' ELSE category END", **_COUNTED,
           "latitude": f"CASE WHEN ({_OUTSIDE}) OR ({_HALF}) THEN NULL ELSE latitude END",
           "longitude": f"CASE WHEN ({_OUTSIDE}) OR ({_HALF}) THEN NULL ELSE longitude END",
           "date_end": f"CASE WHEN date_end > $today OR ({_BEFORE}) THEN NULL ELSE date_end END",
           "source_date": "CASE WHEN source_date > $today THEN NULL ELSE source_date END"}


def check(con, frame: pd.DataFrame, today: dt.date | None = None,
          rejects: pd.DataFrame | None = None, flags: pd.DataFrame | None = None):
    """The contract, applied in SQL (on the DuckDB connection `con`) to a canonical frame:
    (events, rejects, flags) as Arrow tables, the events with the schema's columns and types in
    the frame's order; the adapter's `rejects` and `flags` (REJECT_COLUMNS) come first in theirs.

    A row is rejected only when it cannot be an event: a required column empty, a value outside
    the controlled lists of precisions and countries, or an event date in the future (the first
    of these problems, in the schema's column order, is its reject). Problems in secondary fields
    load the row with a quality flag and, where the value cannot be stored as it is, the field
    emptied: a negative count, coordinates out of range or only one of them, an end date before
    the start or in the future, a category not in the list (loaded as 'other'), figures out of
    order (low > headline > high: kept as published). Flags are listed rule by rule, each in
    row order; a rejected row has none."""
    today = today or dt.date.today()
    given = [c.name for c in COLUMNS if c.name in frame.columns]
    cells = ", ".join(f'"{c.name}"' if c.name in given else f'NULL::{c.sql_type} AS "{c.name}"'
                      for c in COLUMNS)
    problem = "CASE " + " ".join(f"WHEN {cond} THEN {i}" for i, (_, cond, _) in enumerate(_PROBLEMS)) + " END"
    stored = ", ".join(f'{_STORED[c.name]} AS "{c.name}"' if c.name in _STORED else f'"{c.name}"'
                       for c in COLUMNS)
    was = ", ".join(f'"{n}" AS "_was_{n}"' for n in _STORED)
    con.register("contract_in", frame[given].assign(_row=np.arange(len(frame))))
    try:  # the frame read once: every row's stored values, its cells as given, its first problem
        rows = con.sql(f"SELECT _row, _problem, {stored}, {was} FROM (SELECT *, {problem} AS _problem "
                       f"FROM (SELECT _row, {', '.join(_cast(c) for c in COLUMNS)} FROM (SELECT _row, "
                       f"{cells} FROM contract_in)))", params={"today": today}).to_arrow_table()
    finally:
        con.unregister("contract_in")
    con.register("contract_rows", rows)
    try:
        as_given = (f"(SELECT * EXCLUDE ({', '.join(_STORED)}), "
                    f"{', '.join(f'_was_{n} AS {n}' for n in _STORED)} FROM contract_rows)")

        def case(values) -> str:
            return "CASE _problem " + " ".join(f"WHEN {i} THEN {v}" for i, v in enumerate(values)) + " END"

        # a row's problem first by rule, then by row (a part has fewer than 2^32 rows)
        order = "_rule::BIGINT * 4294967296 + _row"
        rejected = _after(con, "adapter_rejects", rejects, (
            f"SELECT _problem AS _rule, _row, source_file, source_line, "
            f"{case(sql_text(c) for c, _, _ in _PROBLEMS)} AS \"column\", "
            f"{case(_shown(c) for c, _, _ in _PROBLEMS)} AS \"value\", "
            f"{case(sql_text(r) for _, _, r in _PROBLEMS)} AS reason FROM {as_given} "
            f"WHERE _problem IS NOT NULL"), order)
        found = " UNION ALL ".join(
            f"SELECT {i} AS _rule, _row, source_file, source_line, {sql_text(column)} AS \"column\", "
            f"{shown} AS \"value\", {sql_text(reason)} AS reason FROM {as_given} "
            f"WHERE _problem IS NULL AND ({condition})"
            for i, (column, condition, reason, shown) in enumerate(_FLAGS))
        flagged = _after(con, "adapter_flags", flags, found, order, {"today": today})
    finally:
        con.unregister("contract_rows")
    kept = pc.is_null(rows.column("_problem"))
    events = rows if pc.all(kept).as_py() else rows.filter(kept)  # (no copy when none is rejected)
    return events.select(list(COLUMN_NAMES)), rejected, flagged


def figures(values: pd.Series) -> pd.Series:
    """Counts as text the way a source writes them: 12 (not 12.0), 0.33, 'unknown'."""
    return values.map(lambda v: "unknown" if pd.isna(v) else f"{v:g}" if v != int(v) else str(int(v)))
