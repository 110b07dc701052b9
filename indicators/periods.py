"""Periods of a briefing note (a month, quarter, half-year or year) and the filters of a sentence's
evidence: the sidebar's Filters narrowed to the days of a period (`over`; Filters' `date_from`,
`date_to` and `minority_only`, which indicators.library keeps off the yearly `event_cube`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

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


def over(f: Filters, period: Period, **changes) -> Filters:
    """`f` narrowed to the days of `period` (a briefing sentence's evidence; no minority condition
    unless given), with other fields changed as given."""
    return replace(f, **{"year_from": period.start.year, "year_to": period.last_day.year,
                         "date_from": period.start, "date_to": period.last_day,
                         "minority_only": False, **changes})
