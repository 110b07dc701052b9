"""Indicators of the Map page: values per district or province, the outlines to draw them on,
incident points, spread over time, and the profile of one area. Pure queries (connection,
Filters) -> DataFrame.

Levels: 'district' (table `districts`, events joined by district_id) and 'province' (table
`provinces`, made at build time; events joined by country and admin1, or by country alone where
the country has no province layer). An event known only to a province counts on the province map
but not on the district map; one known only to the country counts on neither; the `not_on_map`
indicator lists them, `unplaced_by_year` and `unplaced_sentence` say per year how many are known
only to their country.
"""
from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from indicators import library
from contract.schema import COUNTRY_NAMES
from indicators.filters import Filters

LEVELS = ("district", "province")
METRICS = {
    "events": "filtered events",
    "fatalities": "people killed (known tolls, the sources' own figures)",
    "signals": "filtered events that are propaganda, allegiance or recruitment (weak signals)",
}
# The join of events to each level's units, and the unit's columns (fixed SQL, never user text).
_JOIN = {
    "district": ("districts u ON u.district_id = e.district_id",
                 "u.district_id AS unit_id, u.admin2 AS name, coalesce(u.admin1, u.country) AS parent, u.country"),
    "province": ("provinces u ON u.country = e.country AND (u.admin1 IS NULL OR u.admin1 = e.admin1)",
                 "u.province_id AS unit_id, u.name, u.country AS parent, u.country"),
}
_KEYS = {"district": "district_id", "province": "country, admin1"}  # what each level's join reads
_SIGNALS = f"e.category IN ({library.SIGNAL_LIST})"
TOP_COLUMNS = ("actor_group", "category")


def _level(level: str) -> tuple[str, str]:
    if level not in _JOIN:
        raise ValueError(f"level={level!r}: expected one of {', '.join(LEVELS)}")
    return _JOIN[level]


def area_values(con: duckdb.DuckDBPyConnection, f: Filters, level: str = "district") -> pd.DataFrame:
    """One row per district (or province) with at least one filtered event.
    Columns: unit_id, name, parent (province or country), country, events, fatalities, signals."""
    join, columns = _level(level)
    where, params = f.where("e")
    # the cube summed per join key first (a few hundred rows), then joined to the units
    return con.execute(
        f"WITH e AS (SELECT {_KEYS[level]}, sum(e.events) AS events, sum(e.{f.deaths}) AS deaths, "
        f"sum(e.events) FILTER (WHERE {_SIGNALS}) AS signals FROM event_cube e WHERE {where} GROUP BY ALL) "
        f"SELECT {columns}, sum(e.events)::BIGINT AS events, coalesce(sum(e.deaths), 0)::BIGINT AS fatalities, "
        f"coalesce(sum(e.signals), 0)::BIGINT AS signals FROM e JOIN {join} "
        f"GROUP BY ALL ORDER BY events DESC, name", params).df()


def area_shapes(con: duckdb.DuckDBPyConnection, level: str = "district") -> pd.DataFrame:
    """Every unit of the level with its simplified outline. Columns: unit_id, name, parent,
    country, geojson."""
    _level(level)
    if level == "district":
        sql = ("SELECT district_id AS unit_id, admin2 AS name, coalesce(admin1, country) AS parent, "
               "country, display_geojson AS geojson FROM districts ORDER BY country DESC, name")
    else:
        sql = ("SELECT province_id AS unit_id, name, country AS parent, country, "
               "display_geojson AS geojson FROM provinces ORDER BY country DESC, name")
    return con.execute(sql).df()


def not_on_map(con: duckdb.DuckDBPyConnection, f: Filters, level: str = "district") -> pd.DataFrame:
    """Filtered events that have no unit at this level (known only to a province or the country,
    or a province the layer does not have). Columns: geo_precision, area, events."""
    join, _ = _level(level)
    where, params = f.where("e")
    # the events without a district or a province of the layers are counted in event_unmapped
    table, count = ("event_unmapped", "sum(e.events)::BIGINT") if library.yearly(f) else ("events", "count(*)")
    return con.execute(
        f"SELECT e.geo_precision, coalesce(e.admin1, e.country) AS area, {count} AS events "
        f"FROM {table} e LEFT JOIN {join} WHERE u.country IS NULL AND {where} "
        f"GROUP BY ALL ORDER BY events DESC, area", params).df()


