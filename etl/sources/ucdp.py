"""UCDP Georeferenced Event Dataset (GED) CSV: current releases, older ones (best_est/high_est/
low_est, active_year True/False, '03/27/1990 00:00:00' dates), HDX re-publications (a second row
of HXL tags, '1990-10-04 00:00:00.000' dates) and rows with a trailing comma. Event ids are
`ucdp:<id>`.

Deaths are UCDP's own headline figure, `best` (the estimate UCDP and its users quote), with `low`
and `high` kept as fatalities_low / fatalities_high; figures out of order (low > high, as some
releases have) load as published with a quality flag. State-based conflict (type 1) and non-state
conflict (type 2) are armed clashes: UCDP does not say which side attacked.
"""
from __future__ import annotations


import pandas as pd

from etl import schema
from etl.read.part import Part
from etl.sources import mapping
from etl.sources.registry import FORMATS
from etl.sources.cells import Cells, nulls
from etl.sources.mapping import country, precision, region_point

DATASET = "ucdp"
SOURCE_NAME = FORMATS[DATASET].publisher
REQUIRED = FORMATS[DATASET].required
RENAMES = FORMATS[DATASET].aliases
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%m/%d/%Y %H:%M:%S",
                "%m/%d/%Y")
DATE_STYLES = "2020-03-27, 2020-03-27 00:00:00.000 or 03/27/2020 00:00:00"
OWN = {"government of pakistan", "government of afghanistan"}
USED = REQUIRED + ("date_end", "best", "high", "low", "adm_1", "adm_2", "where_description", "conflict_name", "source_headline")


def events(part: Part, name: str, dataset: str = DATASET) -> schema.Outcome:
    """GED, or with dataset='ucdp_candidate' a Candidate Events release (same columns and the
    same ids as GED: its events are `ucdp_candidate:<id>`, which a GED event `ucdp:<id>`
    replaces; etl/duplicates.py `same_event`)."""
    c = Cells(part, name)
    frame = part.frame
    event_id = c.require("id", "every GED row has an id")
    start = c.dates("date_start", DATE_FORMATS, DATE_STYLES)
    end = c.dates("date_end", DATE_FORMATS, DATE_STYLES, required=False)
    iso = country(c, "country")
    date_precision, _ = precision(c, DATASET, "date_prec", "day")
    geo_precision, keep = precision(c, DATASET, "where_prec", "point")
    lat, lon = c.numbers("latitude"), c.numbers("longitude")
    lat, lon = region_point(c, lat.where(keep), lon.where(keep))
    high, low, best = c.counts("high"), c.counts("low"), c.counts("best")
    side_a, side_b = c.text("side_a"), c.text("side_b")
    a = side_a.str.lower()
    role = pd.Series("non_state", index=frame.index, dtype=object) \
        .mask(a.str.startswith("government of"), "foreign").mask(a.isin(OWN), "state")
    kind = c.text("type_of_violence").str.replace(r"\.0$", "", regex=True)
    category = mapping.categories(c, DATASET, ("type_of_violence",), role)
    # In state-based conflict the group (side_b) is the actor named; the government the other side.
    group_is_actor = kind.eq("1") & role.eq("state")
    actor = side_a.where(~group_is_actor, side_b)
    target = side_b.where(~group_is_actor, side_a)
    where = c.text("where_description")
    admin1 = c.text("adm_1").str.replace(r"\s+province$", "", regex=True, case=False)
    admin2 = c.text("adm_2").str.replace(r"\s+district$", "", regex=True, case=False)
    description = c.text("conflict_name").str.cat(where, sep=": ").str.strip(": ")
    headline = c.text("source_headline")
    return c.result({
        "event_id": dataset + ":" + event_id,
        "dataset": dataset,
        "event_date": start,
        "date_end": end.where(end.notna() & (end != start)),
        "date_precision": date_precision,
        "country": iso,
        "admin1": mapping.provinces(admin1),
        "admin2": nulls(admin2),
        "location": nulls(where),
        "place_hint": nulls(admin2),
        "latitude": lat,
        "longitude": lon,
        "geo_precision": geo_precision,
        "category": category,
        "actor": nulls(actor),
        "actor_group": mapping.groups(actor, pd.Series("", index=frame.index, dtype=object)),
        "target": nulls(target),
        "fatalities": best,
        "fatalities_low": low,
        "fatalities_high": high,
        "description": nulls(description),
        "source_name": FORMATS[dataset].publisher,
        "source_title": headline.where(headline.ne(""), "UCDP GED"),
    })
