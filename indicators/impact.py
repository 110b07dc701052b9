"""Places of different size compared fairly: rates per 100,000 people and a GTI-style impact score."""
from __future__ import annotations

import math

import numpy as np
import duckdb
import pandas as pd

from indicators.filters import Filters
from indicators.library import cube_sql, measure_sql

LEVELS = {"district": "district_id", "province": "admin1"}
GTI_WEIGHTS = (16, 8, 4, 2, 1)  # current year first


def _population(con: duckdb.DuckDBPyConnection, level: str) -> pd.DataFrame:
    """Population 2017 per unit. A province's figure is the sum of its districts, and only when
    every district of it has census data (AJK and Gilgit-Baltistan have none: null)."""
    if level == "district":
        return con.execute("SELECT d.district_id, d.admin2, d.admin1, d.country, p.pop_2017 "
                           "FROM districts d LEFT JOIN population p USING (district_id)").df()
    return con.execute(
        "SELECT d.admin1, d.country, CASE WHEN count(p.pop_2017) = count(*) THEN sum(p.pop_2017) END "
        "AS pop_2017 FROM districts d LEFT JOIN population p USING (district_id) "
        "WHERE d.admin1 IS NOT NULL GROUP BY ALL").df()


def rates(con: duckdb.DuckDBPyConnection, f: Filters, measure: str = "events",
          level: str = "district") -> pd.DataFrame:
    """One row per district or province of the layer (inside the area filters). Columns: the
    unit's key and names, value (the measure over the selected years), pop_2017, per_100k
    (value / pop_2017 x 100,000; null = no population data, never 0 or infinity)."""
    key = LEVELS[level]
    where, params = f.where()
    cube = cube_sql(measure, f)
    counts = con.execute(f"SELECT {key}, {cube or measure_sql(measure, f)} AS value "
                         f"FROM {'event_cube' if cube else 'events'} "
                         f"WHERE {where} AND {key} IS NOT NULL GROUP BY 1", params).df()
    units = _population(con, level)
    for column, values in (("country", f.countries), ("admin1", f.provinces)):
        if values:
            units = units[units[column].isin(values)]
    if f.districts and level == "district":
        units = units[units["district_id"].isin(f.districts)]
    out = units.merge(counts, on=key, how="left")
    out["value"] = out["value"].fillna(0).astype(float)
    out["pop_2017"] = out["pop_2017"].astype(float)
    out["per_100k"] = (out["value"] / out["pop_2017"] * 100_000).where(out["pop_2017"] > 0).round(3)
    return out.sort_values(["per_100k", "value"], ascending=False, na_position="last").reset_index(drop=True)


def gti_band(weighted: float, reference_max: float) -> float:
    """Logarithmic banding to 0-10 in half points: 10 x ln(1 + W) / ln(1 + W_max), rounded down to
    the half point; 0 when there was no impact."""
    if weighted <= 0 or reference_max <= 0:
        return 0.0
    return min(10.0, math.floor(20 * math.log1p(weighted) / math.log1p(reference_max)) / 2)


def _raw_scores(con, f: Filters, level: str) -> pd.DataFrame:
    key = LEVELS[level]
    where, params = f.where()
    return con.execute(
        f"SELECT {key} AS unit, year(event_date) AS year, "
        f"sum(events) + 3 * coalesce(sum({f.deaths}), 0) + 0.5 * coalesce(sum({f.hurt}), 0) AS raw "
        f"FROM event_cube WHERE {where} AND category = 'attack' AND {key} IS NOT NULL GROUP BY ALL",
        params).df()


def _weighted(raw: pd.DataFrame, years: range, units: list | None = None) -> pd.DataFrame:
    table = raw.groupby(["unit", "year"])["raw"].sum().unstack(fill_value=0)  # pivot_table is slower
    if units is not None:
        table = table.reindex(sorted(set(table.index) | set(units)), fill_value=0)
    years = list(years)
    if not years:
        return pd.DataFrame(columns=["unit", "year", "weighted"])
    first = years[0] - len(GTI_WEIGHTS) + 1
    values = table.reindex(columns=range(first, years[-1] + 1), fill_value=0).to_numpy(dtype=float)
    weighted = np.zeros((len(table), len(years)))
    for i, year in enumerate(years):
        for k, w in enumerate(GTI_WEIGHTS):  # this year first, then the four before
            weighted[:, i] += w * values[:, year - first - k]
    return pd.DataFrame({"unit": np.tile(table.index.to_numpy(), len(years)),
                         "year": np.repeat(years, len(table)), "weighted": weighted.T.ravel()})


def gti_style(con: duckdb.DuckDBPyConnection, f: Filters, level: str = "province") -> pd.DataFrame:
    """GTI-style impact score per province or district and year (an approximation of IEP's
    method, not IEP's index). Columns: unit, year, raw (that year's 1 x incidents + 3 x fatalities
    + 0.5 x injuries, attacks only), weighted (16/8/4/2/1 over the five years ending that year),
    score (0-10 in half points, banded against the highest weighted score of any unit of that
    level in any year, so scores compare across years and selections)."""
    raw = _raw_scores(con, f.all_time(), level)
    reference = _raw_scores(con, Filters(1900, 2999, categories=("attack",)), level)
    all_years = range(int(reference["year"].min()), int(reference["year"].max()) + 1) if len(reference) else range(0)
    reference_max = float(_weighted(reference, all_years)["weighted"].max()) if len(reference) else 0.0
    key = LEVELS[level]
    units = [u for (u,) in con.execute(f"SELECT DISTINCT {key} FROM districts WHERE {key} IS NOT NULL "
                                        "AND (country IN (SELECT UNNEST(?)) OR len(?) = 0)",
                                        [list(f.countries), list(f.countries)]).fetchall()]
    if level == "province" and f.provinces:
        units = [u for u in units if u in f.provinces]
    if level == "district" and f.districts:
        units = [u for u in units if u in f.districts]
    out = _weighted(raw, range(f.year_from, f.year_to + 1), units)
    out = out.merge(raw, on=["unit", "year"], how="left").fillna({"raw": 0})
    out["score"] = out["weighted"].map(lambda w: gti_band(w, reference_max))
    if level == "district":
        names = con.execute("SELECT district_id AS unit, admin2, admin1 FROM districts").df()
        out = out.merge(names, on="unit", how="left")
    out.attrs["reference_max"] = reference_max
    return out.sort_values(["year", "score", "unit"], ascending=[True, False, True]).reset_index(drop=True)


def gti_table(con: duckdb.DuckDBPyConnection, f: Filters, level: str = "province") -> pd.DataFrame:
    """GTI-style scores as a table: one row per unit, one column per selected year (the latest
    year's highest first)."""
    scores = gti_style(con, f, level)
    if scores.empty:
        return pd.DataFrame(columns=["unit"])
    names = "admin2" if level == "district" else "unit"
    table = scores.groupby([names, "year"])["score"].mean().unstack().reset_index()
    table.columns = [str(c) for c in table.columns]
    return table.sort_values([str(f.year_to), names], ascending=[False, True]).reset_index(drop=True)
