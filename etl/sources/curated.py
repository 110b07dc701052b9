"""Our own event format (the curated ISIS-network file, the CAPS-article events, and the template
analysts fill in): one row per event, already in schema terms, with its citation."""
from __future__ import annotations


import pandas as pd

from etl import schema
from etl.actors import actor_group
from etl.dates import EXPECTED
from etl.read.part import Part
from etl.sources.common import short_hash
from etl.sources.cells import Cells, nulls, per_combination
from etl.sources.mapping import country

DATASET = "curated"


def events(part: Part, name: str) -> schema.Outcome:
    c = Cells(part, name)
    frame = part.frame
    actor, assoc = nulls(c.text("actor")), nulls(c.text("assoc_actor"))
    ids = [short_hash(*r) for r in zip(c.text("event_date"), c.text("category"), c.text("actor"),
                                       c.text("location"), c.text("source_url"))]
    return c.result({
        "event_id": DATASET + ":" + pd.Series(ids, index=frame.index, dtype=object),
        "dataset": DATASET,
        "event_date": c.dates("event_date", (), EXPECTED),
        "date_end": c.dates("date_end", (), EXPECTED, required=False),
        "date_precision": nulls(c.text("date_precision")).fillna("day"),
        "country": country(c, "country"),
        "admin1": nulls(c.text("admin1")),
        "admin2": nulls(c.text("admin2")),
        "location": nulls(c.text("location")),
        "category": nulls(c.text("category")),
        "actor": actor.where(assoc.isna(), actor.fillna("None") + " (with " + assoc.fillna("") + ")"),
        "actor_group": per_combination([actor, assoc], lambda *names: actor_group(
            *(n if isinstance(n, str) else None for n in names))),
        "target": nulls(c.text("target")),
        "fatalities": c.counts("killed"),
        "injured": c.counts("injured"),
        "description": nulls(c.text("description")),
        "source_name": nulls(c.text("source_publisher")),
        "source_title": nulls(c.text("source_title")),
        "source_url": nulls(c.text("source_url")),
        "source_date": c.dates("source_date", (), EXPECTED, required=False),
    })
