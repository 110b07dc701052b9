"""Escalation alerts: a district's latest months against its own trailing baseline, in words."""
from __future__ import annotations


import duckdb
import numpy as np
import pandas as pd

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


def _scored(con, where: str, params: list, year_from: int, year_to: int) -> pd.DataFrame:
    """The alerts of the months of year_from..year_to: each (district, actor group, month) with
    its trailing window of BASELINE_MONTHS calendar months (DuckDB), then the Poisson test."""
    candidates = con.execute(
        f"""WITH monthly AS (
                SELECT e.district_id, e.actor_group,
                       date_trunc('month', e.event_date)::DATE AS month, count(*) AS events
                FROM events e
                WHERE {where} AND e.district_id IS NOT NULL AND e.date_precision <> 'year'
                  AND e.event_date < make_date(?, 1, 1)
                  AND e.event_date >= make_date(?, 1, 1) - INTERVAL {BASELINE_MONTHS} MONTH
                GROUP BY ALL),
            windowed AS (
                SELECT *, coalesce(sum(events) OVER w, 0) AS window_events,
                       coalesce(max(events) OVER w, 0) AS previous_max
                FROM monthly
                WINDOW w AS (PARTITION BY district_id, actor_group ORDER BY month
                             RANGE BETWEEN INTERVAL {BASELINE_MONTHS} MONTH PRECEDING
                                       AND INTERVAL 1 MONTH PRECEDING))
            SELECT w.*, d.admin2 FROM windowed w JOIN districts d USING (district_id)
            WHERE month >= make_date(?, 1, 1) AND events >= ? AND events > previous_max""",
        params + [year_to + 1, year_from, year_from, MIN_EVENTS]).df()
    candidates["baseline"] = candidates["window_events"] / BASELINE_MONTHS
    candidates["p"] = poisson_sf_many(candidates["events"].to_numpy(), candidates["baseline"].to_numpy())
    return candidates[candidates["p"] < P_THRESHOLD]


def escalation_alerts(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 50) -> pd.DataFrame:
    """Months in the selected years when a district and actor group had at least MIN_EVENTS events,
    more than in any month of the previous BASELINE_MONTHS months, and improbably many for its
    baseline (Poisson P(X >= count) < P_THRESHOLD). Events dated only to the year are left out.
    Columns: month, district_id, admin2, actor_group, events, baseline_per_month, previous_max,
    p_value, reason. Most recent first."""
    where, params = f.all_time().where("e")
    # Most recent first and at most `limit`: score the last year of the selection, then, while
    # fewer than `limit` alerts are found, the years before it in spans of 2, 4, 8, ... years
    # (each reads only its years and the 36 months before them); earlier months could not rank
    # higher.
    found, last, span = [], f.year_to, 1
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
