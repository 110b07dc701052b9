"""The briefing note's figures: each number a sentence uses with the indicator and filters it came
from (Number), the sentences themselves (Sentence), and the draft they are added to (Draft): the
period, the one before and the year before, and on which basis each comparison is made (the
note's filters, the datasets that cover both periods, or none). indicators/brief_sentences.py
writes the sentences on it; indicators/brief.py puts the note together.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb

from indicators import coverage, library
from indicators.brief_words import WITHHELD, against, joined, restricted, scope_words, versus
from indicators.filters import Filters
from indicators.periods import Period, over


@dataclass(frozen=True)
class Number:
    """A number a sentence uses: what it counts, its value, the indicator it came from
    ('measure:<id>' of indicators.library, 'new_districts', 'first_attacks' or 'alerts') and the
    filters it was computed with."""

    name: str
    value: object
    indicator: str
    filters: Filters


@dataclass(frozen=True)
class Sentence:
    key: str
    text: str
    numbers: tuple[Number, ...]
    evidence: Filters  # the events behind the sentence (the Events page shows them)
    sources: tuple[str, ...]  # short names of the datasets of those events


def evidence_sources(con: duckdb.DuckDBPyConnection, ef: Filters) -> tuple[str, ...]:
    """Short names of the datasets of the events behind a sentence."""
    where, params = ef.where("e")
    return tuple(con.execute(f"SELECT DISTINCT s.short_name FROM events e JOIN sources s "
                             f"ON s.file = e.source_file WHERE {where} ORDER BY 1", params)
                 .df()["short_name"])


def count(con, ef: Filters, measure: str) -> Number:
    value = round(library.measure_by(con, ef, measure, ())["value"].iloc[0])  # GTD has fractions
    return Number(measure, value, f"measure:{measure}", ef)


@dataclass(frozen=True)
class Basis:
    """How the period is compared with `then`: on the note's filters (`on` empty), on the
    datasets that cover both periods in full (`on`: their names), or not at all (`now` None)."""

    then: Period
    now: Filters | None
    before: Filters | None
    on: tuple[str, ...]
    problem: str | None

    @property
    def words(self) -> str:
        many = len(self.on) > 1
        return (f"compared on {joined(list(self.on))}, the dataset{'s' if many else ''} that "
                f"cover{'' if many else 's'} both")


class Draft:
    """The note being written: its filters and periods, the coverage of each dataset, the bases
    of its comparisons, the scope words when only partial datasets cover the period, the floor
    ('at least ') once the data are known to be far from complete, and the sentences so far."""

    def __init__(self, con, f: Filters, period: Period):
        self.con, self.f, self.p = con, f, period
        self.p0 = period.previous()
        # a yearly note's previous period is the year before: one comparison, not two
        self.py = None if period.year_before() == self.p0 else period.year_before()
        self.cov = coverage.dataset_coverage(con, f)
        self.ef = over(f, period)
        self.b0 = self.basis(self.p0)
        self.by = self.basis(self.py) if self.py else None
        self.bases = [b for b in (self.b0, self.by) if b]
        covering = [r for r in self.cov if coverage.status(r, period) != "none"]
        self.scope = (joined(list(dict.fromkeys(scope_words(r.records) for r in covering)))
                      if covering and not any(r.complete for r in covering) else None)
        self.floor = ""  # "at least " once the data are known to be far from complete
        self.sentences: list[Sentence] = []

    def basis(self, then: Period) -> Basis:
        problem = coverage.comparison_problem(self.cov, self.p, then)
        now, before = self.ef, over(self.f, then)
        if not problem:
            return Basis(then, now, before, (), None)
        both = [r for r in self.cov
                if coverage.status(r, self.p) == "full" and coverage.status(r, then) == "full"]
        if not both:
            return Basis(then, None, None, (), problem)
        datasets = tuple(r.dataset for r in both)
        return Basis(then, replace(now, datasets=datasets), replace(before, datasets=datasets),
                     tuple(r.name for r in both), problem)

    def add(self, key: str, text: str, numbers, evidence: Filters) -> None:
        if self.scope and key != "coverage":
            text = f"{text[:-1]} (recorded for {self.p.label}: only {self.scope})."
        self.sentences.append(Sentence(key, text, tuple(numbers), evidence,
                                       evidence_sources(self.con, evidence)))

    def not_compared(self, then: Period) -> str:
        return f"no comparison with {then.label} is made: {WITHHELD}"

    def compared(self, b: Basis, measure: str, ef_of=lambda ef: ef) -> tuple[str, list[Number]]:
        """'; <comparison with b.then>' for a count of `measure` (over `ef_of` of the filters)
        made on a restricted basis or withheld; '' when made on the note's filters."""
        if b.now is None:
            return f"; {self.not_compared(b.then)}", []
        now, before = count(self.con, ef_of(b.now), measure), count(self.con, ef_of(b.before), measure)
        return f"; {b.words}, {restricted(now.value, before.value, self.p, b.then)}", [now, before]

    def count_sentence(self, key: str, subject: str, measure: str, evidence: Filters,
                       ef_of=lambda ef: ef, tail=None, detail: str = "", extra=()) -> None:
        """'<subject>: N in P, <against the previous period>[; <against the year before>].'
        `detail` replaces ' in P' after the current count ('{p}' stands for the period); `extra`
        are the numbers it uses; `tail(now)` -> (text, numbers) ends the sentence."""
        now = count(self.con, ef_of(self.ef), measure)
        numbers, n = [now, *extra], now.value
        if self.b0.on or self.b0.now is None:
            shown = detail.replace("{p}", self.p.label) if detail else f" in {self.p.label}"
            text = f"{subject}: {self.floor}{n:,}{shown}"
            more, found = self.compared(self.b0, measure, ef_of)
            text, numbers = text + more, numbers + found
        else:
            before = count(self.con, ef_of(self.b0.before), measure)
            numbers.append(before)
            text = versus(subject, n, before.value, self.p, self.p0, self.floor, detail)[0]
        if self.by and key == "headline":
            if self.by.on or self.by.now is None:
                more, found = self.compared(self.by, measure, ef_of)
                text, numbers = text + more, numbers + found
            else:
                year = count(self.con, ef_of(self.by.before), measure)
                numbers.append(year)
                text += f"; {against(year.value, n, self.py)}"
        if tail:
            more, found = tail(now)
            text, numbers = text + more, numbers + found
        self.add(key, text + ".", numbers, evidence)
