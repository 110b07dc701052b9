"""Actor names as reported -> normalised actor families, from the rules in data/reference."""
from __future__ import annotations

import csv
import re
from functools import lru_cache

from etl import reference

UNKNOWN = "Unknown"
OTHER = "Other"


def load_rules() -> tuple[tuple[re.Pattern, str], ...]:
    """data/reference/actor_groups.csv of the data folder being read (etl/reference.py)."""
    return _load_rules(*reference.key("actor_groups.csv"))


@lru_cache(maxsize=8)
def _load_rules(path: str, mtime_ns: int) -> tuple[tuple[re.Pattern, str], ...]:
    """Ordered (pattern, group) rules. A pattern is case-insensitive except the all-capital
    abbreviation `\\bIS\\b`, which must match in capitals (so the English word 'is' does not)."""
    rules = []
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            parts = row["pattern"].split("|")
            exact = [p for p in parts if p.startswith(r"\bIS")]
            loose = [p for p in parts if not p.startswith(r"\bIS")]
            if loose:
                rules.append((re.compile("|".join(loose), re.IGNORECASE), row["actor_group"]))
            if exact:
                rules.append((re.compile("|".join(exact)), row["actor_group"]))
    return tuple(rules)


def actor_group(*names: str | None) -> str:
    """The family of the first rule matching the actor (then the associated actor); an actor the
    rules call unknown ('Unidentified Armed Group') leaves the associated actor to name it."""
    named = [n for n in names if n and n.strip()]
    if not named:
        return UNKNOWN
    found = OTHER
    for name in named:
        for pattern, group in load_rules():
            if pattern.search(name):
                if group != UNKNOWN:
                    return group
                found = UNKNOWN
                break
    return found


def parents() -> dict[str, str]:
    """data/reference/actor_groups.csv of the data folder being read (etl/reference.py)."""
    return _parents(*reference.key("actor_groups.csv"))


@lru_cache(maxsize=8)
def _parents(path: str, mtime_ns: int) -> dict[str, str]:
    """actor_group -> its parent group where the rules record one (Jamaat-ul-Ahrar -> TTP)."""
    with open(path, encoding="utf-8") as handle:
        return {row["actor_group"]: row["parent"] for row in csv.DictReader(handle)
                if (row.get("parent") or "").strip()}