def unplaced_by_year(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """Filtered events known only to their country (no district, no province: on neither map
    level, such as every event of the 7-column UCDP Candidate file for 2025), per year and
    country. Columns: year, country, events; by year, Pakistan before Afghanistan."""
    where, params = f.where()
    # counted in event_unmapped (etl/derived.py), which holds every event without a district
    table, count = ("event_unmapped", "sum(events)::BIGINT") if library.yearly(f) else ("events", "count(*)")
    return con.execute(
        f"SELECT year(event_date)::INTEGER AS year, country, {count} AS events FROM {table} "
        f"WHERE district_id IS NULL AND admin1 IS NULL AND {where} "
        f"GROUP BY ALL ORDER BY year, country DESC", params).df()


def unplaced_sentence(frame: pd.DataFrame, most: int = 3) -> str:
    """`unplaced_by_year`'s rows in words, for a caption under a map: '2025: 1,132 events in
    Pakistan and 160 in Afghanistan known only to the country, not on the map.' The `most` years
    with the most such events are named, the most first (it with the whole phrase, the others as
    '2026: 6 in Afghanistan'), the others summed ('12 more in 6 other years'); '' when there
    are none."""
    frame = frame[frame["events"] > 0]
    if not len(frame):
        return ""
    totals = frame.groupby("year")["events"].sum()
    named = list(totals.sort_values(ascending=False, kind="stable").index[:most])
    parts = []
    for year in named:
        rows = frame[frame["year"] == year]
        counts = [f"{int(n):,} in {COUNTRY_NAMES.get(c, c)}" for c, n in zip(rows["country"], rows["events"])]
        if not parts:
            first = int(rows["events"].iloc[0])
            counts[0] = counts[0].replace(" in ", " event in " if first == 1 else " events in ", 1)
            counts[-1] += " known only to the country, not on the map"
        parts.append(f"{year}: {' and '.join(counts)}")
    rest = totals.drop(named)
    if len(rest):
        years = "another year" if len(rest) == 1 else f"{len(rest)} other years"
        parts.append(f"{int(rest.sum()):,} more in {years}")
    return "; ".join(parts) + "."


def spread(con: duckdb.DuckDBPyConnection, f: Filters) -> pd.DataFrame:
    """One row per year of the filter range (years without events too). Columns: year, events,
    districts_affected, provinces_affected (distinct province names among events with one)."""
    where, params = f.where()
    return con.execute(
        f"WITH years AS (SELECT range::INTEGER AS year FROM range(?, ?)), "
        f"counts AS (SELECT year(event_date) AS year, sum(events)::BIGINT AS events, "
        f"count(DISTINCT district_id) AS districts_affected, "
        f"count(DISTINCT country || coalesce(admin1, '')) FILTER (WHERE admin1 IS NOT NULL) "
        f"AS provinces_affected FROM event_cube WHERE {where} GROUP BY 1) "
        f"SELECT y.year, coalesce(c.events, 0) AS events, "
        f"coalesce(c.districts_affected, 0) AS districts_affected, "
        f"coalesce(c.provinces_affected, 0) AS provinces_affected "
        f"FROM years y LEFT JOIN counts c USING (year) ORDER BY y.year",
        [f.year_from, f.year_to + 1] + params).df()


def narrow(f: Filters, level: str, unit: dict) -> Filters:
    """The filters of one unit (a row of area_shapes): its district, or its province (by country
    and admin1), or its whole country where the country has no province layer."""
    _level(level)
    if level == "district":
        return replace(f, districts=(unit["unit_id"],))
    if unit["unit_id"] == unit["country"]:  # a country-wide unit: no province layer
        return replace(f, countries=(unit["country"],))
    return replace(f, countries=(unit["country"],), provinces=(unit["name"],))


def top_values(con: duckdb.DuckDBPyConnection, f: Filters, column: str, limit: int = 10) -> pd.DataFrame:
    """The commonest values of `column` (actor_group or category) among the filtered events.
    Columns: value, events, fatalities."""
    if column not in TOP_COLUMNS:
        raise ValueError(f"column={column!r}: expected one of {', '.join(TOP_COLUMNS)}")
    where, params = f.where()
    return con.execute(
        f"SELECT {column} AS value, count(*) AS events, coalesce(sum({f.deaths}), 0)::BIGINT AS fatalities "
        f"FROM events WHERE {where} GROUP BY 1 ORDER BY events DESC, value LIMIT ?",
        params + [limit]).df()
