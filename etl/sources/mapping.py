"""Shared per-distinct-value mappings for the vectorised adapters: actor groups, provinces,
categories (from data/reference/event_categories.csv)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from etl import schema
from etl.actors import UNKNOWN, actor_group
from etl.geo import normalise_province
from etl.sources.table import Cells, combinations, event_categories, per_combination, per_value

UNKNOWN_NAMES = {"", "unknown", "unidentified", "unknown group"}


def groups(actor: pd.Series, assoc: pd.Series) -> pd.Series:
    """actor_group per row, computed once per distinct (actor, associated actor)."""
    def group(a, b) -> str:
        a = None if not isinstance(a, str) or a.strip().lower() in UNKNOWN_NAMES else a
        b = None if not isinstance(b, str) or b.strip().lower() in UNKNOWN_NAMES else b
        return actor_group(a, b) if (a or b) else UNKNOWN
    return per_combination([actor, assoc], group)


def provinces(raw: pd.Series) -> pd.Series:
    return per_value(raw, lambda v: None if v is None or v.strip().lower() in UNKNOWN_NAMES
                     else normalise_province(v))


def categories(cells: Cells, dataset: str, fields: tuple[str, ...], role: pd.Series) -> pd.Series:
    """Our category per row: the first of `fields` whose value is in the table decides; the
    row's actor role (non_state, state, foreign) picks the column. A combination the table does
    not map loads as 'other', with a flag naming the line to add to the table."""
    table = event_categories()
    values = [cells.text(f) for f in fields]

    def lookup(r, *vals) -> tuple[str, str | None]:
        """(category, None) or ('other', why it is flagged)."""
        vals = ["" if not isinstance(v, str) else v for v in vals]
        for field, value in zip(fields, vals):
            hit = table.get((dataset, field, value.strip().lower()))
            if hit is not None:
                if hit[r]:
                    return hit[r], None
                break
        shown = ", ".join(f"{f}={v!r}" for f, v in zip(fields, vals) if v)
        return "other", (f"{shown or fields[0] + ' is empty'} (actor role {r.replace('_', '-')}) "
                         f"is not in data/reference/event_categories.csv; loaded as 'other' (add a "
                         f"line mapping it to a category)")

    combos, inverse = combinations([role, *values])  # once per distinct combination
    looked = [lookup(*combo) for combo in combos]
    flagged = np.array([w is not None for _, w in looked])[inverse]
    if flagged.any():
        why = pd.Series(np.array([w for _, w in looked], dtype=object)[inverse], index=role.index)
        cells.flag(why.notna(), fields[0], values[0], lambda reason: reason, keys=why)
    return schema.spread([c for c, _ in looked], inverse, role.index)
