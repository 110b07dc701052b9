"""Shared per-distinct-value mappings for the vectorised adapters: actor groups, provinces,
categories and precision codes (from the reference tables an analyst can extend,
data/reference/event_categories.csv and precision_codes.csv), countries and the region's points."""
from __future__ import annotations

import csv
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from etl import reference, schema
from etl.actors import UNKNOWN, actor_group
from etl.geo import normalise_province
from etl.sources.cells import MISSING, Cells, combinations, per_combination, per_value

UNKNOWN_NAMES = {"", "unknown", "unidentified", "unknown group"}


def groups(actor: pd.Series, assoc: pd.Series) -> pd.Series:
    """actor_group per row, computed once per distinct (actor, associated actor)."""
    def group(a, b) -> str:
        a = None if not isinstance(a, str) or a.strip().lower() in UNKNOWN_NAMES else a
        b = None if not isinstance(b, str) or b.strip().lower() in UNKNOWN_NAMES else b
        return actor_group(a, b) if (a or b) else UNKNOWN
    return per_combination([actor, assoc], group)


def provinces(raw: pd.Series) -> pd.Series:
    return per_value(raw, lambda v: None if v is None or v.strip().lower() in UNKNOWN_NAMES
                     else normalise_province(v))


def categories(cells: Cells, dataset: str, fields: tuple[str, ...], role: pd.Series) -> pd.Series:
    """Our category per row: the first of `fields` whose value is in the table decides; the
    row's actor role (non_state, state, foreign) picks the column. A combination the table does
    not map loads as 'other', with a flag naming the line to add to the table."""
    table = event_categories()
    values = [cells.text(f) for f in fields]

    def lookup(r, *vals) -> tuple[str, str | None]:
        """(category, None) or ('other', why it is flagged)."""
        vals = ["" if not isinstance(v, str) else v for v in vals]
        for field, value in zip(fields, vals):
            hit = table.get((dataset, field, value.strip().lower()))
            if hit is not None:
                if hit[r]:
                    return hit[r], None
                break
        shown = ", ".join(f"{f}={v!r}" for f, v in zip(fields, vals) if v)
        return "other", (f"{shown or fields[0] + ' is empty'} (actor role {r.replace('_', '-')}) "
                         f"is not in data/reference/event_categories.csv; loaded as 'other' (add a "
                         f"line mapping it to a category)")

    combos, inverse = combinations([role, *values])  # once per distinct combination
    looked = [lookup(*combo) for combo in combos]
    flagged = np.array([w is not None for _, w in looked])[inverse]
    if flagged.any():
        why = pd.Series(np.array([w for _, w in looked], dtype=object)[inverse], index=role.index)
        cells.flag(why.notna(), fields[0], values[0], lambda reason: reason, keys=why)
    return schema.spread([c for c, _ in looked], inverse, role.index)


def event_categories() -> dict:
    """data/reference/event_categories.csv of the data folder being read (etl/reference.py)."""
    return _event_categories(*reference.key("event_categories.csv"))


@lru_cache(maxsize=8)
def _event_categories(path: str, mtime_ns: int) -> dict:
    """(dataset, field, value lower-cased) -> {'non_state': cat, 'state': cat, 'foreign': cat}."""
    out = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out[(row["dataset"], row["field"], row["value"].strip().lower())] = {
                "non_state": row["category"].strip(), "state": row["category_state"].strip(),
                "foreign": row["category_foreign"].strip()}
    return out


def precision_codes() -> dict:
    """data/reference/precision_codes.csv of the data folder being read (etl/reference.py)."""
    return _precision_codes(*reference.key("precision_codes.csv"))


@lru_cache(maxsize=8)
def _precision_codes(path: str, mtime_ns: int) -> dict:
    """(dataset, field, code) -> (precision, keep_point)."""
    out = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out[(row["dataset"], row["field"], row["code"].strip())] = (
                row["precision"].strip(), row["keep_point"].strip() == "yes")
    return out


def precision(cells: Cells, dataset: str, field: str, default: str) -> tuple[pd.Series, pd.Series]:
    """(our precision, keep the source's point?) per row from data/reference/precision_codes.csv;
    a blank code means `default`; an unknown code rejects the row."""
    table = precision_codes()
    raw = cells.text(field)
    known = {code: value for (d, f, code), value in table.items() if d == dataset and f == field}

    def look(text):  # once per distinct cell: '3.0' (a spreadsheet's number) is code 3
        c = re.sub(r"\.0$", "", text) if isinstance(text, str) else text
        if not c or c.lower() in MISSING:
            return default, True
        return (known[c][0], known[c][1]) if c in known else (None, True)

    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    looked = [look(v) for v in uniques] + [look(None)]  # code -1 (a missing cell): the last
    codes = np.where(codes < 0, len(uniques), codes)
    unknown = pd.Series(np.array([p is None for p, _ in looked])[codes], index=raw.index)
    cells.flag(unknown, field, raw,
               lambda v: f"{field}: {v!r} is not a known code (expected one of "
                         f"{', '.join(sorted(known))}; see data/reference/precision_codes.csv); "
                         f"loaded as {default}")
    prec = schema.spread([default if p is None else p for p, _ in looked], codes, raw.index)
    keep = pd.Series(np.array([k for _, k in looked], dtype=bool)[codes], index=raw.index)
    return prec, keep


COUNTRIES = {"pakistan": "PAK", "pak": "PAK", "586": "PAK", "afghanistan": "AFG", "afg": "AFG",
             "4": "AFG"}


def country(cells: Cells, column: str, fallback: str | None = None) -> pd.Series:
    """ISO3 of Pakistan or Afghanistan. A row without a country is rejected; a row of another
    country is out of scope (counted per country, not an error)."""
    raw = cells.text(column)
    if fallback and (raw == "").all():
        raw = cells.text(fallback)
        column = fallback
    iso = per_value(raw.str.lower(), COUNTRIES.get)
    blank = raw.str.lower().isin(MISSING)
    cells.fail(blank, column, raw, lambda v: f"{column} is empty (every event needs its country)")
    cells.outside(iso.isna() & ~blank, column, raw)
    return iso


# Pakistan and Afghanistan with a margin: a point outside is a typo or swapped coordinates.
REGION_BOX = {"latitude": (23.0, 39.0), "longitude": (60.0, 78.0)}


def region_point(cells: Cells, lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The rows' points, without those that cannot be right: a point outside Pakistan and
    Afghanistan's box, or a latitude without a longitude (or the reverse). Such a row loads with
    a flag and is placed from its province and district names instead."""
    (lat_lo, lat_hi), (lon_lo, lon_hi) = REGION_BOX["latitude"], REGION_BOX["longitude"]
    inside = lat.between(lat_lo, lat_hi) & lon.between(lon_lo, lon_hi)
    outside = lat.notna() & lon.notna() & ~inside
    def text(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "(empty)" if pd.isna(v) else str(float(v)))

    def shown(rows):
        return text(lat[rows]) + ", " + text(lon[rows])

    cells.flag(outside, "latitude", shown,
               lambda v: f"latitude, longitude = {v} is outside Pakistan and Afghanistan "
                         f"(latitude {lat_lo:g} to {lat_hi:g}, longitude {lon_lo:g} to {lon_hi:g}); "
                         f"the point is not used (swapped?)")
    half = lat.isna() != lon.isna()
    cells.flag(half, "latitude", shown,
               lambda v: f"latitude, longitude = {v}: only one of the two is given; the point is "
                         f"not used")
    drop = outside | half
    return lat.where(~drop), lon.where(~drop)
