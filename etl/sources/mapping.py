"""Shared per-distinct-value mappings for the vectorised adapters: actor groups, provinces,
categories (from data/reference/event_categories.csv)."""
from __future__ import annotations

import pandas as pd

from etl.actors import UNKNOWN, actor_group
from etl.geo import normalise_province
from etl.sources.table import Cells, event_categories, per_value

UNKNOWN_NAMES = {"", "unknown", "unidentified", "unknown group"}


def groups(actor: pd.Series, assoc: pd.Series) -> pd.Series:
    """actor_group per row, computed once per distinct (actor, associated actor)."""
    keys = actor.astype("str").str.cat(assoc.astype("str"), sep="\x1f")

    def group(k: str) -> str:
        a, b = k.split("\x1f", 1)
        a = None if a.strip().lower() in UNKNOWN_NAMES else a
        b = None if b.strip().lower() in UNKNOWN_NAMES else b
        return actor_group(a, b) if (a or b) else UNKNOWN
    return per_value(keys, group)


def provinces(raw: pd.Series) -> pd.Series:
    return per_value(raw, lambda v: None if v is None or v.strip().lower() in UNKNOWN_NAMES
                     else normalise_province(v))


def categories(cells: Cells, dataset: str, fields: tuple[str, ...], role: pd.Series) -> pd.Series:
    """Our category per row: the first of `fields` whose value is in the table decides; the
    row's actor role (non_state, state, foreign) picks the column. Unmapped rows are rejected."""
    table = event_categories()
    values = [cells.text(f) for f in fields]
    keys = role.astype("str")
    for v in values:
        keys = keys.str.cat(v.astype("str"), sep="\x1f")
    found, why = {}, {}
    for k in pd.unique(keys):
        r, *vals = k.split("\x1f")
        category = None
        for field, value in zip(fields, vals):
            hit = table.get((dataset, field, value.strip().lower()))
            if hit is not None:
                category = hit[r] or ""
                break
        found[k] = category or None
        shown = ", ".join(f"{f}={v!r}" for f, v in zip(fields, vals) if v)
        why[k] = (f"{shown or fields[0] + ' is empty'} (actor role {r.replace('_', '-')}) is not "
                  f"one of the dashboard's categories; to load such rows add a line to "
                  f"data/reference/event_categories.csv" if category == "" else
                  f"{shown or fields[0] + ' is empty'} is not in data/reference/event_categories.csv; "
                  f"add a line mapping it to a category")
    result = per_value(keys, found.get)
    cells.fail(result.isna(), fields[0], values[0], lambda k: why[k], keys=keys)
    return result
