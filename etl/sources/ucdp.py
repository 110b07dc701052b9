"""UCDP Georeferenced Event Dataset (GED) CSV: current releases, older ones (best_est/high_est/
low_est, active_year True/False, '03/27/1990 00:00:00' dates), HDX re-publications (a second row
of HXL tags, '1990-10-04 00:00:00.000' dates) and rows with a trailing comma. Event ids are
`ucdp:<id>`.

Fatalities follow the project's rule (the source's maximum): `high`, with `low` as fatalities_low;
UCDP's best estimate is written into the description.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.sources import mapping
from etl.sources.table import LINE, Cells, country, nulls, precision, read_table, region_point

DATASET = "ucdp"
SOURCE_NAME = "UCDP Georeferenced Event Dataset (Uppsala Conflict Data Program)"
REQUIRED = ("id", "date_start", "type_of_violence", "side_a", "side_b", "country", "latitude",
            "longitude", "where_prec", "date_prec")
RENAMES = {"best_est": "best", "high_est": "high", "low_est": "low"}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M:%S",
                "%m/%d/%Y")
DATE_STYLES = "2020-03-27, 2020-03-27 00:00:00.000 or 03/27/2020 00:00:00"
OWN = {"government of pakistan", "government of afghanistan"}
USED = REQUIRED + ("date_end", "best", "high", "low", "adm_1", "adm_2", "where_description", "conflict_name", "source_headline")


def load(path: Path, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = read_table(path, name, USED).rename(columns=RENAMES)
    return events(drop_hxl(frame), name)


def drop_hxl(frame: pd.DataFrame) -> pd.DataFrame:
    """The HXL tag row of HDX files (every filled cell starts with '#') is not data."""
    if not len(frame):
        return frame
    first = frame.drop(columns=[LINE, "_extra"], errors="ignore").iloc[0]
    filled = first[first != ""]
    if len(filled) and filled.str.startswith("#").all():
        return frame.iloc[1:]
    return frame


def events(frame: pd.DataFrame, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    c = Cells(frame, name)
    event_id = c.require("id", "every GED row has an id")
    start = c.dates("date_start", DATE_FORMATS, DATE_STYLES)
    end = c.dates("date_end", DATE_FORMATS, DATE_STYLES)
    iso = country(c, "country")
    date_precision, _ = precision(c, DATASET, "date_prec", "day")
    geo_precision, keep = precision(c, DATASET, "where_prec", "point")
    lat, lon = c.numbers("latitude"), c.numbers("longitude")
    region_point(c, lat.where(keep), lon.where(keep))
    high, low, best = c.counts("high"), c.counts("low"), c.counts("best")
    high = high.where(high.notna(), best)
    side_a, side_b = c.text("side_a"), c.text("side_b")
    a = side_a.str.lower()
    role = pd.Series("non_state", index=frame.index, dtype=object) \
        .mask(a.str.startswith("government of"), "foreign").mask(a.isin(OWN), "state")
    kind = c.text("type_of_violence").str.replace(r"\.0$", "", regex=True)
    category = mapping.categories(c, DATASET, ("type_of_violence",), role)
    # In state-based conflict the group (side_b) is the actor; the government is its target.
    group_is_actor = kind.eq("1") & role.eq("state")
    actor = side_a.where(~group_is_actor, side_b)
    target = side_b.where(~group_is_actor, side_a)
    where = c.text("where_description")
    admin1 = c.text("adm_1").str.replace(r"\s+province$", "", regex=True, case=False)
    admin2 = c.text("adm_2").str.replace(r"\s+district$", "", regex=True, case=False)
    best_text = best.astype("string").fillna("unknown")
    description = (c.text("conflict_name").str.cat(where, sep=": ").str.strip(": ")
                   + "; best estimate of deaths: " + best_text.astype(object))
    headline = c.text("source_headline")
    return c.result({
        "event_id": DATASET + ":" + event_id,
        "dataset": DATASET,
        "event_date": start,
        "date_end": end.where(end.notna() & (end != start)),
        "date_precision": date_precision,
        "country": iso,
        "admin1": mapping.provinces(admin1),
        "admin2": nulls(admin2),
        "location": nulls(where),
        "place_hint": nulls(admin2),
        "latitude": lat.where(keep),
        "longitude": lon.where(keep),
        "geo_precision": geo_precision,
        "category": category,
        "actor": nulls(actor),
        "actor_group": mapping.groups(actor, pd.Series("", index=frame.index, dtype=object)),
        "target": nulls(target),
        "fatalities": high,
        "fatalities_low": low,
        "description": description,
        "source_name": SOURCE_NAME,
        "source_title": headline.where(headline.ne(""), "UCDP GED"),
    })
