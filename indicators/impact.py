"""Places of different size compared fairly: rates per 100,000 people and a GTI-style impact score."""
from __future__ import annotations

import numpy as np
import duckdb
import pandas as pd

from indicators.filters import Filters
from indicators.library import cube_sql, measure_sql

LEVELS = {"district": "district_id", "province": "admin1"}
GTI_WEIGHTS = (16, 8, 4, 2, 1)  # current year first


def _units(level: str) -> str:
    """SQL: population 2017 per unit. A province's figure is the sum of its districts, and only
    when every district of it has census data (AJK and Gilgit-Baltistan have none: null)."""
    if level == "district":
        return ("SELECT d.district_id, d.admin2, d.admin1, d.country, p.pop_2017 "
                "FROM districts d LEFT JOIN population p USING (district_id)")
    return ("SELECT d.admin1, d.country, CASE WHEN count(p.pop_2017) = count(*) THEN sum(p.pop_2017) END "
            "AS pop_2017 FROM districts d LEFT JOIN population p USING (district_id) "
            "WHERE d.admin1 IS NOT NULL GROUP BY ALL")


def rates(con: duckdb.DuckDBPyConnection, f: Filters, measure: str = "events",
          level: str = "district") -> pd.DataFrame:
    """One row per district or province of the layer (inside the area filters). Columns: the
    unit's key and names, pop_2017, value (the measure over the selected years), per_100k
    (value / pop_2017 x 100,000; null = no population data, never 0 or infinity)."""
    key = LEVELS[level]
    where, params = f.where()
    cube = cube_sql(measure, f)
    area, area_params = [], []
    for column, values in (("country", f.countries), ("admin1", f.provinces),
                           ("district_id", f.districts if level == "district" else ())):
        if values:  # fixed column names, never user text
            area.append(f"u.{column} IN ({', '.join('?' * len(values))})")
            area_params += list(values)
    # the units and their counts joined in DuckDB (a pandas merge on text keys cost more)
    out = con.execute(
        f"WITH counts AS (SELECT {key}, {cube or measure_sql(measure, f)} AS value "
        f"FROM {'event_cube' if cube else 'events'} WHERE {where} AND {key} IS NOT NULL GROUP BY 1) "
        f"SELECT u.*, coalesce(c.value, 0)::DOUBLE AS value FROM ({_units(level)}) u "
        f"LEFT JOIN counts c USING ({key}) WHERE {' AND '.join(area) or 'TRUE'}",
        params + area_params).df()
    out["pop_2017"] = out["pop_2017"].astype(float)
    out["per_100k"] = (out["value"] / out["pop_2017"] * 100_000).where(out["pop_2017"] > 0).round(3)
    return out.sort_values(["per_100k", "value", key], ascending=[False, False, True],
                           na_position="last").reset_index(drop=True)


def gti_band(weighted: float, reference_max: float) -> float:
    """Logarithmic banding to 0-10 in half points: 10 x ln(1 + W) / ln(1 + W_max), rounded down to
    the half point; 0 when there was no impact."""
    return float(_bands(np.array([weighted], dtype=float), reference_max)[0])


def _bands(weighted: np.ndarray, reference_max: float) -> np.ndarray:
    """gti_band of every element."""
    if reference_max <= 0:
        return np.zeros(weighted.shape)
    score = np.minimum(10.0, np.floor(20 * np.log1p(np.maximum(weighted, 0)) / np.log1p(reference_max)) / 2)
    return np.where(weighted > 0, score, 0.0)


def _raw_scores(con, f: Filters, level: str) -> dict[str, np.ndarray]:
    """Each unit's raw score per year with the filters: arrays names (the units, sorted), codes
    (each row's unit, a position in names), year, raw."""
    key = LEVELS[level]
    where, params = f.where()
    found = con.execute(
        f"SELECT {key} AS unit, year(event_date) AS year, "
        f"sum(events) + 3 * coalesce(sum({f.deaths}), 0) + 0.5 * coalesce(sum({f.hurt}), 0) AS raw "
        f"FROM event_cube WHERE {where} AND category = 'attack' AND {key} IS NOT NULL GROUP BY ALL",
        params).fetchnumpy()
    names, codes = np.unique(np.asarray(found["unit"], dtype=object), return_inverse=True)
    return {"names": names, "codes": codes.reshape(-1), "year": np.asarray(found["year"], dtype=np.int64),
            "raw": np.asarray(found["raw"], dtype=float)}


