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
    # table event_firsts (etl/derived.py) holds the first event of each combination of the
    # filtered columns: the first of those the filters keep is the pair's first event (earliest
    # date, then smallest id; a struct compares field by field)
    return con.execute(
        f"""
        WITH firsts AS (
            SELECT e.actor_group, e.district_id,
                   min({{'event_date': e.event_date, 'event_id': e.event_id, 'category': e.category,
                         'source_name': e.source_name, 'source_url': e.source_url}}) AS first
            FROM event_firsts e WHERE {where} AND {named} GROUP BY ALL)
        SELECT year(first.event_date) AS year, actor_group, district_id, d.admin2, d.admin1,
               first.event_date AS first_date, first.event_id, first.category, first.source_name,
               first.source_url
        FROM firsts JOIN districts d USING (district_id)
        WHERE first.event_date >= make_date(?, 1, 1) AND first.event_date < make_date(?, 1, 1)
        ORDER BY first_date, actor_group, d.admin2""",
        params + [f.year_from, f.year_to + 1]).df()


def new_district_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per year of the selection. Columns: year, new_districts, districts (their names)."""
    rows = new_districts(con, f)
    ids: dict[int, set] = {}
    names: dict[int, set] = {}
    for year, district_id, name in zip(rows["year"].tolist(), rows["district_id"].tolist(), rows["admin2"].tolist()):
        ids.setdefault(year, set()).add(district_id)
        names.setdefault(year, set()).add(name)
    years = list(range(f.year_from, f.year_to + 1))
    return pd.DataFrame({"year": years, "new_districts": [len(ids.get(y, ())) for y in years],
                         "districts": [", ".join(sorted(names.get(y, ()))) for y in years]})
