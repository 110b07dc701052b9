"""Table `yardsticks`: the yearly totals published by independent monitors
(data/yardsticks/published_totals_pak_afg.csv), each joined to its publisher's definition
(data/reference/yardstick_measures.csv) and flagged when a later report of the same publisher
replaces it. Columns: contract/yardsticks.py.

Every row of the file loads. A row that cannot (a value that is not a number, a publisher and
measure with no line in the reference table) stops the build with the line and how to fix it;
nothing is dropped.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd

from contract import yardsticks as contract
from contract.tables import BY_NAME
from etl import reference
from etl.schema import create_sql

FILE = "yardsticks/published_totals_pak_afg.csv"
REFERENCE = "yardstick_measures.csv"
FIELDS = ("country", "year", "publisher", "measure", "value", "scope", "url", "reported_on")
REQUIRED = tuple(c.name for c in contract.COLUMNS if c.required and c.name in FIELDS)
# 2024, 2024-02, 2024-02-29, 2024-02/03 (February or March), each maybe followed by "(approx)"
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:/(\d{2})|-(\d{2}))?)?")


class YardstickError(ValueError):
    """A row of the yardsticks file or of its reference table that cannot load; the message names
    the file, the line and what to do."""


def load(data_dir: Path) -> pd.DataFrame:
    """The rows of table yardsticks; none when the data folder has no yardsticks file (the pages
    then say "not published here" for every year)."""
    path = Path(data_dir) / FILE
    if not path.exists():
        return _frame([])
    measures = _measures(reference.path(REFERENCE))
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in FIELDS if c not in (reader.fieldnames or [])]
        if missing:
            raise YardstickError(f"{FILE}: no column {', '.join(missing)} (expected the columns "
                                 f"{','.join(FIELDS)}).")
        for line, row in enumerate(reader, start=2):
            rows.append(_row(row, line, measures))
    _supersede(rows)
    return _frame(rows)


def write(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> None:
    """Table yardsticks, created from its contract, with the rows of `load`."""
    con.execute(create_sql(BY_NAME["yardsticks"], replace=True))
    con.register("yardsticks_frame", frame)
    con.execute(f"INSERT INTO yardsticks SELECT {', '.join(contract.COLUMN_NAMES)} "
                f"FROM yardsticks_frame ORDER BY source_line")
    con.unregister("yardsticks_frame")


def reported_span(text: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day `reported_on` can mean ('2023-03' -> 1 to 31 March 2023;
    '2024-02/03' -> 1 February to 31 March 2024); None when it gives no date."""
    match = _DATE.match((text or "").strip())
    if not match:
        return None
    year, month, to_month, day = (int(g) if g else None for g in match.groups())
    if day:
        return dt.date(year, month, day), dt.date(year, month, day)
    if month:
        last = to_month or month
        return dt.date(year, month, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _measures(path: Path) -> dict[tuple[str, str], dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out = {}
    for line, row in enumerate(rows, start=2):
        if row["compares_with"] not in contract.COMPARES_WITH:
            raise YardstickError(f"{path} line {line}: compares_with={row['compares_with']!r} is not "
                                 f"one of {', '.join(contract.COMPARES_WITH)}.")
        none = row["compares_with"] == "none"
        if none != (not row["preference"].strip()) or not (none or row["preference"].strip().isdigit()):
            raise YardstickError(f"{path} line {line}: preference={row['preference']!r}: give a whole "
                                 f"number (1 = closest) when compares_with is not none, else leave it empty.")
        out[(row["publisher"], row["measure"])] = row
    return out


def _row(row: dict, line: int, measures: dict) -> dict:
    where = f"{FILE} line {line}"
    empty = [c for c in REQUIRED if not (row[c] or "").strip()]
    if empty:
        raise YardstickError(f"{where}: {', '.join(empty)} is empty; fill it in (every row needs "
                             f"{', '.join(REQUIRED)}).")
    try:
        value, year = float(row["value"].replace(",", "")), int(row["year"])
    except ValueError:
        raise YardstickError(f"{where}: value={row['value']!r} or year={row['year']!r} is not a "
                             f"number. Fix the row (the figure as published, without words).") from None
    ref = measures.get((row["publisher"], row["measure"]))
    if ref is None:
        raise YardstickError(f"{where}: publisher={row['publisher']!r} and measure={row['measure']!r} "
                             f"have no line in data/reference/{REFERENCE}; add one with the "
                             f"publisher's definition.")
    if row["measure"] not in contract.MEASURES:
        raise YardstickError(f"{where}: measure={row['measure']!r} is not one of "
                             f"{', '.join(contract.MEASURES)} (contract/yardsticks.py).")
    span = reported_span(row["reported_on"])
    return {**{k: (row[k].strip() or None) for k in ("country", "publisher", "measure", "scope", "url",
                                                     "reported_on")},
            "year": year, "value": value, "span": span, "reported_from": span[0] if span else None,
            "compares_with": ref["compares_with"], "definition": ref["definition"],
            "preference": int(ref["preference"]) if ref["preference"].strip() else None,
            "source_line": line}


def _supersede(rows: list[dict]) -> None:
    """`superseded` and `others` of every row: within one publisher, country, year and measure, a
    row is superseded when another's report is certainly later (its first possible day after this
    one's last). Of the rows left, the first by latest `reported_from` (then line) is the one
    a reader takes; the others are named in each row's `others`."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["publisher"], row["country"], row["year"], row["measure"]), []).append(row)
    for group in groups.values():
        for row in group:
            row["superseded"] = row["span"] is not None and any(
                o["span"] is not None and o["span"][0] > row["span"][1] for o in group)
        current = sorted((r for r in group if not r["superseded"]),
                         key=lambda r: (r["reported_from"] is None,
                                        -(r["reported_from"] or dt.date.min).toordinal(), r["source_line"]))
        for row in group:
            if row["superseded"]:
                chosen = current[0]
                words = [f"superseded by {_when(chosen)}: {_figure(chosen['value'])}"]
            else:
                words = [f"earlier release {_when(o)}: {_figure(o['value'])}" for o in group if o["superseded"]]
                words += [f"also {_figure(o['value'])} ({_when(o)}; {o['scope'] or 'no scope given'})"
                          for o in current if o is not row]
            unique = list(dict.fromkeys(words))
            row["others"] = "; ".join(unique) or None


def _when(row: dict) -> str:
    return row["reported_on"] or "undated"


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(contract.COLUMN_NAMES))
    return frame.astype({"year": "int64", "value": "float64", "source_line": "int64",
                         "preference": "Int64", "superseded": "bool"})
