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
    monthly = con.execute(
        f"SELECT e.district_id, d.admin2, e.actor_group, date_trunc('month', e.event_date)::DATE AS month, "
        f"count(*) AS events FROM events e JOIN districts d USING (district_id) "
        f"WHERE {where} AND e.date_precision <> 'year' AND e.event_date < make_date(?, 1, 1) "
        f"GROUP BY ALL", params + [f.year_to + 1]).df()
    rows = []
    for (district_id, group), series in monthly.groupby(["district_id", "actor_group"]):
        counts = series.set_index(pd.to_datetime(series["month"]))["events"]
        for month, events in counts.items():
            if month.year < f.year_from or events < MIN_EVENTS:
                continue
            start = month - pd.DateOffset(months=BASELINE_MONTHS)
            window = counts[(counts.index >= start) & (counts.index < month)]
            baseline = window.sum() / BASELINE_MONTHS
            previous_max = int(window.max()) if len(window) else 0
            p = poisson_sf(int(events), baseline)
            if events > previous_max and p < P_THRESHOLD:
                name = series["admin2"].iloc[0]
                kind = "events" if len(f.categories) != 1 else f"{f.categories[0].replace('_', ' ')} events"
                rows.append({
                    "month": month.date(), "district_id": district_id, "admin2": name,
                    "actor_group": group, "events": int(events),
                    "baseline_per_month": round(baseline, 2), "previous_max": previous_max,
                    "p_value": round(p, 4),
                    "reason": f"{name} ({group}): {events} {kind} in {month:%b %Y}, the highest in "
                              f"{BASELINE_MONTHS // 12} years; baseline {baseline:.1f}/month",
                })
    out = pd.DataFrame(rows, columns=["month", "district_id", "admin2", "actor_group", "events",
                                      "baseline_per_month", "previous_max", "p_value", "reason"])
    return out.sort_values(["month", "events"], ascending=False).head(limit).reset_index(drop=True)
