"""The actor lineage: pledges, splits and announcements on a time axis, beside each group's attacks."""
from __future__ import annotations

import duckdb
import pandas as pd

from contract.schema import SIGNAL_CATEGORIES
from indicators.filters import Filters

LINEAGE_CATEGORIES = ("allegiance", "propaganda", "recruitment")


def _signal_filters(f: Filters, categories: tuple[str, ...] = LINEAGE_CATEGORIES) -> Filters:
    from dataclasses import replace

    return replace(f, categories=categories)


def lineage_events(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 2000,
                   categories: tuple[str, ...] = LINEAGE_CATEGORIES) -> pd.DataFrame:
    """Allegiance, propaganda and recruitment events with the filters (their categories are always
    these three), oldest first, at most `limit`. Columns: event_id, event_date, date_precision,
    mid_date (the middle of the month or year when the day is unknown), span_days, category, actor,
    actor_group, location, admin2, description, source_name, source_url, total."""
    where, params = _signal_filters(f, categories).where()
    # event_signals (etl/derived.py) holds every event of the signal categories, with all columns
    if set(categories) <= set(SIGNAL_CATEGORIES):
        table, counted = "event_signals", "count(*) FROM event_signals"
    else:
        table, counted = "events", "coalesce(sum(events), 0) FROM event_cube"
    total = con.execute(f"SELECT {counted} WHERE {where}", params).fetchone()[0]
    frame = con.execute(
        f"SELECT event_id, event_date, date_precision, "
        f"CASE date_precision WHEN 'year' THEN event_date + INTERVAL 182 DAY "
        f"WHEN 'month' THEN event_date + INTERVAL 14 DAY ELSE event_date END::DATE AS mid_date, "
        f"CASE date_precision WHEN 'year' THEN 182 WHEN 'month' THEN 14 ELSE 0 END AS span_days, "
        f"category, actor, actor_group, location, admin2, description, source_name, source_url "
        f"FROM {table} WHERE {where} ORDER BY event_date, event_id LIMIT ?", params + [limit]).df()
    frame["total"] = int(total)
    return frame


def monthly_attacks(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Attacks per group and month (events dated to the day or month). Columns: month,
    actor_group, attacks, fatalities."""
    from dataclasses import replace

    where, params = replace(f, categories=("attack",)).where()
    return con.execute(
        f"SELECT date_trunc('month', event_date)::DATE AS month, actor_group, count(*) AS attacks, "
        f"coalesce(sum({f.deaths}), 0)::BIGINT AS fatalities FROM events "
        f"WHERE {where} AND date_precision <> 'year' GROUP BY ALL ORDER BY month, actor_group",
        params).df()


def milestones(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 40) -> pd.DataFrame:
    """Allegiance events to mark on time axes (pledges and announcements). Columns: mid_date,
    label, date_precision, source_name."""
    frame = lineage_events(con, f, limit=limit, categories=("allegiance",))
    labels = frame["actor"].fillna(frame["actor_group"]).str.slice(0, 60) + ": allegiance / announcement"
    return pd.DataFrame({"mid_date": frame["mid_date"], "label": labels,
                         "date_precision": frame["date_precision"], "source_name": frame["source_name"]})
