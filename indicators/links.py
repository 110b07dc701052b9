"""Filters as a link: the query string of the dashboard's URL (`?years=2014-2017&province=Sindh`),
written by `to_query` and read by `from_query`, the one place of the format. dashboard/ only binds
them to `st.query_params`; the briefing note's evidence links and its exports (which sit below the
dashboard and so cannot import it) use them too.

A briefing sentence's evidence adds its days and, for attacks on religious minorities, a flag:
`&from=2018-10-01&to=2018-12-31&minority=1` (Filters' `date_from`, `date_to`, `minority_only`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Mapping, Sequence
from urllib.parse import urlencode

from contract.schema import DEFAULT_CATEGORIES, MILITANT_KINDS
from indicators.filters import Filters, check_values, default_years, parse_years

# Filters field -> query-string parameter (repeated for several values)
MULTI = {"countries": "country", "provinces": "province", "districts": "district",
         "categories": "category", "actor_kinds": "kind", "actor_groups": "actor", "datasets": "dataset"}
WINDOW = ("from", "to", "minority")  # a briefing sentence's evidence (the Events page only)
PARAMETERS = ("years", *MULTI.values(), "duplicates", *WINDOW)
EVENTS_PAGE = "events"
EVERY_KIND = "all"  # kind=all: every kind of actor (the default, the militant kinds, is not written)
SHOWN_ERRORS = 3  # unknown values noted per parameter


def to_query(f: Filters, years: tuple[int, int] | None = None) -> list[tuple[str, str]]:
    """The query-string pairs of `f` (defaults left out; the years too when they are `years`)."""
    pairs = []
    if (f.year_from, f.year_to) != years:
        pairs.append(("years", str(f.year_from) if f.years == 1 else f"{f.year_from}-{f.year_to}"))
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
    if f.date_from is not None:
        pairs.append(("from", f.date_from.isoformat()))
    if f.date_to is not None:
        pairs.append(("to", f.date_to.isoformat()))
    if f.minority_only:
        pairs.append(("minority", "1"))
    return pairs


def from_query(params: Mapping[str, Sequence[str]], options: dict) -> tuple[Filters, list[str]]:
    """The Filters a query string asks for (`params`: parameter -> its values, the last one
    counting for single ones) and a note on each value ignored as not valid (`options`:
    indicators.overview.filter_options; the values are checked by indicators.filters, as the
    command-line flags are). What is absent or ignored keeps its default."""
    notes: list[str] = []
    lo, hi = options["years"]
    f = Filters(*default_years(options))
    if "years" in params:
        text = params["years"][-1]
        try:
            start, end = parse_years(text)
            if not lo <= start <= end <= hi:
                raise ValueError(f"expected years within {lo}-{hi}")
            f = replace(f, year_from=start, year_to=end)
        except ValueError as err:
            notes.append(f"years={text[:40]!r} ignored: {err}")
    if "duplicates" in params:
        if params["duplicates"][-1] == "all":
            f = replace(f, all_duplicates=True)
        else:
            notes.append(f"duplicates={params['duplicates'][-1][:40]!r} ignored: expected 'all'")
    for key, param in MULTI.items():
        if param not in params:
            continue
        if key == "actor_kinds" and list(params[param]) == [EVERY_KIND]:
            f = replace(f, actor_kinds=())
            continue
        good, errors = check_values(options, key, params[param])
        if good:
            f = replace(f, **{key: tuple(good)})
        notes += [f"{param} ignored. {error}" for error in errors[:SHOWN_ERRORS]]
    window: dict = {}
    for key, field in (("from", "date_from"), ("to", "date_to")):
        if key in params:
            text = params[key][-1]
            try:
                window[field] = dt.date.fromisoformat(text[:10])
            except ValueError:
                notes.append(f"{key}={text[:40]!r} ignored: expected a date YYYY-MM-DD")
    if len(window) == 2 and window["date_from"] > window["date_to"]:
        notes.append("from/to ignored: the first day is after the last")
        window = {}
    if "minority" in params:
        if params["minority"][-1] == "1":
            window["minority_only"] = True
        else:
            notes.append(f"minority={params['minority'][-1][:40]!r} ignored: expected 1")
    return replace(f, **window), notes


def events_url(f: Filters, base: str = "") -> str:
    """`events?...` (relative to the dashboard), or absolute under `base` (for exported notes)."""
    path = f"{base.rstrip('/')}/{EVENTS_PAGE}" if base else EVENTS_PAGE
    return f"{path}?{urlencode(to_query(f))}"
