"""The Pakistan suicide-attacks file (Usmani, Kaggle): one row per attack, 1995-2017.

Dates come as M/D/YYYY in the bundled copy and as 'Sunday-November 19-1995' (with typos such as
'Sturday') in the original releases; both parse. Killed/Injured come as Min and Max.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl import schema
from etl.dates import parse_date
from etl.geo import normalise_province
from etl.sources.common import blank_to_none, cell, count, load_rows, min_max, number

DATASET = "pk_suicide_attacks"
SOURCE_NAME = "Pakistan Suicide Bombing Attacks (Zeeshan-ul-hassan Usmani, Kaggle)"
SOURCE_URL = "https://github.com/TahaArif49/pakistan-suicide-attacks-analysis"
COLUMNS = ("S#", "Date", "City", "Province", "Latitude", "Longitude", "Location", "Target Type",
           "Targeted Sect if any", "Killed Min", "Killed Max", "Injured Min", "Injured Max")


def load(path: Path, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    events, rejects = load_rows(path, name, COLUMNS, _event)
    return pd.DataFrame(events), pd.DataFrame(rejects, columns=list(schema.REJECT_COLUMNS))


def _event(row: dict) -> dict:
    serial = cell(row, "S#", count)
    fatalities, fatalities_low, flag_k = min_max(row, "Killed Min", "Killed Max")
    injured, injured_low, flag_i = min_max(row, "Injured Min", "Injured Max")
    lat, lon = cell(row, "Latitude", number), cell(row, "Longitude", number)
    target = blank_to_none(row["Target Type"])
    sect = blank_to_none(row["Targeted Sect if any"])
    if sect:
        target = f"{target or 'Unknown'} ({sect})"
    place = ", ".join(p for p in (blank_to_none(row["Location"]), blank_to_none(row["City"])) if p)
    blasts = blank_to_none(row.get("No. of Suicide Blasts"))
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
        "category": "attack",
        "actor": None,
        "actor_group": "Unknown",
        "target": target,
        "fatalities": fatalities,
        "fatalities_low": fatalities_low,
        "injured": injured,
        "injured_low": injured_low,
        "description": f"Suicide attack at {place or 'an unreported place'}"
                       + (f"; target: {target}" if target else "")
                       + (f"; {blasts} blast(s)" if blasts else "") + ".",
        "source_name": SOURCE_NAME,
        "source_title": "Pakistan Suicide Bombing Attacks, version 11",
        "source_url": SOURCE_URL,
        "qa_flags": "; ".join(f for f in (flag_k, flag_i) if f) or None,
    }
