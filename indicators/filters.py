"""The filters every indicator takes, and their SQL (always with ? parameters)."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, replace
from typing import Iterable

from contract.schema import (COUNTRY_NAMES, DEFAULT_CATEGORIES, MILITANT_CATEGORIES, MILITANT_KINDS,
                             SIGNAL_CATEGORIES)

# Filters field -> the word for one of its values, in messages
NOUNS = {"countries": "country", "provinces": "province", "districts": "district",
         "categories": "category", "actor_kinds": "actor kind", "actor_groups": "actor group",
         "datasets": "dataset"}
RECENT_YEARS = 10  # the default view: the last ten years with data (the whole range one click away)
SHOWN_VALID = 20  # longer lists of valid values are cut, saying how many more there are


@dataclass(frozen=True)
class Filters:
    """An empty tuple means 'all'. Years are inclusive; `districts` holds district_id values."""

    year_from: int
    year_to: int
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    # the kinds of actor counted (table actor_kinds); by default the militant ones
    actor_kinds: tuple[str, ...] = MILITANT_KINDS
    actor_groups: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    precise_dates_only: bool = False  # keep only events dated to the day
    all_duplicates: bool = False  # count every member of a cluster of probable duplicates
    # the days date_from..date_to (inclusive) inside the years, and attacks on religious minorities
    # only: a briefing sentence's evidence (indicators/periods.py). When the days are not whole
    # years, events dated only to the year are left out (as in every monthly or quarterly count).
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    minority_only: bool = False

    def where(self, alias: str = "") -> tuple[str, list]:
        """A SQL condition over table `events` (optionally aliased) and its parameters."""
        p = f"{alias}." if alias else ""
        clauses = [f"{p}event_date >= make_date(?, 1, 1)", f"{p}event_date < make_date(?, 1, 1)"]
        params: list = [self.year_from, self.year_to + 1]
        for column, values in (("country", self.countries), ("admin1", self.provinces),
                               ("district_id", self.districts), ("category", self.categories),
                               ("actor_group", self.actor_groups), ("dataset", self.datasets)):
            if values:
                clauses.append(f"{p}{column} IN ({', '.join('?' * len(values))})")
                params.extend(values)
        if self.actor_kinds:
            clauses.append(f"{p}actor_group IN (SELECT actor_group FROM actor_kinds WHERE kind IN "
                           f"({', '.join('?' * len(self.actor_kinds))}))")
            params.extend(self.actor_kinds)
        if self.precise_dates_only:
            clauses.append(f"{p}date_precision = 'day'")
        if not self.all_duplicates:
            clauses.append(f"NOT {p}is_secondary")  # see etl/derived.py
        if self.date_from is not None:
            clauses.append(f"{p}event_date >= ?")
            params.append(self.date_from)
        if self.date_to is not None:
            clauses.append(f"{p}event_date <= ?")
            params.append(self.date_to)
        if self.sub_year:
            clauses.append(f"{p}date_precision <> 'year'")
        if self.minority_only:
            clauses.append(f"{p}category = 'attack' AND {p}target_minority")
        return " AND ".join(clauses), params

    @property
    def deaths(self) -> str:
        """The deaths column to sum (a fixed name, never user text): by default a cluster of
        probable duplicates counts once with the best figures of its members
        (`fatalities_counted`, see etl/duplicates.py); counted separately, every event has its
        source's own figure (`fatalities`)."""
        return "fatalities" if self.all_duplicates else "fatalities_counted"

    @property
    def hurt(self) -> str:
        """The injured column to sum, as `deaths`."""
        return "injured" if self.all_duplicates else "injured_counted"

    @property
    def windowed(self) -> bool:
        """Whether the filters narrow to days or to attacks on minorities (more than the yearly
        tables the build derives can count)."""
        return self.date_from is not None or self.date_to is not None or self.minority_only

    @property
    def sub_year(self) -> bool:
        return ((self.date_from is not None and (self.date_from.month, self.date_from.day) != (1, 1))
                or (self.date_to is not None and (self.date_to.month, self.date_to.day) != (12, 31)))

    def all_time(self) -> "Filters":
        """The same filters over every year (for 'first ever' and baselines): no days, no
        minority condition."""
        return replace(self, year_from=1900, year_to=2999, date_from=None, date_to=None,
                       minority_only=False)

    @property
    def militant(self) -> bool:
        """Whether the filters count militant violence as the dashboard's default does (the
        default categories and actor kinds, or a subset of the militant ones)."""
        return (set(self.actor_kinds) <= set(MILITANT_KINDS) and bool(self.actor_kinds)
                and set(self.categories) <= set(DEFAULT_CATEGORIES))

    def scope(self) -> str:
        """What the filters count, in words: 'militant violence and weak signals', 'attacks by
        militant groups', 'all categories, every kind of actor', ..."""
        cats, kinds = set(self.categories), set(self.actor_kinds)
        violence = cats & set(MILITANT_CATEGORIES)
        if self.militant:
            head = ("militant violence" if violence == set(MILITANT_CATEGORIES)
                    else "attacks by militant groups" if violence == {"attack"}
                    else "armed clashes of militant groups" if violence else "")
            signals = cats & set(SIGNAL_CATEGORIES)
            tail = ("weak signals" if signals == set(SIGNAL_CATEGORIES)
                    else _join([c for c in SIGNAL_CATEGORIES if c in signals]) if signals else "")
            if kinds != set(MILITANT_KINDS):
                head += f" ({_join(sorted(kinds))} actors)" if head else ""
            return " and ".join(t for t in (head, tail) if t) or "no category"
        what = (_join([c.replace("_", " ") for c in self.categories]) if self.categories
                else "all categories")
        who = f"{_join(sorted(kinds))} actors" if kinds else "every kind of actor"
        return f"{what}, {who}"

    @property
    def years(self) -> int:
        return self.year_to - self.year_from + 1

    def previous(self) -> "Filters":
        """The same filters over the period of equal length just before (the same number of
        days, with a window of days)."""
        if self.date_from is None or self.date_to is None:
            return replace(self, year_from=self.year_from - self.years, year_to=self.year_from - 1,
                           date_from=None, date_to=None)
        days = self.date_to - self.date_from + dt.timedelta(days=1)
        start, end = self.date_from - days, self.date_from - dt.timedelta(days=1)
        return replace(self, year_from=start.year, year_to=end.year, date_from=start, date_to=end)

    def describe(self, district_names: dict[str, str] | None = None) -> str:
        """The filters in words, for subtitles: 'Sindh and Balochistan, 2014-2017, Islamic State'."""
        names = district_names or {}
        parts = []
        if self.districts:
            parts.append(_join([names.get(d, d) for d in self.districts]))
        elif self.provinces:
            parts.append(_join(self.provinces))
        elif self.countries:
            parts.append(_join([COUNTRY_NAMES.get(c, c) for c in self.countries]))
        else:
            parts.append("Pakistan and Afghanistan")
        if self.date_from is not None or self.date_to is not None:
            start = f"{self.date_from:%-d %b %Y}" if self.date_from else "the start"
            end = f"{self.date_to:%-d %b %Y}" if self.date_to else "the end"
            parts.append(f"{start} to {end}")
        else:
            parts.append(str(self.year_from) if self.years == 1 else f"{self.year_from}-{self.year_to}")
        if self.actor_groups:
            parts.append(_join(self.actor_groups))
        parts.append(self.scope())
        if self.datasets:
            parts.append("datasets: " + ", ".join(self.datasets))
        if self.precise_dates_only:
            parts.append("events dated to the day only")
        if self.all_duplicates:
            parts.append("probable duplicates counted separately")
        if self.minority_only:
            parts.append("attacks on religious minorities")
        return ", ".join(parts)


