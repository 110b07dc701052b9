"""What the data covers, and whether two periods can be compared.

The build writes table `coverage` (etl/coverage.py): for every dataset the period it covers (from
the publisher's release where given, else its first and last event), its countries and
categories, what it records, whether it aims to record every event of its kinds (`complete`) and
whether it is preliminary. This module is the one place that reads it: a period that no selected
dataset covers is *no data* (never a zero), a period covered only by datasets that record a part
of events (one group, one kind of attack) is *partial*.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

from indicators import library
from indicators.filters import Filters
from indicators.periods import Period


def dataset_coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per dataset selected by the filters' datasets whose countries and categories meet
    the filters' (the years and other filters are ignored: coverage is about the sources).
    Columns: dataset, name, first_date, last_date (the period covered), events, complete,
    preliminary, records, release, period_from."""
    # filtered in SQL (a six-row table; pandas string matching cost more than the query, and
    # this runs three or four times per rerun)
    clauses, params = ["TRUE"], []
    if f.datasets:
        clauses.append(f"dataset IN ({', '.join('?' * len(f.datasets))})")
        params += list(f.datasets)
    for column, values in (("countries", f.countries), ("categories", f.categories)):
        if values:  # fixed column names, never user text
            clauses.append(f"list_has_any(string_split(coalesce({column}, ''), ','), ?::VARCHAR[])")
            params.append(list(values))
    cursor = con.execute(
        "SELECT dataset, name, period_start::DATE AS first_date, period_end::DATE AS last_date, events, "
        "complete, preliminary, records, release, period_from FROM coverage "
        f"WHERE {' AND '.join(clauses)} ORDER BY period_start, dataset", params)
    return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])


class Span(NamedTuple):
    """Any stretch of days with a label (a Period, or the years of a filter)."""
    start: dt.date
    last_day: dt.date
    label: str


def years_span(f: Filters) -> Span:
    label = str(f.year_from) if f.years == 1 else f"{f.year_from}-{f.year_to}"
    return Span(dt.date(f.year_from, 1, 1), dt.date(f.year_to, 12, 31), label)


def kpi_comparison(con: duckdb.DuckDBPyConnection, f: Filters) -> str | None:
    """Why the filters' years cannot be compared with the period of equal length before them
    (the datasets covering the two differ), or None when they can."""
    return comparison_problem(dataset_coverage(con, f), years_span(f), years_span(f.previous()))


def period_status(con: duckdb.DuckDBPyConnection, f: Filters, unit: str) -> pd.DataFrame:
    """One row per period (year, quarter or month) of the filters' years. Columns: period_start,
    status ('full': a complete dataset covers all of it; 'partial': only some of it is covered, or
    only by datasets that record a part of events; 'none': no selected dataset covers it: no
    data, not zero), covered_by (names)."""
    cov = dataset_coverage(con, f)
    step = {"year": 12, "quarter": 3, "month": 1}[unit]
    starts = pd.date_range(dt.date(f.year_from, 1, 1), dt.date(f.year_to, 12, 31), freq=f"{step}MS")
    ends = starts + pd.DateOffset(months=step) - pd.Timedelta(days=1)  # (whole arrays, not a loop)
    by = [[] for _ in starts]
    full = np.zeros(len(starts), dtype=bool)
    for r in cov.itertuples():
        first, last = pd.Timestamp(r.first_date), pd.Timestamp(r.last_date)
        overlap = np.asarray((last >= starts) & (first <= ends))
        name = r.name + (" (preliminary)" if r.preliminary and "prelim" not in r.name.lower() else "")
        for i in np.flatnonzero(overlap):
            by[i].append(name)
        if r.complete:
            full |= overlap & np.asarray((first <= starts) & (last >= ends))
    rows = [{"period_start": start.date(), "status": "full" if whole else "partial" if names else "none",
             "covered_by": "; ".join(names)} for start, whole, names in zip(starts, full, by)]
    return pd.DataFrame(rows, columns=["period_start", "status", "covered_by"])


def coverage_changes(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Where a selected dataset's coverage starts or ends inside the filters' years, to mark on
    time axes. Columns: date, label ('UCDP GED ... ends')."""
    cov = dataset_coverage(con, f)
    lo, hi = dt.date(f.year_from, 1, 1), dt.date(f.year_to, 12, 31)
    rows = []
    for r in cov.itertuples():
        short = r.name.split(",")[0].split(" (")[0]
        if lo < r.first_date <= hi:
            rows.append({"date": r.first_date, "label": f"{short} starts"})
        if lo <= r.last_date < hi:
            rows.append({"date": r.last_date, "label": f"{short} ends"})
    return pd.DataFrame(rows, columns=["date", "label"]).sort_values("date").reset_index(drop=True)


def freshness(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """The caption under a page title: the newest event of the data shown and, per dataset, what
    release it is and until when it covers ('preliminary' where it is)."""
    where, params = f.where()
    # only the last year with a filtered event is read (library.date_bound; events are stored in
    # date order): 20-70 ms -> a few at 1M
    bound, bound_params = library.date_bound(con, f, 1)
    newest = con.execute(f"SELECT max(event_date) FROM events WHERE {where} AND {bound}",
                         params + bound_params).fetchone()[0]
    parts = [f"{r.name}: {r.release + ', ' if r.release else ''}to {r.last_date:%-d %b %Y}"
             + (" (preliminary)" if r.preliminary and "prelim" not in r.name.lower() else "")
             for r in dataset_coverage(con, f).itertuples()]
    head = f"Newest event shown: {newest:%-d %B %Y}" if newest else "No event matches the filters"
    return head + (". Data: " + "; ".join(parts) if parts else "") + "."


def covered_until(coverage: pd.DataFrame) -> dt.date | None:
    """The last day any dataset covers."""
    return max(coverage["last_date"]) if len(coverage) else None


def status(row, period: Period) -> str:
    """'full', 'part' or 'none': how much of `period` the dataset of `row` covers."""
    if row.last_date < period.start or row.first_date > period.last_day:
        return "none"
    if row.first_date <= period.start and row.last_date >= period.last_day:
        return "full"
    return "part"


def span(row) -> str:
    return f"{row.first_date:%-d %B %Y} to {row.last_date:%-d %B %Y}"


def comparison_problem(coverage: pd.DataFrame, now: Period, then: Period) -> str | None:
    """None when every dataset covers both periods in full or neither at all; otherwise why the
    two cannot be compared, in words ('X (dates) covers Q4 2017 in part and Q4 2018 not at all')."""
    words = {"full": "in full", "part": "in part", "none": "not at all"}
    reasons = []
    for row in coverage.itertuples():
        a, b = status(row, then), status(row, now)
        if a != b or a == "part":
            reasons.append(f"{row.name} ({span(row)}) covers {then.label} {words[a]} and "
                           f"{now.label} {words[b]}")
    return "; ".join(reasons) or None


def period_datasets(coverage: pd.DataFrame, period: Period) -> list[tuple[str, str, str]]:
    """(name, span, status) of each dataset that covers some of `period`."""
    out = []
    for row in coverage.itertuples():
        s = status(row, period)
        if s != "none":
            out.append((row.name, span(row), s))
    return out
