"""What the data covers, and whether two periods can be compared.

Until a proper coverage table exists, a dataset covers the days from its first to its last event
(with the filters' datasets, countries and categories: a dataset of drone strikes says nothing
about attacks). This is the one place that rule is computed.
"""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from indicators.filters import Filters
from indicators.periods import Period


def dataset_coverage(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per dataset with events of the filters' datasets, countries and categories (other
    filters and the years are ignored). Columns: dataset, name (the short name of its largest
    file), first_date, last_date, events."""
    clauses, params = ["TRUE"], []
    for column, values in (("e.dataset", f.datasets), ("e.country", f.countries),
                           ("e.category", f.categories)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += list(values)
    frame = con.execute(
        f"""SELECT e.dataset, arg_max(s.short_name, n) AS name, min(first_date) AS first_date,
                   max(last_date) AS last_date, sum(n)::BIGINT AS events
            FROM (SELECT dataset, source_file, min(event_date) AS first_date,
                         max(event_date) AS last_date, count(*) AS n
                  FROM events e WHERE {' AND '.join(clauses)} GROUP BY ALL) e
            LEFT JOIN sources s ON s.file = e.source_file
            GROUP BY e.dataset ORDER BY first_date, e.dataset""", params).df()
    for column in ("first_date", "last_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["name"] = frame["name"].fillna(frame["dataset"])
    return frame


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
