"""Escalation alerts: a district's latest months against its own trailing baseline, in words."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from indicators import library
from indicators.filters import Filters

BASELINE_MONTHS = 36
MIN_EVENTS = 2
P_THRESHOLD = 0.05


def poisson_sf(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    return float(poisson_sf_many(np.array([k]), np.array([mean]))[0])


def poisson_sf_many(k: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """P(X >= k) for X ~ Poisson(mean), element by element over arrays of k and means: one minus
    the sum of the first k terms of the distribution."""
    k, mean = np.asarray(k, dtype=np.int64), np.asarray(mean, dtype=float)
    term, cdf = np.exp(-mean), np.zeros(len(mean))
    for i in range(int(k.max(initial=0))):
        cdf += np.where(i < k, term, 0.0)
        term = term * mean / (i + 1)
    p = np.maximum(0.0, 1.0 - cdf)
    return np.where(k <= 0, 1.0, np.where(mean <= 0, 0.0, p))


def trailing_windows(pair: np.ndarray, month_index: np.ndarray, events: np.ndarray,
                     rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(window_events, previous_max) of the given rows: the sum and the largest of `events` over
    the months month_index - BASELINE_MONTHS .. month_index - 1 of the same pair (0 where none).
    The arrays hold one row per (pair, month) with events, sorted by pair, then month: the
    months of a row's window are among the BASELINE_MONTHS rows just before it."""
    total = np.zeros(len(rows), dtype=np.int64)
    top = np.zeros(len(rows), dtype=np.int64)
    own_pair, own_month = pair[rows], month_index[rows]
    for lag in range(1, BASELINE_MONTHS + 1):
        before = np.maximum(rows - lag, 0)
        inside = (rows >= lag) & (pair[before] == own_pair) & (own_month - month_index[before] <= BASELINE_MONTHS)
        counted = np.where(inside, events[before], 0)
        total += counted
        np.maximum(top, counted, out=top)
    return total, top


def _scored(con, where: str, params: list, year_from: int, year_to: int) -> pd.DataFrame:
    """The alerts of the months of year_from..year_to: each (district, actor group, month) counted
    in DuckDB, only for the pairs with a month of those years holding MIN_EVENTS or more, then
    its trailing window of BASELINE_MONTHS calendar months (trailing_windows: a window function
    over the same months cost 150-300 ms at 1M) and the Poisson test. The pairs travel as numbers
    and are sorted in numpy (sorting and fetching their names per month cost 60 of 90 ms); both
    parts of the query number the pairs in the same order, however DuckDB plans the CTE."""
    counted = con.execute(
        f"""WITH monthly AS (
                SELECT e.district_id, e.actor_group,
                       (year(e.event_date) * 12 + month(e.event_date) - 1)::INTEGER AS month_index,
                       count(*)::BIGINT AS events
                FROM events e
                WHERE {where} AND e.district_id IS NOT NULL AND e.date_precision <> 'year'
                  AND e.event_date < make_date(?, 1, 1)
                  AND e.event_date >= make_date(?, 1, 1) - INTERVAL {BASELINE_MONTHS} MONTH
                GROUP BY ALL),
            pairs AS (SELECT DISTINCT district_id, actor_group FROM monthly
                      WHERE month_index >= ? AND events >= ?),
            numbered AS (SELECT p.*, d.admin2,
                                (row_number() OVER (ORDER BY district_id, actor_group) - 1)::INTEGER AS pair
                         FROM pairs p JOIN districts d USING (district_id))
            SELECT true AS is_month, n.pair, m.month_index, m.events, NULL AS district_id,
                   NULL AS actor_group, NULL AS admin2
            FROM monthly m JOIN numbered n USING (district_id, actor_group)
            UNION ALL
            SELECT false, pair, NULL, NULL, district_id, actor_group, admin2 FROM numbered""",
        params + [year_to + 1, year_from, year_from * 12, MIN_EVENTS]).fetchnumpy()
    months = np.asarray(counted["is_month"], dtype=bool)
    names = {c: np.asarray(counted[c], dtype=object)[~months] for c in ("district_id", "actor_group", "admin2")}
    named = np.asarray(counted["pair"])[~months]
    order = np.argsort(named)
    names = {c: v[order] for c, v in names.items()}  # position = pair number
    pair, month_index = np.asarray(counted["pair"])[months], np.asarray(counted["month_index"])[months]
    events = np.asarray(counted["events"])[months]
    by = np.argsort(pair.astype(np.int64) * (1 << 32) + month_index)  # unique keys: by pair, then month
    pair, month_index, events = pair[by], month_index[by].astype(np.int64), events[by].astype(np.int64)
    rows = np.flatnonzero((month_index >= year_from * 12) & (events >= MIN_EVENTS))
    window_events, previous_max = trailing_windows(pair, month_index, events, rows)
    keep = events[rows] > previous_max
    rows = rows[keep]
    candidates = pd.DataFrame({
        "district_id": names["district_id"][pair[rows]], "actor_group": names["actor_group"][pair[rows]],
        # months since January 1970, as datetime64's months count them
        "month": (month_index[rows] - 1970 * 12).astype("datetime64[M]").astype("datetime64[ns]"),
        "events": events[rows], "window_events": window_events[keep], "previous_max": previous_max[keep],
        "admin2": names["admin2"][pair[rows]]})
    candidates["baseline"] = candidates["window_events"] / BASELINE_MONTHS
    candidates["p"] = poisson_sf_many(candidates["events"].to_numpy(), candidates["baseline"].to_numpy())
    return candidates[candidates["p"] < P_THRESHOLD]


