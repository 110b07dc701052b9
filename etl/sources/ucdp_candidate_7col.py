"""UCDP Candidate Events reduced to 7 columns by a third party (id, conflict_new_id, conflict_name,
country, best, type_of_violence, date): no places, no sides, no low/high. Events load into dataset
`ucdp_candidate` with UCDP's own ids (`ucdp_candidate:<id>`, the ids of GED and of the full
Candidate files: a GED event of the same id replaces one, etl/duplicates.py `same_event`).

Every event is known only to its country, the publisher's `country` as written (a "Pakistan:
Government" event in Afghanistan stays AFG): geo_precision 'country', no place, district,
province or point is made up. The actor is the non-state side of the conflict (or the government
that committed one-sided violence), looked up by `conflict_name` in
data/reference/ucdp_conflicts.csv; a conflict name not in that table loads with no actor (actor
group 'Unknown') and a quality flag naming the line to add. The category comes from
type_of_violence and the actor's role as for GED (etl/sources/ucdp.py): types 1 and 2 are armed
clashes, type 3 an attack by a group or state violence by a government.
"""
from __future__ import annotations

import csv
from functools import lru_cache

import pandas as pd

from etl import reference, schema
from etl.read.part import Part
from etl.sources import mapping
from etl.sources.registry import FORMATS
from etl.sources.cells import Cells, nulls, per_value
from etl.sources.mapping import country
from etl.sources.ucdp import OWN

FORMAT = "ucdp_candidate_7col"
DATASET = "ucdp_candidate"
REQUIRED = FORMATS[FORMAT].required
USED = REQUIRED
CONFLICTS = "ucdp_conflicts.csv"  # data/reference: conflict_name -> actor


def conflicts() -> dict[str, str]:
    """conflict_name -> actor, from data/reference/ucdp_conflicts.csv of the data folder being
    read (etl/reference.py); empty when the folder has no such table (every row is then flagged)."""
    path = reference.path(CONFLICTS)
    if not path.exists():
        return {}
    return _conflicts(*reference.key(CONFLICTS))


@lru_cache(maxsize=8)
def _conflicts(path: str, mtime_ns: int) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        return {row["conflict_name"].strip(): row["actor"].strip() for row in csv.DictReader(handle)}


def events(part: Part, name: str, dataset: str = DATASET) -> schema.Outcome:
    c = Cells(part, name)
    frame = part.frame
    event_id = c.require("id", "every UCDP row has an id")
    start = c.dates("date", ("%Y-%m-%d",), "YYYY-MM-DD, as 2025-03-28")
    iso = country(c, "country")
    conflict = c.words("conflict_name").str.strip()
    table = conflicts()
    actor = per_value(conflict, lambda v: table.get(v) if v else None)
    c.flag(actor.isna(), "conflict_name", conflict,
           lambda v: f"conflict_name {v!r} is not in data/reference/{CONFLICTS}; loaded with no "
                     f"actor (actor group Unknown): add a line {v!r},<actor: the conflict's "
                     f"non-state side>,<reason>" if v else
                     f"conflict_name is empty; loaded with no actor (actor group Unknown)")
    a = actor.fillna("").str.lower()
    role = pd.Series("non_state", index=frame.index, dtype=object) \
        .mask(a.str.startswith("government of"), "foreign").mask(a.isin(OWN), "state")
    # the categories of GED's type_of_violence (data/reference/event_categories.csv, dataset ucdp)
    category = mapping.categories(c, "ucdp", ("type_of_violence",), role)
    year = start.dt.year.astype("Int64").astype(str)
    described = conflict.where(conflict.ne(""), "Unknown conflict")
    return c.result({
        "event_id": dataset + ":" + event_id,
        "dataset": dataset,
        "event_date": start,
        "date_precision": "day",
        "country": iso,
        "geo_precision": "country",
        "category": category,
        "actor": nulls(actor),
        "actor_group": mapping.groups(actor, pd.Series("", index=frame.index, dtype=object)),
        "fatalities": c.counts("best"),
        "description": nulls(described + " (UCDP Candidate " + year
                             + ", 7-column reduction: no place given)"),
        "source_name": FORMATS[FORMAT].publisher,
        "source_title": "UCDP Candidate Events (7-column reduction)",
    })
