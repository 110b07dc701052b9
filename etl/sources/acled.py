"""ACLED exports: the CSV of the export tool (current 31-column layout, the 2018-2020 layout, old
UPPERCASE files with ALLY_ACTOR_1/2, spreadsheet re-saves with '9-May-20' dates) and the API's JSON
(rows under "data"). Event ids are `acled:<event_id_cnty>`.

inter1 decides whose action it is: 1 / 'State forces' = the country's state, 8 / 'External/Other
forces' = a foreign state, anything else a non-state group; data/reference/event_categories.csv
maps (sub_)event_type and that role to our category.
"""
from __future__ import annotations

import re

from etl import schema
from etl.read.part import Part
from etl.sources import mapping
from etl.sources.registry import FORMATS
from etl.sources.cells import Cells, nulls, per_value
from etl.sources.mapping import country, precision, region_point

DATASET = "acled"
SOURCE_NAME = FORMATS[DATASET].publisher
REQUIRED = FORMATS[DATASET].required
RENAMES = FORMATS[DATASET].aliases
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d-%B-%Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %Y", "%d/%m/%Y")
DATE_STYLES = "2023-01-31, 16 May 2025, 01-January-2015 or 9-May-20"
STATE, FOREIGN = {"1", "state forces"}, {"8", "external/other forces"}
USED = REQUIRED + ("time_precision", "geo_precision", "admin1", "admin2", "location", "inter1", "sub_event_type", "assoc_actor_1", "actor2", "notes", "source")


def _role(inter1: str | None) -> str:
    """Whose action: 'state', 'foreign' or 'non_state' from inter1 ('1', '1.0', 'State forces')."""
    code = re.sub(r"\.0$", "", inter1.lower()) if inter1 else ""
    return "state" if code in STATE else "foreign" if code in FOREIGN else "non_state"


def events(part: Part, name: str) -> schema.Outcome:
    c = Cells(part, name)
    frame = part.frame
    event_id = c.require("event_id_cnty", "every ACLED row has an event id")
    date = c.dates("event_date", DATE_FORMATS, DATE_STYLES)
    iso = country(c, "country")
    date_precision, _ = precision(c, DATASET, "time_precision", "day")
    geo_precision, keep = precision(c, DATASET, "geo_precision", "point")
    lat, lon = c.numbers("latitude"), c.numbers("longitude")
    lat, lon = region_point(c, lat.where(keep), lon.where(keep))
    fatalities = c.counts("fatalities")
    role = per_value(c.text("inter1"), _role)
    category = mapping.categories(c, DATASET, ("sub_event_type", "event_type"), role)
    actor1, assoc, actor2 = c.text("actor1"), c.text("assoc_actor_1"), c.text("actor2")
    # The actor of a clash is its non-state side: state forces fighting a group name the group.
    group_side = category.eq("armed_clash") & role.eq("state") & actor2.ne("")
    actor1, actor2 = actor1.where(~group_side, actor2), actor2.where(~group_side, actor1)
    assoc = assoc.where(~group_side, "")
    actor = actor1.where(assoc.eq(""), actor1 + " (with " + assoc + ")")
    sources = c.text("source")
    return c.result({
        "event_id": DATASET + ":" + event_id,
        "dataset": DATASET,
        "event_date": date,
        "date_precision": date_precision,
        "country": iso,
        "admin1": mapping.provinces(c.text("admin1")),
        "admin2": nulls(c.text("admin2")),
        "location": nulls(c.text("location")),
        "place_hint": nulls(c.text("location")),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": geo_precision,
        "category": category,
        "actor": nulls(actor),
        "actor_group": mapping.groups(actor1, assoc),
        "target": nulls(actor2),
        "fatalities": fatalities,
        "description": nulls(c.text("notes")),
        "source_name": SOURCE_NAME,
        "source_title": ("ACLED, citing " + sources).where(sources.ne(""), "ACLED"),
    })
