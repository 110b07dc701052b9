"""Indicators of the Overview page: pure queries (connection, Filters) -> DataFrame."""
from __future__ import annotations

import duckdb
import pandas as pd

from contract import schema
from contract.schema import ACTOR_KINDS
from indicators import library
from indicators.filters import Filters

PERIODS = {"month": "month", "quarter": "quarter", "year": "year"}


def warehouse_version(con: duckdb.DuckDBPyConnection) -> str:
    """Short hash of the warehouse's input files (changes whenever a rebuild changes inputs)."""
    return con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0]


def warehouse_layout(con: duckdb.DuckDBPyConnection) -> str | None:
    """The layout the warehouse was built with (contract.schema.WAREHOUSE_LAYOUT of its build)."""
    found = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return found[0] if found else None


def filter_options(con: duckdb.DuckDBPyConnection) -> dict:
    """Values the sidebar offers: year range, countries, provinces, districts, categories,
    actor kinds, actor groups, datasets."""
    lo, hi = con.execute("SELECT min(year(event_date)), max(year(event_date)) FROM events").fetchone()
    provinces = con.execute("SELECT admin1 FROM events WHERE admin1 IS NOT NULL UNION "
                            "SELECT admin1 FROM provinces WHERE admin1 IS NOT NULL "
                            "ORDER BY admin1").df()["admin1"].tolist()  # every province of the map
    districts = con.execute(
        "SELECT d.district_id, d.admin2, d.admin1, d.country, count(e.event_id) AS events "
        "FROM districts d LEFT JOIN events e USING (district_id) "
        "GROUP BY ALL ORDER BY d.country DESC, d.admin2").df()
    return {
        "years": (int(lo), int(hi)),
        "countries": con.execute("SELECT DISTINCT country FROM events ORDER BY country DESC").df()["country"].tolist(),
        "provinces": provinces,
        "districts": districts,
        "categories": con.execute("SELECT category FROM categories").df()["category"].tolist(),
        "actor_kinds": [k for k in ACTOR_KINDS if k in set(
            con.execute("SELECT DISTINCT kind FROM actor_kinds").df()["kind"])],
        "actor_groups": con.execute("SELECT actor_group FROM events GROUP BY 1 ORDER BY count(*) DESC, 1")
        .df()["actor_group"].tolist(),
        "datasets": con.execute("SELECT DISTINCT dataset FROM events ORDER BY 1").df()["dataset"].tolist(),
    }


