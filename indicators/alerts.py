"""Escalation alerts: a district's latest months against its own trailing baseline, in words."""
from __future__ import annotations

import math

import duckdb
import pandas as pd

from indicators.filters import Filters

BASELINE_MONTHS = 36
MIN_EVENTS = 2
P_THRESHOLD = 0.05


def poisson_sf(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    term, cdf = math.exp(-mean), 0.0
    for i in range(k):
        cdf += term
        term *= mean / (i + 1)
    return max(0.0, 1.0 - cdf)


def escalation_alerts(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 50) -> pd.DataFrame:
    """Months in the selected years when a district and actor group had at least MIN_EVENTS events,
    more than in any month of the previous BASELINE_MONTHS months, and improbably many for its
    baseline (Poisson P(X >= count) < P_THRESHOLD). Events dated only to the year are left out.
    Columns: month, district_id, admin2, actor_group, events, baseline_per_month, previous_max,
    p_value, reason. Most recent first."""
    where, params = f.all_time().where("e")
    # each (district, actor group, month) with its trailing window of BASELINE_MONTHS calendar
    # months, computed by DuckDB; Python only scores the few months that beat their maximum
    candidates = con.execute(
        f"""WITH monthly AS (
                SELECT e.district_id, d.admin2, e.actor_group,
                       date_trunc('month', e.event_date)::DATE AS month, count(*) AS events
                FROM events e JOIN districts d USING (district_id)
                WHERE {where} AND e.date_precision <> 'year' AND e.event_date < make_date(?, 1, 1)
                GROUP BY ALL),
            windowed AS (
                SELECT *, coalesce(sum(events) OVER w, 0) AS window_events,
                       coalesce(max(events) OVER w, 0) AS previous_max
                FROM monthly
                WINDOW w AS (PARTITION BY district_id, actor_group ORDER BY month
                             RANGE BETWEEN INTERVAL {BASELINE_MONTHS} MONTH PRECEDING
                                       AND INTERVAL 1 MONTH PRECEDING))
            SELECT * FROM windowed
            WHERE month >= make_date(?, 1, 1) AND events >= ? AND events > previous_max""",
        params + [f.year_to + 1, f.year_from, MIN_EVENTS]).df()
    kind = "events" if len(f.categories) != 1 else f"{f.categories[0].replace('_', ' ')} events"
    rows = []
    for c in candidates.itertuples():
        baseline = c.window_events / BASELINE_MONTHS
        p = poisson_sf(int(c.events), baseline)
        if p < P_THRESHOLD:
            month = pd.Timestamp(c.month)
            rows.append({
                "month": month.date(), "district_id": c.district_id, "admin2": c.admin2,
                "actor_group": c.actor_group, "events": int(c.events),
                "baseline_per_month": round(baseline, 2), "previous_max": int(c.previous_max),
                "p_value": round(p, 4),
                "reason": f"{c.admin2} ({c.actor_group}): {c.events} {kind} in {month:%b %Y}, the "
                          f"highest in {BASELINE_MONTHS // 12} years; baseline {baseline:.1f}/month",
            })
    out = pd.DataFrame(rows, columns=["month", "district_id", "admin2", "actor_group", "events",
                                      "baseline_per_month", "previous_max", "p_value", "reason"])
    return out.sort_values(["month", "events", "district_id", "actor_group"],
                           ascending=[False, False, True, True]).head(limit).reset_index(drop=True)
