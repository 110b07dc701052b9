"""The Pakistan drone-strikes file (Usmani / Pakistan Body Count, Kaggle), 2004-2017.

US strikes against militants: state action, coded `state_strike` so that no extremist-activity
indicator counts them. The file ends with a totals row, which goes to rejects as not an event.
Its column 'Total Died Mix' is a typo for Max; both spellings are read.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from etl import schema
from etl.dates import parse_date
from etl.geo import normalise_province
from etl.sources.common import SkipRow, blank_to_none, cell, count, load_rows, min_max, number

DATASET = "pk_drone_strikes"
SOURCE_NAME = "Pakistan Drone Attacks (Zeeshan-ul-hassan Usmani / Pakistan Body Count, Kaggle)"
COLUMNS = ("S#", "Date", "Location", "City", "Province", "Total Died Min", "Injured Min",
           "Injured Max", "Comments", "References", "Longitude", "Latitude")


def load(path: Path, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    events, rejects = load_rows(path, name, COLUMNS, _event)
    return pd.DataFrame(events), pd.DataFrame(rejects, columns=list(schema.REJECT_COLUMNS))


def _event(row: dict) -> dict:
    if not row["S#"] and not row["Date"]:
        raise SkipRow("totals row (sums of the columns above), not an event")
    serial = cell(row, "S#", count)
    high = "Total Died Max" if "Total Died Max" in row else "Total Died Mix"
    fatalities, fatalities_low, flag_k = min_max(row, "Total Died Min", high)
    injured, injured_low, flag_i = min_max(row, "Injured Min", "Injured Max")
    lat, lon = cell(row, "Latitude", number), cell(row, "Longitude", number)
    urls = re.findall(r"https?://\S+?(?=[;,\s]|$)", row["References"])
    place = ", ".join(p for p in (blank_to_none(row["Location"]), blank_to_none(row["City"])) if p)
    details = " ".join(p for p in (blank_to_none(row.get("Special Mention (Site)")),
                                   blank_to_none(row["Comments"])) if p)
    return {
        "event_id": f"{DATASET}:{serial}",
        "dataset": DATASET,
        "event_date": cell(row, "Date", parse_date),
        "date_precision": "day",
        "country": "PAK",
        "admin1": normalise_province(row["Province"]),
        "location": place or None,
        "place_hint": blank_to_none(row["City"]),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": "point" if lat is not None and lon is not None else None,
        "category": "state_strike",
        "actor": "United States (drone strike)",
        "actor_group": "United States",
        "target": None,  # the file counts Al-Qaeda/Taliban dead but names no target
        "fatalities": fatalities,
        "fatalities_low": fatalities_low,
        "injured": injured,
        "injured_low": injured_low,
        "description": f"US drone strike at {place or 'an unreported place'}."
                       + (f" {details}" if details else ""),
        "source_name": SOURCE_NAME,
        "source_title": "Pakistan Drone Attacks",
        "source_url": urls[0] if urls else None,
        "qa_flags": "; ".join(f for f in (flag_k, flag_i) if f) or None,
    }
