"""The contract (contract/schema.py) applied to a canonical frame: dtypes, the validator, the rejects.

`validate` splits an adapter's frame into rows that keep the contract and rejects that say which
file, line, column and value broke it, and why.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

# The build and the template also read COLUMN_NAMES and EXTREMIST_CATEGORIES through this module.
from contract.schema import (CATEGORIES, COLUMN_NAMES, COLUMNS, COUNT_COLUMNS,  # noqa: F401
                             DATE_COLUMNS, EXTREMIST_CATEGORIES)

REJECT_COLUMNS = ("source_file", "source_line", "column", "value", "reason")


@dataclass
class Outcome:
    """Where the data rows of a file went. Every row is in exactly one of `events`, `rejects`
    (cannot be an event: no usable date, no country, unreadable) and `out_of_scope` (a country the
    dashboard does not cover; `value` is the country as written); `flags` are quality flags on
    loaded rows (which cell was wrong, what was done). rejects, flags and out_of_scope have the
    columns REJECT_COLUMNS ('reason' holds the flag's text)."""
    events: pd.DataFrame
    rejects: pd.DataFrame
    flags: pd.DataFrame
    out_of_scope: pd.DataFrame
    rows_read: int | None = None  # the data rows the reader gave the adapter (Cells.result)


def events_ddl(table: str = "events") -> str:
    cols = ",\n  ".join(
        f"{c.name} {c.sql_type}{' NOT NULL' if c.required else ''}" for c in COLUMNS
    )
    # No PRIMARY KEY: the build keeps the first row of each event_id (its duplicates go to table
    # `duplicates`), and the index would cost more than the rest of the write (2 s at 1M rows).
    return f"CREATE TABLE {table} (\n  {cols}\n)"


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in REJECT_COLUMNS})


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in schema order with schema dtypes (missing columns become null)."""
    out = pd.DataFrame(index=frame.index)
    for c in COLUMNS:
        values = frame[c.name] if c.name in frame else pd.Series(None, index=frame.index, dtype=object)
        if c.sql_type == "INTEGER":
            out[c.name] = pd.to_numeric(values, errors="raise").astype("Int64")
        elif c.name in COUNT_COLUMNS:
            out[c.name] = pd.to_numeric(values, errors="raise").astype("Float64")
        elif c.sql_type == "DOUBLE":
            out[c.name] = pd.to_numeric(values, errors="raise").astype("Float64")
        elif c.sql_type == "BOOLEAN":
            out[c.name] = values.astype("boolean")
        elif c.sql_type == "DATE" and pd.api.types.is_datetime64_any_dtype(values):
            out[c.name] = values  # the vectorised adapters' datetime64 (NaT = none)
        else:
            out[c.name] = text(values)
    return out


TEXT = pd.StringDtype("pyarrow", na_value=np.nan)  # Arrow text, NaN for none: no Python objects


def text(values: pd.Series) -> pd.Series:
    """Text cells as Arrow strings (missing: NaN), the form DuckDB takes without a copy."""
    if values.dtype == TEXT:
        return values
    if values.dtype == object:
        try:  # str and None (the usual case): straight to Arrow
            cells = pa.array(values.to_numpy(), type=pa.string(), from_pandas=True)
            return pd.Series(pd.arrays.ArrowStringArray(cells), index=values.index, dtype=TEXT)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return values.astype(str).where(values.notna()).astype(TEXT)
    return values.astype(TEXT)


def objects(values: pd.Series) -> pd.Series:
    """Python objects with None for missing; the column itself (no copy) when it already is."""
    if values.dtype == object:
        cells = values.to_numpy()
        missing = pd.isna(cells)
        if not missing.any() or np.equal(cells[missing], None).all():
            return values
    return values.astype(object).where(values.notna(), None)


_WHITESPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())  # what str.strip() removes


def _blank(values: pd.Series) -> pd.Series:
    """True where a cell is text of only whitespace ('' or '  ')."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # text and None only (the usual case): pyarrow; anything else: every cell as str
        text = pa.array(values if values.dtype == TEXT else values.to_numpy(dtype=object),
                        type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return values.astype(str).str.strip() == ""
    blank = pc.equal(pc.utf8_trim(text, characters=_WHITESPACE), "").fill_null(False)
    return pd.Series(blank.to_numpy(zero_copy_only=False), index=values.index)


def _none(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def reject(file: str, line: int, column: str, value, reason: str) -> dict:
    return {"source_file": file, "source_line": int(line), "column": column,
            "value": None if value is None else str(value), "reason": reason}


def validate(frame: pd.DataFrame, today: dt.date | None = None) -> Outcome:
    """The contract, applied to a canonical frame. A row is rejected only when it cannot be an
    event: a required column empty, a value outside the controlled lists of precisions and
    countries, or an event date in the future. Problems in secondary fields load the row with a
    quality flag and, where the value cannot be stored as it is, the field emptied: a negative
    count, coordinates out of range or only one of them, an end date before the start or in the
    future, a category not in the list (loaded as 'other'), figures out of order (low > headline >
    high: kept as published)."""
    today = today or dt.date.today()
    frame = conform(frame)
    problems: list[pd.DataFrame] = []
    flags: list[pd.DataFrame] = []
    bad = pd.Series(False, index=frame.index)

    def record(into, mask: pd.Series, column: str, reason: str, values=None) -> pd.Series:
        mask = mask.fillna(False).astype(bool) & ~bad
        if mask.any():
            rows = mask[mask].index
            # `values`: the text shown for the flagged rows only (a callable of their index), so
            # that a million rows without a problem cost no text at all
            shown = frame.loc[rows, column] if values is None else values(rows)
            into.append(pd.DataFrame({
                "source_file": frame.loc[mask, "source_file"],
                "source_line": frame.loc[mask, "source_line"].astype(int),
                "column": column,
                "value": shown.map(lambda v: None if _none(v) else str(v)),
                "reason": reason}))
        return mask

    def reject(mask: pd.Series, column: str, reason: str) -> None:
        nonlocal bad
        bad = bad | record(problems, mask, column, reason)

    def flag(mask: pd.Series, column: str, reason: str, values=None) -> pd.Series:
        return record(flags, mask, column, reason, values)

    for c in COLUMNS:
        col = frame[c.name]
        if c.required:
            empty = col.isna()
            if col.dtype in (object, TEXT):
                empty |= _blank(col)
            reject(empty, c.name, f"{c.name} is required and is empty")
        if c.allowed and c.name != "category":
            reject(col.notna() & ~col.isin(c.allowed), c.name,
                   f"{c.name} must be one of {', '.join(c.allowed)}")
    unknown = frame["category"].notna() & ~frame["category"].isin(list(CATEGORIES))
    flag(unknown, "category", "category is not one of the dashboard's categories "
         f"({', '.join(CATEGORIES)}); loaded as 'other'")
    frame.loc[unknown, "category"] = "other"
    for name in COUNT_COLUMNS:
        negative = flag(frame[name] < 0, name, f"{name} is not a count >= 0; loaded as unknown")
        frame.loc[negative, name] = None
    for base in ("fatalities", "injured"):
        low, mid, high = frame[f"{base}_low"], frame[base], frame[f"{base}_high"]
        for a, b, an, bn in ((low, high, f"{base}_low", f"{base}_high"), (low, mid, f"{base}_low", base),
                             (mid, high, base, f"{base}_high")):
            flag(a > b, an, f"{an} > {bn}; the publisher's figures are kept as they are",
                 lambda rows, a=a, b=b: figures(a[rows]) + " > " + figures(b[rows]))
    lat, lon = frame["latitude"], frame["longitude"]

    def point(rows):
        return lat[rows].astype(str) + ", " + lon[rows].astype(str)

    wrong = flag((lat.notna() & ~lat.between(-90, 90)) | (lon.notna() & ~lon.between(-180, 180)),
                 "latitude", "latitude must be between -90 and 90 and longitude between -180 and "
                 "180; the point is not used", point)
    wrong |= flag(lat.isna() != lon.isna(), "latitude", "latitude and longitude must both be given "
                  "or both be empty; the point is not used", point)
    frame.loc[wrong, ["latitude", "longitude"]] = None
    dates = {name: pd.to_datetime(frame[name], errors="coerce") for name in DATE_COLUMNS}
    reject(dates["event_date"] > pd.Timestamp(today), "event_date", "event_date is in the future")
    for name in ("date_end", "source_date"):
        future = flag(dates[name] > pd.Timestamp(today), name, f"{name} is in the future; left empty")
        frame.loc[future, name] = None
    before = flag(dates["date_end"].notna() & (dates["date_end"] < dates["event_date"]), "date_end",
                  "date_end is before event_date; left empty")
    frame.loc[before, "date_end"] = None
    rejects = _stacked(problems)
    flags_frame = _stacked(flags)
    if bad.any() and len(flags_frame):
        gone = set(zip(frame.loc[bad, "source_file"], frame.loc[bad, "source_line"].astype(int)))
        keep = [(f, ln) not in gone for f, ln in zip(flags_frame["source_file"], flags_frame["source_line"])]
        flags_frame = flags_frame[keep].reset_index(drop=True)
    return Outcome(frame[~bad] if bad.any() else frame, rejects, flags_frame, empty_rejects())


def figures(values: pd.Series) -> pd.Series:
    """Counts as text the way a source writes them: 12 (not 12.0), 0.33, 'unknown'."""
    return values.map(lambda v: "unknown" if pd.isna(v) else f"{v:g}" if v != int(v) else str(int(v)))


def _stacked(parts: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(parts, ignore_index=True)[list(REJECT_COLUMNS)] if parts else empty_rejects()
