"""The Pakistan suicide-attacks file (Usmani, Kaggle): one row per attack, 1995-2017.

Dates come as M/D/YYYY in the bundled copy and as 'Sunday-November 19-1995' or 'Friday-Jan 29-2016'
(with typos such as 'Sturday') in the original releases; all parse. Killed/Injured come as Min and
Max: the headline figure is the maximum (see kaggle.min_max).
"""
from __future__ import annotations


import pandas as pd

from etl import schema
from etl.dates import EXPECTED
from etl.geo import normalise_province
from etl.read.part import Part
from etl.sources.kaggle import min_max
from etl.sources.registry import FORMATS
from etl.sources.cells import Cells, nulls, per_value
from etl.sources.mapping import region_point

DATASET = "pk_suicide_attacks"
SOURCE_NAME = FORMATS[DATASET].publisher
SOURCE_URL = "https://github.com/TahaArif49/pakistan-suicide-attacks-analysis"


def events(part: Part, name: str) -> schema.Outcome:
    c = Cells(part, name)
    frame = part.frame
    serial = c.require("s#", "every row of the file has a serial number").str.replace(r"\.0$", "", regex=True)
    date = c.dates("date", (), EXPECTED)
    fatalities, fatalities_low, fatalities_high = min_max(c, "killed min", "killed max")
    injured, injured_low, injured_high = min_max(c, "injured min", "injured max")
    lat, lon = region_point(c, c.numbers("latitude"), c.numbers("longitude"))
    target, sect = c.words("target type"), c.words("targeted sect if any")
    target = target.where(sect.eq(""), target.replace("", "Unknown") + " (" + sect + ")")
    place = c.words("location").str.cat(c.words("city"), sep=", ").str.strip(", ")
    blasts = c.words("no. of suicide blasts")
    description = ("Suicide attack at " + place.replace("", "an unreported place")
                   + ("; target: " + target).where(target.ne(""), "")
                   + ("; " + blasts + " blast(s)").where(blasts.ne(""), "") + ".")
    return c.result({
        "event_id": DATASET + ":" + serial,
        "dataset": DATASET,
        "event_date": date,
        "date_precision": "day",
        "country": "PAK",
        "admin1": per_value(c.text("province"), normalise_province),
        "location": nulls(place),
        "place_hint": nulls(c.words("city")),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": pd.Series("point", index=frame.index).where(lat.notna(), None),
        "category": "attack",
        "actor": None,
        "actor_group": "Unknown",
        "target": nulls(target),
        "fatalities": fatalities,
        "fatalities_low": fatalities_low,
        "fatalities_high": fatalities_high,
        "injured": injured,
        "injured_low": injured_low,
        "injured_high": injured_high,
        "description": description,
        "source_name": SOURCE_NAME,
        "source_title": "Pakistan Suicide Bombing Attacks, version 11",
        "source_url": SOURCE_URL,
    })
