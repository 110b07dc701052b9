"""The Global Terrorism Database (START): the Latin-1 CSV and the XLSX, ~135 columns of which these
are read. imonth/iday 0 = unknown: the event keeps month or year precision on the 1st. nkill /
nwound blank, `NA` or -99 = unknown (null, not 0); fractional counts are GTD's own (it divides a
multi-part attack's deaths across the linked incidents) and are kept exactly. specificity 4-5 (admin1 centroid, unknown) drop the point.
Event ids are `gtd:<eventid>`.
"""
from __future__ import annotations


import pandas as pd

from etl import schema
from etl.read.part import Part
from etl.sources import mapping
from etl.sources.registry import FORMATS
from etl.sources.cells import Cells, nulls
from etl.sources.mapping import country, precision, region_point

DATASET = "gtd"
SOURCE_NAME = FORMATS[DATASET].publisher
REQUIRED = FORMATS[DATASET].required
USED = REQUIRED + ("specificity", "provstate", "city", "location", "gname2", "nwound", "targtype1_txt", "target1", "summary", "scite1", "dbsource")


def events(part: Part, name: str) -> schema.Outcome:
    c = Cells(part, name)
    frame = part.frame
    event_id = c.require("eventid", "every GTD row has an eventid")
    year, month, day = (c.numbers(n) for n in ("iyear", "imonth", "iday"))
    c.fail(year.isna(), "iyear", c.text("iyear"), lambda v: "iyear is empty (the year is required)")
    year, month, day = (v.where(v == v.round()).astype("Int64") for v in (year, month, day))
    month, day = month.fillna(0), day.fillna(0)
    text = (year.astype(str) + "-" + month.clip(lower=1).astype(str).str.zfill(2) + "-"
            + day.where(month > 0, 0).clip(lower=1).astype(str).str.zfill(2))
    date = pd.to_datetime(text.where(year.notna()), format="%Y-%m-%d", errors="coerce")
    shown = c.text("iyear") + "/" + c.text("imonth") + "/" + c.text("iday")
    c.fail(year.notna() & date.isna(), "iday", shown,
           lambda v: f"iyear/imonth/iday {v} is not a date (month 0-12, day 0-31; 0 = unknown)")
    date_precision = pd.Series("day", index=frame.index, dtype=object) \
        .mask(day.eq(0), "month").mask(month.eq(0), "year")
    iso = country(c, "country_txt")
    geo_precision, keep = precision(c, DATASET, "specificity", "point")
    lat, lon = c.numbers("latitude"), c.numbers("longitude")
    lat, lon = region_point(c, lat.where(keep), lon.where(keep))
    fatalities = c.counts("nkill", unknown=("-99", "-9"), fractions=True)
    injured = c.counts("nwound", unknown=("-99", "-9"), fractions=True)
    role = pd.Series("non_state", index=frame.index, dtype=object)
    category = mapping.categories(c, DATASET, ("attacktype1_txt",), role)
    gname, gname2 = c.text("gname"), c.text("gname2")
    known2 = ~gname2.str.lower().isin(mapping.UNKNOWN_NAMES)
    actor = gname.where(~known2, gname + " (with " + gname2 + ")")
    actor = actor.where(~gname.str.lower().isin(mapping.UNKNOWN_NAMES) | known2, None)
    target = c.text("targtype1_txt").str.cat(c.text("target1"), sep=": ").str.strip(": ")
    city = c.text("city").where(~c.text("city").str.lower().isin(mapping.UNKNOWN_NAMES), "")
    location = city.str.cat(c.text("location"), sep="; ").str.strip("; ")
    cite = c.text("scite1")
    return c.result({
        "event_id": DATASET + ":" + event_id,
        "dataset": DATASET,
        "event_date": date,
        "date_precision": date_precision,
        "country": iso,
        "admin1": mapping.provinces(c.text("provstate")),
        "location": nulls(location),
        "place_hint": nulls(city),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": geo_precision,
        "category": category,
        "actor": nulls(actor),
        "actor_group": mapping.groups(gname, gname2),
        "target": nulls(target),
        "fatalities": fatalities,
        "injured": injured,
        "description": nulls(c.text("summary")),
        "source_name": SOURCE_NAME,
        "source_title": cite.where(cite.ne(""), "GTD, " + c.text("dbsource")),
    })
