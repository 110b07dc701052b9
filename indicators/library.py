"""The measures every indicator is built from, computed by period and by breakdown in one query.

`measure_by(con, f, "attacks", ("year", "province"))` -> one row per (period, province) with the
value. Periods with no events are filled with 0 so that lines and rolling sums are right. An event
dated only to the year is never put in a month or a quarter: it is left out of sub-year periods and
counted in `frame.attrs["left_out_imprecise"]`.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from contract.schema import CIVILIAN_CLASSES, SIGNAL_CATEGORIES
from indicators.filters import Filters

SIGNAL_LIST = ", ".join(f"'{c}'" for c in SIGNAL_CATEGORIES)  # SQL: the signal categories
_CIVILIAN = ", ".join(f"'{c}'" for c in CIVILIAN_CLASSES)
_NAMED = "actor_group NOT IN ('Unknown', 'Other')"

# Fixed SQL fragments (never user text): measure id -> aggregate over the filtered events;
# {deaths} and {hurt} are the Filters' columns of figures (see Filters.deaths).
MEASURES: dict[str, str] = {
    "events": "count(*)",
    "fatalities": "coalesce(sum({deaths}), 0)",
    "injured": "coalesce(sum({hurt}), 0)",
    "attacks": "count(*) FILTER (WHERE category = 'attack')",
    "attack_fatalities": "coalesce(sum({deaths}) FILTER (WHERE category = 'attack'), 0)",
    "signals": f"count(*) FILTER (WHERE category IN ({SIGNAL_LIST}))",
    "propaganda": "count(*) FILTER (WHERE category = 'propaganda')",
    "allegiance": "count(*) FILTER (WHERE category = 'allegiance')",
    "recruitment": "count(*) FILTER (WHERE category = 'recruitment')",
    "organisation": "count(*) FILTER (WHERE category = 'organisation')",
    "active_districts": "count(DISTINCT district_id)",
    "active_groups": f"count(DISTINCT actor_group) FILTER (WHERE {_NAMED})",
    "civilian_attacks": f"count(*) FILTER (WHERE category = 'attack' AND target_class IN ({_CIVILIAN}))",
    "civilian_fatalities": f"coalesce(sum({{deaths}}) FILTER (WHERE category = 'attack' "
                           f"AND target_class IN ({_CIVILIAN})), 0)",
    "minority_attacks": "count(*) FILTER (WHERE category = 'attack' AND target_minority)",
    "minority_share": "round(100.0 * count(*) FILTER (WHERE category = 'attack' AND target_minority) "
                      "/ nullif(count(*) FILTER (WHERE category = 'attack'), 0), 1)",
}

def measure_sql(measure: str, f: Filters) -> str:
    """The measure's SQL aggregate for these filters (their columns of figures)."""
    return MEASURES[measure].format(deaths=f.deaths, hurt=f.hurt)


# The measures event_cube (etl/derived.py) counts exactly: events by category, and distinct
# districts or groups (sums of figures would add in another order; it has no target columns).
CUBE_MEASURES = ("events", "attacks", "signals", "propaganda", "allegiance", "recruitment",
                 "organisation", "active_districts", "active_groups")


def yearly(f: Filters) -> bool:
    """Whether the yearly tables the build derives (event_cube, event_unmapped: etl/derived.py)
    count with these filters: not when they narrow more than years and the columns those tables
    keep (a window of days or attacks on minorities: Filters.windowed)."""
    return not f.windowed


def cube_sql(measure: str, f: Filters) -> str | None:
    """The measure's aggregate over event_cube's rows (each stands for `events` events), or None
    when the cube cannot give it: another measure, or filters narrower than years (a window of
    days or attacks on minorities: Filters.windowed). At a million events the cube has
    a sixth of the rows and no text to read."""
    if measure not in CUBE_MEASURES or not yearly(f):
        return None
    sql = measure_sql(measure, f)
    if sql.startswith("count(*)"):  # count(*) [FILTER (...)] -> the sum of the rows' counts
        return f"coalesce({sql.replace('count(*)', 'sum(events)', 1)}, 0)::BIGINT"
    return sql  # count(DISTINCT column): the cube has a row for each value with events


RATIOS = ("minority_share",)  # an empty period has no share: null, not 0

PERIODS = ("year", "quarter", "month")
# breakdown id -> (SQL key, extra label columns)
BREAKDOWNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "province": ("admin1", ()),
    "district": ("district_id", ("admin2", "admin1")),
    "category": ("category", ()),
    "actor_group": ("actor_group", ()),
    "target_class": ("target_class", ()),
}
DIMENSIONS = PERIODS + tuple(BREAKDOWNS)


def placeable(con: duckdb.DuckDBPyConnection, where: str, params: list, period: str) -> tuple[str, int]:
    """(`where` narrowed to the events that can be placed in a `period`, how many were left out).
    A month or a quarter needs an event dated at least to the month; a year takes every event."""
    if period == "year":
        return where, 0
    left_out = con.execute(f"SELECT count(*) FROM events WHERE {where} AND date_precision = 'year'",
                           params).fetchone()[0]
    return f"{where} AND date_precision <> 'year'", int(left_out)