def _join(items) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) > 4:
        return f"{', '.join(items[:3])} and {len(items) - 3} more"
    return f"{', '.join(items[:-1])} and {items[-1]}"


def default_years(options: dict) -> tuple[int, int]:
    """The years the dashboard and the CLIs open on: the last RECENT_YEARS years with data
    (`options`: indicators.overview.filter_options)."""
    lo, hi = options["years"]
    return max(lo, hi - RECENT_YEARS + 1), hi


def parse_years(text: str) -> tuple[int, int]:
    """'2014-2017' or '2016' -> (first, last year); a ValueError says what is expected."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip()[:20])
    if not match:
        raise ValueError("expected YYYY or YYYY-YYYY, for example 2014-2017")
    start, end = int(match[1]), int(match[2] or match[1])
    if end < start:
        raise ValueError("the first year is after the last")
    return start, end


def check_values(options: dict, field: str, values: Iterable[str]) -> tuple[list[str], list[str]]:
    """The values of a Filters `field` known to the warehouse, and a message for each unknown one.

    `options` is indicators.overview.filter_options. Districts may be given by id or by name
    (any case) and come back as ids. A message reads like sqlite-utils':
    "Unknown province 'Sindhh'. Did you mean 'Sindh'? Valid: Balochistan, ..., Sindh"."""
    if field == "districts":
        frame = options["districts"]
        ids = frame["district_id"].tolist()
        by_name: dict[str, list[str]] = {}
        for district_id, name in zip(ids, frame["admin2"].tolist()):
            by_name.setdefault(name.casefold(), []).append(district_id)
        known = {i.casefold(): [i] for i in ids} | by_name
        valid = sorted(set(frame["admin2"]))
    else:
        valid = list(options[field])
        known = {v.casefold(): [v] for v in valid}
        if field == "countries":  # 'Pakistan' as well as 'PAK'
            known |= {name.casefold(): [iso] for iso, name in COUNTRY_NAMES.items() if iso in valid}
    good, errors = [], []
    for value in values:
        found = known.get(str(value).casefold())
        if found:
            good += [v for v in found if v not in good]
        else:
            errors.append(unknown_value(NOUNS[field], str(value), valid))
    return good, errors


def unknown_value(noun: str, value: str, valid: list[str]) -> str:
    """"Unknown <noun> '<value>'. Did you mean '<closest>'? Valid: a, b, c" (difflib's closest
    match, ignoring case; at most SHOWN_VALID valid values, then how many more)."""
    folded = {v.casefold(): v for v in valid}
    close = difflib.get_close_matches(value.casefold(), list(folded), n=1, cutoff=0.6)
    hint = f" Did you mean {folded[close[0]]!r}?" if close else ""
    shown = ", ".join(valid[:SHOWN_VALID])
    more = f" and {len(valid) - SHOWN_VALID} more" if len(valid) > SHOWN_VALID else ""
    return f"Unknown {noun} {value[:40]!r}.{hint} Valid: {shown}{more}."