def gti_reference(con: duckdb.DuckDBPyConnection, level: str = "province") -> float:
    """The highest weighted score of any unit of the level in any year, over all attacks: what
    every GTI-style score is banded against (the same for every filter, so the dashboard computes
    it once per warehouse)."""
    found = _raw_scores(con, Filters(1900, 2999, categories=("attack",)), level)
    if not len(found["year"]):
        return 0.0
    span = range(int(found["year"].min()), int(found["year"].max()) + 1)
    return float(_weighted(found["codes"], found["year"], found["raw"], len(found["names"]), span).max())


def _weighted(codes: np.ndarray, year: np.ndarray, raw: np.ndarray, units: int, years: range) -> np.ndarray:
    """The weighted score (16/8/4/2/1 over the five years ending each year) of `units` units
    (rows) for `years` (columns), from raw scores per unit code and year."""
    if not len(years):
        return np.zeros((units, 0))
    first = years.start - len(GTI_WEIGHTS) + 1
    values = np.zeros((units, years.stop - first))
    inside = (year >= first) & (year < years.stop)
    np.add.at(values, (codes[inside], year[inside] - first), raw[inside])
    lag0 = len(GTI_WEIGHTS) - 1
    return sum(w * values[:, lag0 - k:lag0 - k + len(years)] for k, w in enumerate(GTI_WEIGHTS))


def _scores(con, f: Filters, level: str, reference_max: float | None):
    """(units, years, raw, weighted, score, reference_max): the tables (a row per unit, a column
    per selected year) behind gti_style, and the maximum they are banded against."""
    if reference_max is None:
        reference_max = gti_reference(con, level)
    found = _raw_scores(con, f.all_time(), level)
    key = LEVELS[level]
    units = {u for (u,) in con.execute(f"SELECT DISTINCT {key} FROM districts WHERE {key} IS NOT NULL "
                                       "AND (country IN (SELECT UNNEST(?)) OR len(?) = 0)",
                                       [list(f.countries), list(f.countries)]).fetchall()}
    if level == "province" and f.provinces:
        units = {u for u in units if u in f.provinces}
    if level == "district" and f.districts:
        units = {u for u in units if u in f.districts}
    shown = np.array(sorted(units | set(found["names"])), dtype=object)
    codes = np.searchsorted(shown, found["names"])[found["codes"]]  # re-coded to the units shown
    year, raw, years = found["year"], found["raw"], range(f.year_from, f.year_to + 1)
    weighted = _weighted(codes, year, raw, len(shown), years)
    raw_table = np.zeros(weighted.shape)
    inside = (year >= years.start) & (year < years.stop)
    raw_table[codes[inside], year[inside] - years.start] = raw[inside]
    return shown, years, raw_table, weighted, _bands(weighted, reference_max), reference_max


def gti_style(con: duckdb.DuckDBPyConnection, f: Filters, level: str = "province",
              reference_max: float | None = None) -> pd.DataFrame:
    """GTI-style impact score per province or district and year (an approximation of IEP's
    method, not IEP's index). Columns: unit, year, raw (that year's 1 x incidents + 3 x fatalities
    + 0.5 x injuries, attacks only), weighted (16/8/4/2/1 over the five years ending that year),
    score (0-10 in half points, banded against the highest weighted score of any unit of that
    level in any year, gti_reference, so scores compare across years and selections)."""
    shown, years, raw, weighted, score, reference_max = _scores(con, f, level, reference_max)
    out = pd.DataFrame({"unit": np.tile(shown, len(years)), "year": np.repeat(np.array(years, dtype=np.int64), len(shown)),
                        "weighted": weighted.T.ravel(), "raw": raw.T.ravel(), "score": score.T.ravel()})
    if level == "district":
        names = con.execute("SELECT district_id AS unit, admin2, admin1 FROM districts").df()
        out = out.merge(names, on="unit", how="left")
    out.attrs["reference_max"] = reference_max
    return out.sort_values(["year", "score", "unit"], ascending=[True, False, True]).reset_index(drop=True)


def gti_table(con: duckdb.DuckDBPyConnection, f: Filters, level: str = "province",
              reference_max: float | None = None) -> pd.DataFrame:
    """GTI-style scores as a table: one row per unit (a district by its name), one column per
    selected year (the latest year's highest first)."""
    if level == "district":
        scores = gti_style(con, f, level, reference_max)
        if scores.empty:
            return pd.DataFrame(columns=["unit"])
        table = scores.groupby(["admin2", "year"])["score"].mean().unstack().reset_index()
        names = "admin2"
    else:
        shown, years, _, _, score, _ = _scores(con, f, level, reference_max)
        if not len(shown) or not len(years):
            return pd.DataFrame(columns=["unit"])
        table = pd.DataFrame(score, columns=list(years)).assign(unit=shown)[["unit", *years]]
        names = "unit"
    table.columns = [str(c) for c in table.columns]
    return table.sort_values([str(f.year_to), names], ascending=[False, True]).reset_index(drop=True)