ALL_AT_ONCE = 250_000  # a warehouse of up to this many events has every selected year scored at once
FIRST_SPAN_EVENTS = 10_000  # the first span: the fewest last years holding this many filtered events


def _first_span(con, f: Filters) -> int:
    """How many of the selection's last years to score first: the fewest that hold
    FIRST_SPAN_EVENTS filtered events (counted in event_cube), so that a year just begun is
    scored with the year before it in one query; all the years with events when they hold
    fewer."""
    if not library.yearly(f):
        return 1
    where, params = f.where()
    total, span = 0, 1
    for year, events in con.execute(f"SELECT year(event_date), sum(events) FROM event_cube WHERE {where} "
                                    "GROUP BY 1 ORDER BY 1 DESC", params).fetchall():
        total, span = total + events, f.year_to - year + 1
        if total >= FIRST_SPAN_EVENTS:
            break
    return span


def escalation_alerts(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 50) -> pd.DataFrame:
    """Months in the selected years when a district and actor group had at least MIN_EVENTS events,
    more than in any month of the previous BASELINE_MONTHS months, and improbably many for its
    baseline (Poisson P(X >= count) < P_THRESHOLD). Events dated only to the year are left out.
    Columns: month, district_id, admin2, actor_group, events, baseline_per_month, previous_max,
    p_value, reason. Most recent first."""
    where, params = f.all_time().where("e")
    # Most recent first and at most `limit`: score the last years of the selection (_first_span),
    # then, while fewer than `limit` alerts are found, the years before them in spans twice as
    # long each time (each reads only its years and the 36 months before them); earlier months
    # could not rank higher. In a warehouse of few events every year is scored in one span.
    found, last = [], f.year_to
    if con.execute("SELECT count(*) FROM events").fetchone()[0] <= ALL_AT_ONCE:
        span = f.year_to - f.year_from + 1  # one query instead of one per span (a few ms each)
    else:
        span = _first_span(con, f)
    while last >= f.year_from and sum(len(x) for x in found) < limit:
        first = max(f.year_from, last - span + 1)
        found.append(_scored(con, where, params, first, last))
        last, span = first - 1, span * 2
    chosen = pd.concat(found, ignore_index=True).sort_values(
        ["month", "events", "district_id", "actor_group"], ascending=[False, False, True, True]).head(limit)
    kind = "events" if len(f.categories) != 1 else f"{f.categories[0].replace('_', ' ')} events"
    rows = []
    for c in chosen.itertuples():
        month = pd.Timestamp(c.month)
        rows.append({
            "month": month.date(), "district_id": c.district_id, "admin2": c.admin2,
            "actor_group": c.actor_group, "events": int(c.events),
            "baseline_per_month": round(c.baseline, 2), "previous_max": int(c.previous_max),
            "p_value": round(c.p, 4),
            "reason": f"{c.admin2} ({c.actor_group}): {c.events} {kind} in {month:%b %Y}, the "
                      f"highest in {BASELINE_MONTHS // 12} years; baseline {c.baseline:.1f}/month",
        })
    return pd.DataFrame(rows, columns=["month", "district_id", "admin2", "actor_group", "events",
                                       "baseline_per_month", "previous_max", "p_value", "reason"])
