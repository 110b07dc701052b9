"""Filters as a link: the query string of the dashboard's URL (`?years=2014-2017&province=Sindh`),
read by dashboard/filters.py and written here for the pages, the briefing note's evidence links
and its exports (which sit below the dashboard and so cannot import it)."""
from __future__ import annotations

from urllib.parse import urlencode

from contract.schema import DEFAULT_CATEGORIES, MILITANT_KINDS
from indicators.filters import Filters
from indicators.periods import EvidenceFilters

# Filters field -> query-string parameter (repeated for several values)
MULTI = {"countries": "country", "provinces": "province", "districts": "district",
         "categories": "category", "actor_kinds": "kind", "actor_groups": "actor", "datasets": "dataset"}
EVENTS_PAGE = "events"
EVERY_KIND = "all"  # kind=all: every kind of actor (the default, the militant kinds, is not written)


def events_query(f: Filters) -> list[tuple[str, str]]:
    """The query-string pairs that open the Events page with `f`."""
    pairs = [("years", str(f.year_from) if f.years == 1 else f"{f.year_from}-{f.year_to}")]
    for key, param in MULTI.items():
        values = list(getattr(f, key))
        if key == "categories" and values == list(DEFAULT_CATEGORIES):
            continue
        if key == "actor_kinds":
            if values == list(MILITANT_KINDS):
                continue
            values = values or [EVERY_KIND]
        pairs += [(param, v) for v in values]
    if f.all_duplicates:
        pairs.append(("duplicates", "all"))
    if isinstance(f, EvidenceFilters):
        if f.date_from is not None:
            pairs.append(("from", f.date_from.isoformat()))
        if f.date_to is not None:
            pairs.append(("to", f.date_to.isoformat()))
        if f.minority_only:
            pairs.append(("minority", "1"))
    return pairs


def events_url(f: Filters, base: str = "") -> str:
    """`events?...` (relative to the dashboard), or absolute under `base` (for exported notes)."""
    path = f"{base.rstrip('/')}/{EVENTS_PAGE}" if base else EVENTS_PAGE
    return f"{path}?{urlencode(events_query(f))}"


