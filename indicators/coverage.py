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
import pandas as pd

from indicators import library
from indicators.filters import Filters
from indicators.periods import Period


class Covered(NamedTuple):
    """What one dataset covers (a row of table coverage)."""
    dataset: str
    name: str
    first_date: dt.date  # the period covered
    last_date: dt.date
    events: int
    complete: bool
    preliminary: bool
    records: str
    release: str | None
    period_from: str
    countries: str | None
    categories: str | None


def dataset_coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> list[Covered]:
    """One row per dataset selected by the filters' datasets whose countries and categories meet
    the filters' (the years and other filters are ignored: coverage is about the sources), by
    the start of the period covered."""
    # a table of a few rows, filtered in Python on plain tuples (this runs four or five times per
    # rerun: a DataFrame, or the filter in SQL, cost more than the query)
    rows = con.execute(
        "SELECT dataset, name, period_start::DATE, period_end::DATE, events, complete, preliminary, "
        "records, release, period_from, countries, categories FROM coverage "
        "ORDER BY period_start, dataset").fetchall()

    def meets(listed: str | None, wanted: tuple) -> bool:
        return not wanted or bool(set((listed or "").split(",")) & set(wanted))

    return [r for r in map(Covered._make, rows)
            if (not f.datasets or r.dataset in f.datasets) and meets(r.countries, f.countries)
            and meets(r.categories, f.categories)]


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
    cov = [(r, r.name + (" (preliminary)" if r.preliminary and "prelim" not in r.name.lower() else ""))
           for r in dataset_coverage(con, f)]
    step = {"year": 12, "quarter": 3, "month": 1}[unit]
    rows = []
    for first in range(f.year_from * 12, (f.year_to + 1) * 12, step):  # months since year 0
        start = dt.date(first // 12, first % 12 + 1, 1)
        after = first + step
        end = dt.date(after // 12, after % 12 + 1, 1) - dt.timedelta(days=1)
        names, whole = [], False
        for r, name in cov:
            if r.last_date >= start and r.first_date <= end:
                names.append(name)
                whole = whole or (r.complete and r.first_date <= start and r.last_date >= end)
        rows.append((start, "full" if whole else "partial" if names else "none", "; ".join(names)))
    return pd.DataFrame(rows, columns=["period_start", "status", "covered_by"])


def coverage_changes(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Where a selected dataset's coverage starts or ends inside the filters' years, to mark on
    time axes. Columns: date, label ('UCDP GED ... ends')."""
    cov = dataset_coverage(con, f)
    lo, hi = dt.date(f.year_from, 1, 1), dt.date(f.year_to, 12, 31)
    rows = []
    for r in cov:
        short = r.name.split(",")[0].split(" (")[0]
        if lo < r.first_date <= hi:
            rows.append({"date": r.first_date, "label": f"{short} starts"})
        if lo <= r.last_date < hi:
            rows.append({"date": r.last_date, "label": f"{short} ends"})
    rows.sort(key=lambda row: row["date"])
    return pd.DataFrame(rows, columns=["date", "label"])


def freshness(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """The caption under a page title: the newest event of the data shown and, per dataset, what
    release it is and until when it covers ('preliminary' where it is)."""
    where, params = f.where()
    # the cube keeps each cell's last day (at 1M events one query of 3-5 ms instead of two)
    table, day = ("event_cube", "last_date") if library.yearly(f) else ("events", "event_date")
    newest = con.execute(f"SELECT max({day}) FROM {table} WHERE {where}", params).fetchone()[0]
    parts = [f"{r.name}: {r.release + ', ' if r.release else ''}to {r.last_date:%-d %b %Y}"
             + (" (preliminary)" if r.preliminary and "prelim" not in r.name.lower() else "")
             for r in dataset_coverage(con, f)]
    head = f"Newest event shown: {newest:%-d %B %Y}" if newest else "No event matches the filters"
    return head + (". Data: " + "; ".join(parts) if parts else "") + "."


def coverage_line(con: duckdb.DuckDBPyConnection, f: Filters) -> str:
    """Coverage in one line, for the top of a page: 'Data to 25 Feb 2026; 2022-2025 partly
    covered' (the newest event of the data, then the years of the filters that no dataset
    recording every event of its kinds covers in full: partly, or not at all)."""
    where, params = f.where()
    table, day = ("event_cube", "last_date") if library.yearly(f) else ("events", "event_date")
    newest = con.execute(f"SELECT max({day}) FROM {table} WHERE {where}", params).fetchone()[0]
    years = period_status(con, f, "year")
    parts = [f"Data to {newest:%-d %b %Y}" if newest else "No event matches the filters"]
    for state, words in (("partial", "partly covered"), ("none", "not covered")):
        chosen = [d.year for d, s in zip(years["period_start"], years["status"]) if s == state]
        if chosen:
            parts.append(f"{_year_ranges(chosen)} {words}")
    return "; ".join(parts)


def _year_ranges(years: list[int]) -> str:
    """[2014, 2015, 2016, 2019] -> '2014-2016 and 2019'."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    texts = [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


def covered_until(coverage: list[Covered]) -> dt.date | None:
    """The last day any dataset covers."""
    return max((r.last_date for r in coverage), default=None)


def status(row, period: Period) -> str:
    """'full', 'part' or 'none': how much of `period` the dataset of `row` covers."""
    if row.last_date < period.start or row.first_date > period.last_day:
        return "none"
    if row.first_date <= period.start and row.last_date >= period.last_day:
        return "full"
    return "part"


def span(row) -> str:
    return f"{row.first_date:%-d %B %Y} to {row.last_date:%-d %B %Y}"


def comparison_problem(coverage: list[Covered], now: Period, then: Period) -> str | None:
    """None when every dataset covers both periods in full or neither at all; otherwise why the
    two cannot be compared, in words ('X (dates) covers Q4 2017 in part and Q4 2018 not at all')."""
    words = {"full": "in full", "part": "in part", "none": "not at all"}
    reasons = []
    for row in coverage:
        a, b = status(row, then), status(row, now)
        if a != b or a == "part":
            reasons.append(f"{row.name} ({span(row)}) covers {then.label} {words[a]} and "
                           f"{now.label} {words[b]}")
    return "; ".join(reasons) or None


def period_datasets(coverage: list[Covered], period: Period) -> list[tuple[str, str, str]]:
    """(name, span, status) of each dataset that covers some of `period`."""
    out = []
    for row in coverage:
        s = status(row, period)
        if s != "none":
            out.append((row.name, span(row), s))
    return out
