"""Is the network spreading? Diffusion (districts with activity) and new districts per actor group."""
from __future__ import annotations

import duckdb
import pandas as pd

from indicators.filters import Filters
from indicators.library import measure_by


def district_count(con: duckdb.DuckDBPyConnection, f: Filters) -> int:
    """Districts of the boundary layer inside the selected countries / provinces / districts."""
    clauses, params = ["TRUE"], []
    for column, values in (("country", f.countries), ("admin1", f.provinces), ("district_id", f.districts)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params += list(values)
    return con.execute(f"SELECT count(*) FROM districts WHERE {' AND '.join(clauses)}", params).fetchone()[0]


def diffusion(con: duckdb.DuckDBPyConnection, f: Filters, period: str = "year") -> pd.DataFrame:
    """One row per period. Columns: period, active_districts (districts with >= 1 event),
    districts (districts in the selected area), share_pct."""
    frame = measure_by(con, f, "active_districts", (period,)).rename(columns={"value": "active_districts"})
    total = district_count(con, f)
    frame["districts"] = total
    frame["share_pct"] = (100 * frame["active_districts"] / total).round(1) if total else None
    return frame


def new_districts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """The first event ever of each named actor group in each district, where that first event falls
    in the selected years (the expansion indicator). 'Ever' honours every filter but the years.
    Columns: year, actor_group, district_id, admin2, admin1, first_date, event_id, category,
    source_name, source_url."""
    where, params = f.all_time().where("e")
    named = "e.district_id IS NOT NULL AND e.actor_group NOT IN ('Unknown', 'Other')"
    # the first day of each pair over three narrow columns, then the first event of that day
    # (smallest id, with its details: a struct compares field by field)
    return con.execute(
        f"""
        WITH firsts AS (
            SELECT e.actor_group, e.district_id, min(e.event_date) AS first_date
            FROM events e WHERE {where} AND {named} GROUP BY ALL
            HAVING min(e.event_date) >= make_date(?, 1, 1) AND min(e.event_date) < make_date(?, 1, 1)),
        chosen AS (
            SELECT f.actor_group, f.district_id, f.first_date,
                   min({{'event_id': e.event_id, 'category': e.category,
                         'source_name': e.source_name, 'source_url': e.source_url}}) AS first
            FROM firsts f JOIN events e ON e.actor_group = f.actor_group
                 AND e.district_id = f.district_id AND e.event_date = f.first_date
            WHERE {where} AND {named} GROUP BY ALL)
        SELECT year(first_date) AS year, actor_group, district_id, d.admin2, d.admin1, first_date,
               first.event_id, first.category, first.source_name, first.source_url
        FROM chosen JOIN districts d USING (district_id)
        ORDER BY first_date, actor_group, d.admin2""",
        params + [f.year_from, f.year_to + 1] + params).df()


def new_district_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per year of the selection. Columns: year, new_districts, districts (their names)."""
    rows = new_districts(con, f)
    years = pd.DataFrame({"year": range(f.year_from, f.year_to + 1)})
    grouped = rows.groupby("year").agg(new_districts=("district_id", "nunique"),
                                       districts=("admin2", lambda s: ", ".join(sorted(set(s)))))
    out = years.merge(grouped, on="year", how="left")
    out["new_districts"] = out["new_districts"].fillna(0).astype(int)
    out["districts"] = out["districts"].fillna("")
    return out
