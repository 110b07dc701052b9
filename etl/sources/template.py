"""Our own template: the event schema as CSV (header = the schema's columns, without the
provenance columns source_file and source_line). Blank event_id: a stable hash of the row's date,
category, actor, place and source; blank actor_group: from the actor rules; blank geo_precision:
point when coordinates are given, else worked out by the placement. Event ids are `events:<id>`.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from etl import schema
from etl.read.part import Part
from etl.sources import mapping
from etl.sources.common import short_hash
from etl.sources.registry import FORMATS
from etl.sources.cells import Cells, nulls
from etl.sources.mapping import country, region_point

DATASET = "events"
COLUMNS = tuple(n for n in schema.COLUMN_NAMES if n not in ("source_file", "source_line"))
REQUIRED = FORMATS[DATASET].required
DATE_FORMATS = ("%Y-%m-%d",)
DATE_STYLES = "YYYY-MM-DD"


def events(part: Part, name: str) -> schema.Outcome:
    c = Cells(part, name)
    frame = part.frame
    out = {col: nulls(c.text(col)) for col in COLUMNS if col in frame}
    for col in schema.DATE_COLUMNS:
        out[col] = c.dates(col, DATE_FORMATS, DATE_STYLES, required=col == "event_date")
    for col in schema.COUNT_COLUMNS:
        out[col] = c.counts(col)
    out["latitude"], out["longitude"] = region_point(c, c.numbers("latitude"), c.numbers("longitude"))
    out["country"] = country(c, "country")
    ids = c.text("event_id")
    hashed = pd.Series([short_hash(*r) for r in zip(c.text("event_date"), c.text("category"),
                                                     c.text("actor"), c.text("location"),
                                                     c.text("source_url"))], index=frame.index,
                       dtype=object)
    out["event_id"] = DATASET + ":" + ids.where(ids.ne(""), hashed).str.replace(r"^events:", "", regex=True)
    out["dataset"] = DATASET
    out["date_precision"] = c.text("date_precision").replace("", "day")
    group = c.text("actor_group")
    out["actor_group"] = group.where(group.ne(""), mapping.groups(c.text("actor"), c.text("no such column")))
    out["admin1"] = mapping.provinces(c.text("admin1"))
    geo = c.text("geo_precision")
    has_point = out["latitude"].notna() & out["longitude"].notna()
    out["geo_precision"] = geo.where(geo.ne(""), pd.Series("point", index=frame.index).where(has_point, None))
    out["place_hint"] = nulls(c.text("location"))
    return c.result(out)


def empty_csv() -> str:
    """The template's header line (what the Data page offers for download)."""
    return ",".join(COLUMNS) + "\n"


def example_csv(curated_file: Path, rows: int = 5) -> str:
    """A filled template: the first `rows` real, cited events of the curated file (for example
    data/raw/isis_network_events.csv) written in the template's columns."""
    with open(curated_file, encoding="utf-8-sig") as handle:
        source = [r for _, r in zip(range(rows), csv.DictReader(handle))]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for r in source:
        actor = r["actor"] if not r["assoc_actor"] else f"{r['actor']} (with {r['assoc_actor']})"
        writer.writerow({
            "event_date": r["event_date"], "date_end": r["date_end"],
            "date_precision": r["date_precision"], "country": r["country"], "admin1": r["admin1"],
            "admin2": r["admin2"], "location": r["location"], "category": r["category"],
            "actor": actor, "target": r["target"], "fatalities": r["killed"],
            "injured": r["injured"], "description": r["description"],
            "source_name": r["source_publisher"], "source_title": r["source_title"],
            "source_url": r["source_url"], "source_date": r["source_date"]})
    return out.getvalue()