def kpis(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per period ('current', 'previous': the period of equal length just before).
    Columns: period, events, fatalities, injured, districts_affected.
    fatalities and injured sum the known figures (each source's headline figure; a cluster of
    probable duplicates with the best figures of its members); unknown counts add nothing."""
    rows = []
    for label, filters in (("current", f), ("previous", f.previous())):
        where, params = filters.where()
        events, fatalities, injured, districts = con.execute(
            f"SELECT coalesce(sum(events), 0), coalesce(sum({f.deaths}), 0), coalesce(sum({f.hurt}), 0), "
            f"count(DISTINCT district_id) FROM event_cube WHERE {where}", params).fetchone()
        rows.append({"period": label, "events": events, "fatalities": round(fatalities),
                     "injured": round(injured), "districts_affected": districts})
    return pd.DataFrame(rows)


def scope_counts(con: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, int]:
    """The headline's parts for the filters' years: militant violence (events of the categories
    attack and armed_clash), attacks, armed clashes and weak signals (the signal categories), each
    within the filters (their categories and actor kinds), counted in event_cube."""
    where, params = f.where()
    signals = ", ".join("?" * len(schema.SIGNAL_CATEGORIES))
    row = con.execute(
        f"SELECT coalesce(sum(events) FILTER (WHERE category = 'attack'), 0), "
        f"coalesce(sum(events) FILTER (WHERE category = 'armed_clash'), 0), "
        f"coalesce(sum(events) FILTER (WHERE category IN ({signals})), 0) "
        f"FROM event_cube WHERE {where}", list(schema.SIGNAL_CATEGORIES) + params).fetchone()
    attacks, clashes, signals_n = (int(v) for v in row)
    return {"militant_violence": attacks + clashes, "attacks": attacks, "clashes": clashes,
            "signals": signals_n}


def trend(con: duckdb.DuckDBPyConnection, f: Filters, period: str = "year") -> pd.DataFrame:
    """One row per (period_start, category) with at least one event.
    Columns: period_start (DATE), category, events, fatalities. By month or quarter, events dated
    only to the year are left out (as on the Trends page, see library.placeable) and counted in
    `frame.attrs["left_out_imprecise"]`."""
    unit = PERIODS[period]  # a fixed word from PERIODS, never user text
    where, params = f.where()
    where, left_out = library.placeable(con, where, params, unit)
    table, count = ("event_cube", "sum(events)") if unit == "year" else ("events", "count(*)")
    frame = con.execute(
        f"SELECT date_trunc('{unit}', event_date)::DATE AS period_start, category, "
        f"{count}::BIGINT AS events, coalesce(sum({f.deaths}), 0)::BIGINT AS fatalities "
        f"FROM {table} WHERE {where} GROUP BY ALL ORDER BY period_start, category", params).df()
    frame.attrs["left_out_imprecise"] = left_out
    return frame


def unplaced(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Events known only to a province or the country (no district). Columns: geo_precision,
    area (province or country), events."""
    where, params = f.where()
    # counted in event_unmapped (etl/derived.py), which holds every event without a district
    table, count = ("event_unmapped", "sum(events)::BIGINT") if library.yearly(f) else ("events", "count(*)")
    return con.execute(
        f"SELECT geo_precision, coalesce(admin1, country) AS area, {count} AS events "
        f"FROM {table} WHERE district_id IS NULL AND {where} GROUP BY ALL ORDER BY events DESC, area",
        params).df()


def event_points(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Events with a point (source coordinates or a gazetteer town), the deadliest first, at most
    `limit` (the maps of the Overview and the Map page). Columns: event_id, district_id, event_date,
    latitude, longitude, category, location, admin2, place (location, else the smallest area
    known), actor_group, actor (as reported, else the group), fatalities, source_name, total
    (points before the limit)."""
    where, params = f.where()
    total, everywhere = con.execute(
        f"SELECT coalesce(sum(events) FILTER (WHERE {where}), 0), coalesce(sum(events), 0) "
        f"FROM event_cube WHERE has_point", params).fetchone()
    sql = (f"SELECT event_id, district_id, event_date, latitude, longitude, category, location, admin2, "
           f"coalesce(location, admin2, admin1, country) AS place, actor_group, "
           f"coalesce(actor, actor_group) AS actor, fatalities, source_name "
           f"FROM events WHERE latitude IS NOT NULL AND {where} {{}}"
           f"ORDER BY points_rank LIMIT ?")  # = fatalities DESC NULLS LAST, event_date DESC, event_id
    points = None
    if total > limit:
        # the first `limit` matches by rank lie, on average, within the first limit / share
        # ranks: reading only those (with a margin) spares carrying every match to the sort;
        # when the guess falls short the whole query below decides
        bound = int(limit * everywhere / total * 1.3) + 100
        points = con.execute(sql.format("AND points_rank <= ? "), params + [bound, limit]).df()
    if points is None or len(points) < min(limit, total):
        points = con.execute(sql.format(""), params + [limit]).df()
    points["total"] = int(total)
    return points


def recent_events(con: duckdb.DuckDBPyConnection, f: Filters, limit: int = 10) -> pd.DataFrame:
    """The latest events with their sources. Columns: event_date, date_precision, category,
    location, admin2, admin1, actor, fatalities, injured, description, source_name, source_url,
    event_id."""
    where, params = f.where()
    bound, bound_params = library.date_bound(con, f, limit)
    return con.execute(
        f"SELECT event_date, date_precision, category, location, admin2, admin1, actor, fatalities, "
        f"injured, description, source_name, source_url, event_id FROM events WHERE {where} AND {bound} "
        f"ORDER BY event_date DESC, event_id LIMIT ?", params + bound_params + [limit]).df()


def dataset_names(con: duckdb.DuckDBPyConnection, f: Filters) -> list[str]:
    """Titles of the datasets behind the filtered events (for source lines)."""
    where, params = f.where()
    return con.execute(
        f"SELECT DISTINCT s.short_name FROM sources s JOIN (SELECT DISTINCT source_file FROM event_cube "
        f"WHERE {where}) e ON e.source_file = s.file ORDER BY 1", params).df()["short_name"].tolist()


def filtered_events(con: duckdb.DuckDBPyConnection, f: Filters, limit: int | None = None) -> pd.DataFrame:
    """The filtered events with every schema column, newest first (for data downloads)."""
    where, params = f.where()
    sql = (f"SELECT {', '.join(schema.COLUMN_NAMES)} FROM events WHERE {where} "
           f"ORDER BY event_date DESC, event_id")
    if limit is not None:
        sql += " LIMIT ?"
        params = params + [limit]
    return con.execute(sql, params).df()