def date_bound(con: duckdb.DuckDBPyConnection, f: Filters, n: int, newest: bool = True) -> tuple[str, list]:
    """A condition (SQL, params) to add to `f.where()`: the latest (or, with newest=False, the
    earliest) years that hold at least `n` of the filtered events, counted in event_cube
    (etl/derived.py). The first `n` filtered events in date order lie in those years, and the
    events are stored in date order, so a query sorted by date reads only their rows. TRUE when
    fewer than `n` events match, or when `f` narrows more than the cube can count (a window of
    days or attacks on minorities: Filters.windowed)."""
    if not yearly(f):
        return "TRUE", []
    where, params = f.where()
    order = "DESC" if newest else "ASC"
    found = con.execute(
        f"SELECT event_date FROM (SELECT event_date, sum(sum(events)) OVER (ORDER BY event_date {order}) "
        f"AS running FROM event_cube WHERE {where} GROUP BY event_date) WHERE running >= ? "
        f"ORDER BY event_date {order} LIMIT 1", params + [int(n)]).fetchone()
    if found is None:
        return "TRUE", []
    year_start = found[0]  # the cube's event_date: the first day of a year
    if newest:
        return "event_date >= ?", [year_start]
    return "event_date < ?", [year_start.replace(year=year_start.year + 1)]


def measure_by(con: duckdb.DuckDBPyConnection, f: Filters, measure: str,
               by: tuple[str, ...] = ("year",)) -> pd.DataFrame:
    """One row per combination of `by` (at most one period and one breakdown). Columns: `period`
    (DATE, first day) when a period is asked, the breakdown key (and labels for districts), `value`."""
    if measure not in MEASURES:
        raise KeyError(f"unknown measure {measure!r} (known: {', '.join(MEASURES)})")
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown or len([d for d in by if d in PERIODS]) > 1 or len([d for d in by if d in BREAKDOWNS]) > 1:
        raise ValueError(f"by={by!r}: choose at most one of {', '.join(PERIODS)} and one of "
                         f"{', '.join(BREAKDOWNS)}")
    period = next((d for d in by if d in PERIODS), None)
    breakdown = next((d for d in by if d in BREAKDOWNS), None)
    where, params = f.where()
    select, group = [], []
    left_out = 0
    if period:
        select.append(f"date_trunc('{period}', event_date)::DATE AS period")
        group.append("period")
        where, left_out = placeable(con, where, params, period)
    if breakdown:
        key, labels = BREAKDOWNS[breakdown]
        select.append(f"coalesce({key}, '(not known)') AS {breakdown}")
        select += [f"any_value({label}) AS {label}" for label in labels]
        group.append(breakdown)
        if breakdown == "district":
            where += " AND district_id IS NOT NULL"
    # the cube when it holds the measure, the period (a year) and the breakdown (not a district's
    # names, not target_class)
    cube = cube_sql(measure, f) if period in (None, "year") and breakdown in (
        None, "province", "category", "actor_group") else None
    select.append(f"{cube or measure_sql(measure, f)} AS value")
    sql = f"SELECT {', '.join(select)} FROM {'event_cube' if cube else 'events'} WHERE {where}"
    if group:
        sql += f" GROUP BY {', '.join(group)} ORDER BY {', '.join(group)}"
    frame = con.execute(sql, params).df()
    if period:
        frame = _fill_periods(frame, f, period, breakdown, None if measure in RATIOS else 0)
    frame.attrs["left_out_imprecise"] = int(left_out)
    return frame


def _fill_periods(frame: pd.DataFrame, f: Filters, period: str, breakdown: str | None,
                  fill: float | None) -> pd.DataFrame:
    """Every period of the selected years, `fill` where a series has no event."""
    freq = {"year": "YS", "quarter": "QS", "month": "MS"}[period]
    periods = pd.date_range(f"{f.year_from}-01-01", f"{f.year_to}-12-01", freq=freq).date
    frame = frame.copy()
    frame["period"] = pd.to_datetime(frame["period"]).dt.date
    keys = ["period"] + ([breakdown] if breakdown else [])
    if breakdown:
        values = frame[breakdown].dropna().unique()
        index = pd.MultiIndex.from_product([periods, values], names=keys)
    else:
        index = pd.Index(periods, name="period")
    labels = frame.drop(columns=["period", "value"]).drop_duplicates(breakdown) if breakdown else None
    full = frame.set_index(keys)["value"].reindex(index)
    full = (full.fillna(fill).astype("int64") if fill is not None else full).reset_index()
    if labels is not None and len(labels.columns) > 1:
        full = full.merge(labels, on=breakdown, how="left")
    return full


def with_rolling_and_change(frame: pd.DataFrame, windows: tuple[int, ...] = (3, 12)) -> pd.DataFrame:
    """Add rolling sums over `windows` periods and the change against the previous period
    (`change_pct`, null where the previous value is 0), per series."""
    breakdown = [c for c in frame.columns if c in BREAKDOWNS]
    out = frame.sort_values(breakdown + ["period"]).copy()
    grouped = out.groupby(breakdown)["value"] if breakdown else out["value"]
    for w in windows:
        out[f"rolling_{w}"] = (grouped.transform(lambda s: s.rolling(w, min_periods=1).sum())
                               if breakdown else grouped.rolling(w, min_periods=1).sum())
    previous = grouped.shift(1)
    out["change_pct"] = ((out["value"] - previous) / previous.where(previous != 0) * 100).round(1)
    return out.reset_index(drop=True)


def top_series(frame: pd.DataFrame, breakdown: str, n: int = 6) -> list:
    """The `n` values of `breakdown` with the largest total (ties by name)."""
    totals = frame.groupby(breakdown)["value"].sum().reset_index()
    return totals.sort_values(["value", breakdown], ascending=[False, True])[breakdown].head(n).tolist()


def wide(frame: pd.DataFrame, breakdown: str | None, label: str | None = None) -> pd.DataFrame:
    """The numbers behind a chart: one row per period, one column per series."""
    if not breakdown:
        return frame[["period", "value"]].rename(columns={"value": "total"})
    names = frame[label].fillna(frame[breakdown]) if label and label in frame else frame[breakdown]
    return frame.assign(series=names).pivot_table(index="period", columns="series", values="value",
                                                  aggfunc="sum").reset_index()
