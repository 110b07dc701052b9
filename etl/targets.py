"""Targets as reported -> a target class and a religious-minority flag, from the rules in
data/reference/target_classes.csv (first match wins; no match: contract.schema.UNKNOWN_TARGET)."""
from __future__ import annotations

import csv
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from contract.schema import UNKNOWN_TARGET
from etl import reference


def load_rules() -> tuple[tuple[re.Pattern, str, bool], ...]:
    """data/reference/target_classes.csv of the data folder being read (etl/reference.py)."""
    return _load_rules(*reference.key("target_classes.csv"))


@lru_cache(maxsize=8)
def _load_rules(path: str, mtime_ns: int) -> tuple[tuple[re.Pattern, str, bool], ...]:
    with open(path, encoding="utf-8") as handle:
        return tuple((re.compile(r["pattern"], re.IGNORECASE), r["target_class"], r["minority"] == "true")
                     for r in csv.DictReader(handle))


def classify(target: str | None) -> tuple[str, bool]:
    if isinstance(target, str) and target.strip():
        for pattern, target_class, minority in load_rules():
            if pattern.search(target):
                return target_class, minority
    return UNKNOWN_TARGET, False


def add_target_classes(events: pd.DataFrame) -> pd.DataFrame:
    """Fill target_class and target_minority from the target column (the rules run once per
    distinct target, not once per row)."""
    target = events["target"] if "target" in events else pd.Series(None, index=events.index, dtype=object)
    codes, uniques = pd.factorize(target, use_na_sentinel=True)
    found = [classify(v) for v in uniques] + [classify(None)]  # code -1 (no target): the last
    return events.assign(target_class=np.array([c for c, _ in found], dtype=object)[codes],
                         target_minority=np.array([m for _, m in found], dtype=bool)[codes])
