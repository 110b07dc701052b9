"""Our own event format (the curated ISIS-network file, the CAPS-article events, and the template
analysts fill in): one row per event, already in schema terms, with its citation."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl import schema
from etl.actors import actor_group
from etl.dates import parse_date
from etl.sources.common import blank_to_none, cell, count, load_rows, short_hash

DATASET = "curated"
COLUMNS = ("event_date", "date_end", "date_precision", "country", "admin1", "admin2", "location",
           "category", "actor", "assoc_actor", "target", "killed", "injured", "description",
           "source_title", "source_url", "source_publisher", "source_date")


def load(path: Path, name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    events, rejects = load_rows(path, name, COLUMNS, _event)
    return pd.DataFrame(events), pd.DataFrame(rejects, columns=list(schema.REJECT_COLUMNS))


def _event(row: dict) -> dict:
    actor, assoc = blank_to_none(row["actor"]), blank_to_none(row["assoc_actor"])
    return {
        "event_id": f"{DATASET}:" + short_hash(row["event_date"], row["category"], row["actor"],
                                               row["location"], row["source_url"]),
        "dataset": DATASET,
        "event_date": cell(row, "event_date", parse_date),
        "date_end": cell(row, "date_end", parse_date),
        "date_precision": blank_to_none(row["date_precision"]) or "day",
        "country": blank_to_none(row["country"]),
        "admin1": blank_to_none(row["admin1"]),
        "admin2": blank_to_none(row["admin2"]),
        "location": blank_to_none(row["location"]),
        "category": blank_to_none(row["category"]),
        "actor": actor if not assoc else f"{actor} (with {assoc})",
        "actor_group": actor_group(actor, assoc),
        "target": blank_to_none(row["target"]),
        "fatalities": cell(row, "killed", count),
        "injured": cell(row, "injured", count),
        "description": blank_to_none(row["description"]),
        "source_name": blank_to_none(row["source_publisher"]),
        "source_title": blank_to_none(row["source_title"]),
        "source_url": blank_to_none(row["source_url"]),
        "source_date": cell(row, "source_date", parse_date),
    }
