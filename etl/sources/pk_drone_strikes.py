"""The Pakistan drone-strikes file (Usmani / Pakistan Body Count, Kaggle), 2004-2017.

US strikes against militants: state action, coded `state_strike` so that no extremist-activity
indicator counts them. The file ends with a totals row, which goes to rejects as not an event.
Its column 'Total Died Mix' is a typo for Max; both spellings are read. Deaths and injured come
as Min and Max: the headline figure is the maximum (see kaggle.min_max).
"""
from __future__ import annotations

import re

import pandas as pd

from etl import schema
from etl.dates import EXPECTED
from etl.geo import normalise_province
from etl.read.part import Part
from etl.sources.kaggle import min_max
from etl.sources.registry import FORMATS
from etl.sources.cells import Cells, nulls, per_value
from etl.sources.mapping import region_point

DATASET = "pk_drone_strikes"
SOURCE_NAME = FORMATS[DATASET].publisher
_URL = re.compile(r"https?://\S+?(?=[;,\s]|$)")


def events(part: Part, name: str) -> schema.Outcome:
    c = Cells(part, name)
    frame = part.frame
    c.fail(c.text("s#").eq("") & c.text("date").eq(""), "*", c.text("s#"),
           lambda v: "totals row (sums of the columns above), not an event")
    serial = c.require("s#", "every row of the file has a serial number").str.replace(r"\.0$", "", regex=True)
    date = c.dates("date", (), EXPECTED)
    high = "total died max" if "total died max" in frame else "total died mix"
    fatalities, fatalities_low, fatalities_high = min_max(c, "total died min", high)
    injured, injured_low, injured_high = min_max(c, "injured min", "injured max")
    lat, lon = region_point(c, c.numbers("latitude"), c.numbers("longitude"))
    place = c.words("location").str.cat(c.words("city"), sep=", ").str.strip(", ")
    details = c.words("special mention (site)").str.cat(c.words("comments"), sep=" ").str.strip()
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
        "category": "state_strike",
        "actor": "United States (drone strike)",
        "actor_group": "United States",
        "target": None,  # the file counts Al-Qaeda/Taliban dead but names no target
        "fatalities": fatalities,
        "fatalities_low": fatalities_low,
        "fatalities_high": fatalities_high,
        "injured": injured,
        "injured_low": injured_low,
        "injured_high": injured_high,
        "description": ("US drone strike at " + place.replace("", "an unreported place") + "."
                        + (" " + details).where(details.ne(""), "")),
        "source_name": SOURCE_NAME,
        "source_title": "Pakistan Drone Attacks",
        "source_url": per_value(c.text("references"), lambda v: (_URL.findall(v or "") or [None])[0]),
    })
