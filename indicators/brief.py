"""The briefing note: 8-17 sentences in plain words from deterministic templates, each with the
numbers it uses (and the indicator and filters each came from), the filters of its evidence and
its sources. No language model; words of change only where indicators.significance allows them.

`briefing_note(con, f, period)` -> Note. `default_period(con, f)` is the latest complete quarter
before the newest event.

The note tells how much to trust it: it opens with a sentence when the data hold less than half
of the published count for the period (indicators.yardsticks, pro rata), and then reads every
count as a floor ("at least"); a claim about the most active group or a group's first attack in a
district needs at least MIN_EVIDENCE events behind it; a comparison across a change of coverage is
made on the datasets that cover both periods, saying so; and where only datasets recording a part
of events (one network, one kind of attack) cover the period, every sentence names that part.

Its parts: the figures and the bases of comparison (indicators/brief_draft.py), the sentences
(indicators/brief_sentences.py, where MIN_EVIDENCE is) and their wording (indicators/brief_words.py).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from indicators import coverage
from indicators.brief_draft import Sentence
from indicators.brief_sentences import Writer
from indicators.brief_words import joined
from indicators.filters import Filters
from indicators.periods import Period, periods_between


@dataclass(frozen=True)
class Note:
    period: Period
    filters: Filters
    sentences: tuple[Sentence, ...]
    stamp: tuple[tuple[str, str], ...]  # (label, text): filters, period, data version, coverage

    @property
    def title(self) -> str:
        return f"Briefing note: {self.period.label}"


def default_period(con: duckdb.DuckDBPyConnection, f: Filters, kind: str = "quarter") -> Period | None:
    """The latest complete period of `kind` before the newest event the filters keep (in any
    year; events dated only to the year left out unless `kind` is year), and not after the
    filters' last year; None when there is no event, or that period is before the filters' years
    or ends before the first event."""
    where, params = f.all_time().where()
    precise = "" if kind == "year" else " AND date_precision <> 'year'"
    first, newest = con.execute(f"SELECT min(event_date), max(event_date) FROM events WHERE {where}{precise}",
                                params).fetchone()
    if newest is None:
        return None
    last = Period.containing(kind, newest)
    if last.last_day > newest:
        last = last.previous()
    last = min(last, Period.containing(kind, dt.date(f.year_to, 12, 31)))
    return last if last.last_day.year >= f.year_from and last.last_day >= first else None


def period_choices(con: duckdb.DuckDBPyConnection, f: Filters, kind: str) -> list[Period]:
    """Periods of `kind` in the filters' years up to the end of the data, latest first."""
    end = coverage.covered_until(coverage.dataset_coverage(con, f))
    if end is None:
        return []
    last = min(end, dt.date(f.year_to, 12, 31))
    first = dt.date(f.year_from, 1, 1)
    return list(reversed(periods_between(kind, first, last))) if first <= last else []


def briefing_note(con: duckdb.DuckDBPyConnection, f: Filters, period: Period) -> Note:
    """The note for the filters (their years are replaced by the period) and the period."""
    b = Writer(con, f, period)
    b.completeness()
    b.violence()
    b.headline()
    b.deaths()
    b.places("province")
    b.places("district")
    b.groups()
    b.new_places()
    b.minorities()
    b.signals()
    b.alerts()
    b.coverage_sentence()
    built, version = con.execute("SELECT min(built_at), min(version) FROM etl_runs").fetchone()
    stamp = (("Filters", b.ef.describe()),
             ("Period", f"{period.label} ({period.start:%-d %B %Y} to {period.last_day:%-d %B %Y}), "
                        f"against {joined([x.label for x in (b.p0, b.py) if x])}"),
             ("Data version", f"{version}, built {str(built)[:10]}"),
             ("Coverage", "; ".join(f"{r.name}: {coverage.span(r)} ({r.events:,} events)"
                                    for r in b.cov) or "no data"))
    return Note(period, f, tuple(b.sentences), stamp)
