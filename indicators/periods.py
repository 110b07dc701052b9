"""Periods of a briefing note (a month, quarter, half-year or year) and the filters of a sentence's
evidence: the sidebar's Filters narrowed to dates inside a year, and optionally to attacks on
religious minorities.

`EvidenceFilters` adds its conditions in `where()`, so every query over the `events` table that
takes Filters takes it too (measures, event counts and pages). It must not be used on `event_cube`,
whose `event_date` is the first day of the year.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields, replace

from indicators.filters import Filters

KINDS = ("month", "quarter", "half", "year")
MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
KIND_NAMES = {"month": "month", "quarter": "quarter", "half": "half-year", "year": "year"}


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period: `kind` (month, quarter, half, year) starting on `start` (its first day)."""

    kind: str
    start: dt.date

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"period kind {self.kind!r}: expected one of {', '.join(KINDS)}")
        if self.start.day != 1 or (self.start.month - 1) % MONTHS[self.kind]:
            raise ValueError(f"{self.start} does not start a {KIND_NAMES[self.kind]}")

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> "Period":
        step = MONTHS[kind]
        return cls(kind, dt.date(day.year, (day.month - 1) // step * step + 1, 1))

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        return _add_months(self.start, MONTHS[self.kind])

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def shift(self, periods: int) -> "Period":
        return Period(self.kind, _add_months(self.start, periods * MONTHS[self.kind]))

    def previous(self) -> "Period":
        return self.shift(-1)

    def year_before(self) -> "Period":
        return Period(self.kind, self.start.replace(year=self.start.year - 1))

    @property
    def label(self) -> str:
        """'October 2018', 'Q4 2018', 'H2 2018', '2018'."""
        y, m = self.start.year, self.start.month
        return {"month": f"{self.start:%B} {y}", "quarter": f"Q{(m - 1) // 3 + 1} {y}",
                "half": f"H{(m - 1) // 6 + 1} {y}", "year": str(y)}[self.kind]

    @property
    def code(self) -> str:
        """What `parse_period` reads: '2018-10', '2018-Q4', '2018-H2', '2018'."""
        y, m = self.start.year, self.start.month
        return {"month": f"{y}-{m:02d}", "quarter": f"{y}-Q{(m - 1) // 3 + 1}",
                "half": f"{y}-H{(m - 1) // 6 + 1}", "year": str(y)}[self.kind]


def parse_period(text: str) -> Period:
    """'2018-10' (a month), '2018-Q4', '2018-H2' or '2018'."""
    t = text.strip().upper()
    if m := re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", t):
        return Period("month", dt.date(int(m[1]), int(m[2]), 1))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", t):
        return Period("quarter", dt.date(int(m[1]), 3 * int(m[2]) - 2, 1))
    if m := re.fullmatch(r"(\d{4})-H([12])", t):
        return Period("half", dt.date(int(m[1]), 6 * int(m[2]) - 5, 1))
    if m := re.fullmatch(r"(\d{4})", t):
        return Period("year", dt.date(int(m[1]), 1, 1))
    raise ValueError(f"period {text!r}: expected YYYY-MM (a month), YYYY-Q1..Q4, YYYY-H1/H2 or YYYY")


def periods_between(kind: str, first: dt.date, last: dt.date) -> list[Period]:
    """Every period of `kind` from the one containing `first` to the one containing `last`."""
    out, p = [], Period.containing(kind, first)
    while p.start <= last:
        out.append(p)
        p = p.shift(1)
    return out


@dataclass(frozen=True)
class EvidenceFilters(Filters):
    """Filters narrowed to the days `date_from`..`date_to` (inclusive) and, with `minority_only`,
    to attacks on religious minorities. When the days are not whole years, events dated only to
    the year are left out (as in every monthly or quarterly count)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    minority_only: bool = False

    @classmethod
    def of(cls, f: Filters, period: Period | None = None, **changes) -> "EvidenceFilters":
        """`f` (any Filters) over `period`, with other fields changed as given."""
        base = {fl.name: getattr(f, fl.name) for fl in fields(Filters)}
        if period is not None:
            base.update(year_from=period.start.year, year_to=period.last_day.year,
                        date_from=period.start, date_to=period.last_day)
        elif isinstance(f, EvidenceFilters):
            base.update(date_from=f.date_from, date_to=f.date_to, minority_only=f.minority_only)
        return cls(**{**base, **changes})

    @property
    def sub_year(self) -> bool:
        return ((self.date_from is not None and (self.date_from.month, self.date_from.day) != (1, 1))
                or (self.date_to is not None and (self.date_to.month, self.date_to.day) != (12, 31)))

    def where(self, alias: str = "") -> tuple[str, list]:
        sql, params = super().where(alias)
        p = f"{alias}." if alias else ""
        if self.date_from is not None:
            sql += f" AND {p}event_date >= ?"
            params.append(self.date_from)
        if self.date_to is not None:
            sql += f" AND {p}event_date <= ?"
            params.append(self.date_to)
        if self.sub_year:
            sql += f" AND {p}date_precision <> 'year'"
        if self.minority_only:
            sql += f" AND {p}category = 'attack' AND {p}target_minority"
        return sql, params

    def all_time(self) -> Filters:
        """The plain filters over every year (no dates, no minority condition)."""
        return Filters(**{fl.name: getattr(self, fl.name) for fl in fields(Filters)}).all_time()

    def previous(self) -> "EvidenceFilters":
        """The same number of days just before."""
        if self.date_from is None or self.date_to is None:
            return replace(super().previous(), date_from=None, date_to=None)
        days = self.date_to - self.date_from + dt.timedelta(days=1)
        start, end = self.date_from - days, self.date_from - dt.timedelta(days=1)
        return replace(self, year_from=start.year, year_to=end.year, date_from=start, date_to=end)

    def describe(self, district_names: dict[str, str] | None = None) -> str:
        text = super().describe(district_names)
        if self.date_from is not None or self.date_to is not None:
            years = str(self.year_from) if self.years == 1 else f"{self.year_from}-{self.year_to}"
            start = f"{self.date_from:%-d %b %Y}" if self.date_from else "the start"
            end = f"{self.date_to:%-d %b %Y}" if self.date_to else "the end"
            head, sep, tail = text.partition(f", {years}")
            text = f"{head}, {start} to {end}{tail}" if sep else f"{text}, {start} to {end}"
        if self.minority_only:
            text += ", attacks on religious minorities"
        return text
