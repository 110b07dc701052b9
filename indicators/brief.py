"""The briefing note: 8-15 sentences in plain words from deterministic templates, each with the
numbers it uses (and the indicator and filters each came from), the filters of its evidence and
its sources. No language model; words of change only where indicators.significance allows them.

`briefing_note(con, f, period)` -> Note. `default_period(con, f)` is the latest complete quarter
with data.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from contract.schema import SIGNAL_CATEGORIES
from indicators import alerts, coverage, library, spread
from indicators.filters import Filters
from indicators.periods import EvidenceFilters, Period, periods_between
from indicators.significance import Change, compare_counts

MAX_PLACES = 5  # at most this many sentences on new districts and first attacks together
MAX_ALERTS = 2
WITHHELD = "the datasets covering the two periods differ"


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
    evidence: EvidenceFilters  # the events behind the sentence (the Events page shows them)
    sources: tuple[str, ...]  # short names of the datasets of those events


@dataclass(frozen=True)
class Note:
    period: Period
    filters: Filters
    sentences: tuple[Sentence, ...]
    stamp: tuple[tuple[str, str], ...]  # (label, text): filters, period, data version, coverage

    @property
    def title(self) -> str:
        return f"Briefing note: {self.period.label}"


def _complete_until(con, f: Filters, kind: str) -> dt.date | None:
    """The last day of the latest period of `kind` that the data covers in full."""
    end = coverage.covered_until(coverage.dataset_coverage(con, f))
    if end is None:
        return None
    last = Period.containing(kind, end)
    return last.last_day if last.last_day <= end else last.start - dt.timedelta(days=1)


def default_period(con: duckdb.DuckDBPyConnection, f: Filters, kind: str = "quarter") -> Period | None:
    """The latest period of `kind` that ends before the data stops and has a filtered event
    (within the filters' years); None when there is none."""
    until = _complete_until(con, f, kind)
    if until is None:
        return None
    where, params = f.where()
    precise = "" if kind == "year" else " AND date_precision <> 'year'"
    latest = con.execute(f"SELECT max(event_date) FROM events WHERE {where} AND event_date <= ?{precise}",
                         params + [until]).fetchone()[0]
    return Period.containing(kind, latest) if latest else None


def period_choices(con: duckdb.DuckDBPyConnection, f: Filters, kind: str) -> list[Period]:
    """Periods of `kind` in the filters' years up to the end of the data, latest first."""
    end = coverage.covered_until(coverage.dataset_coverage(con, f))
    if end is None:
        return []
    last = min(end, dt.date(f.year_to, 12, 31))
    first = dt.date(f.year_from, 1, 1)
    return list(reversed(periods_between(kind, first, last))) if first <= last else []


def evidence_sources(con: duckdb.DuckDBPyConnection, ef: Filters) -> tuple[str, ...]:
    """Short names of the datasets of the events behind a sentence."""
    where, params = ef.where("e")
    return tuple(con.execute(f"SELECT DISTINCT s.short_name FROM events e JOIN sources s "
                             f"ON s.file = e.source_file WHERE {where} ORDER BY 1", params)
                 .df()["short_name"])


def _count(con, ef: Filters, measure: str) -> Number:
    value = round(library.measure_by(con, ef, measure, ())["value"].iloc[0])  # GTD has fractions
    return Number(measure, value, f"measure:{measure}", ef)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    if len(items) > 4:
        return f"{', '.join(items[:3])} and {len(items) - 3} more"
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _versus(subject: str, n: int, n0: int, p: Period, p0: Period) -> tuple[str, Change]:
    c = compare_counts(n, n0)
    if not c.significant:
        return f"{subject}: {n:,} in {p.label}, about the same as in {p0.label} ({n0:,})", c
    pct = f" ({c.percent})" if c.percent else ""
    return f"{subject} {c.word} to {n:,} in {p.label} from {n0:,} in {p0.label}{pct}", c


def _against(n1: int, n: int, py: Period) -> str:
    c = compare_counts(n, n1)
    if not c.significant:
        return f"against {py.label} ({n1:,}), about the same"
    return f"against {py.label} ({n1:,}) they {c.word}" + (f" ({c.percent})" if c.percent else "")


class _Builder:
    def __init__(self, con, f: Filters, period: Period):
        self.con, self.f, self.p = con, f, period
        self.p0, self.py = period.previous(), period.year_before()
        self.cov = coverage.dataset_coverage(con, f)
        self.problem0 = coverage.comparison_problem(self.cov, period, self.p0)
        self.problemy = coverage.comparison_problem(self.cov, period, self.py)
        self.ef = EvidenceFilters.of(f, period)
        self.ef0, self.efy = EvidenceFilters.of(f, self.p0), EvidenceFilters.of(f, self.py)
        self.sentences: list[Sentence] = []

    def add(self, key: str, text: str, numbers, evidence: EvidenceFilters) -> None:
        self.sentences.append(Sentence(key, text, tuple(numbers), evidence,
                                       evidence_sources(self.con, evidence)))

    def not_compared(self, then: Period) -> str:
        return f"no comparison with {then.label} is made: {WITHHELD}"

    def headline(self) -> None:
        attacks = "attack" in self.f.categories
        measure, subject = ("attacks", "Attacks") if attacks else ("events", "Events")
        now = _count(self.con, self.ef, measure)
        numbers, n = [now], now.value
        if self.problem0:
            text = f"{subject}: {n:,} in {self.p.label}; {self.not_compared(self.p0)}"
        else:
            before = _count(self.con, self.ef0, measure)
            numbers.append(before)
            text = _versus(subject, n, before.value, self.p, self.p0)[0]
        if self.problemy:
            text += f"; {self.not_compared(self.py)}"
        else:
            year = _count(self.con, self.efy, measure)
            numbers.append(year)
            text += f"; {_against(year.value, n, self.py)}"
        evidence = EvidenceFilters.of(self.ef, categories=("attack",)) if attacks else self.ef
        self.add("headline", text + ".", numbers, evidence)

    def deaths(self) -> None:
        now = _count(self.con, self.ef, "fatalities")
        numbers, against = [now], []
        for then, ef, problem in ((self.p0, self.ef0, self.problem0), (self.py, self.efy, self.problemy)):
            if not problem:
                numbers.append(_count(self.con, ef, "fatalities"))
                against.append(f"{numbers[-1].value:,} in {then.label}")
        text = f"People killed in these events: {now.value:,} in {self.p.label}"
        text += f", against {' and '.join(against)}" if against else ""
        text += " (deaths are given as counts, not tested for change: one attack can kill dozens)."
        self.add("deaths", text, numbers, self.ef)

    def places(self, level: str) -> None:
        key = level
        cur = library.measure_by(self.con, self.ef, "events", (level,))
        cur = cur[cur[key] != "(not known)"]
        label = "admin2" if level == "district" else key
        names = dict(zip(cur[key], cur[label]))
        where = {"province": "provinces", "district": "districts"}[level]

        def unit_filters(ef, unit):
            return EvidenceFilters.of(ef, **{where: (unit,)})

        if cur.empty or cur["value"].sum() == 0:
            self.add(level, f"By {level}: no event in {self.p.label} was placed in a {level}.", [], self.ef)
            return
        top = cur.sort_values(["value", label], ascending=[False, True]).iloc[0]
        if self.problem0:
            n = Number(f"events in {top[label]}", int(top["value"]), "measure:events",
                       unit_filters(self.ef, top[key]))
            self.add(level, f"By {level}, the most events in {self.p.label} were in {top[label]} "
                            f"({n.value:,}); changes from {self.p0.label} are not compared: {WITHHELD}.",
                     [n], n.filters)
            return
        prev = library.measure_by(self.con, self.ef0, "events", (level,))
        prev = prev[prev[key] != "(not known)"]
        names.update(zip(prev[key], prev[label]))
        both = pd.merge(cur[[key, "value"]], prev[[key, "value"]], on=key, how="outer",
                        suffixes=("", "_before")).fillna(0)
        both["name"] = both[key].map(names)
        both["change"] = [compare_counts(a, b) for a, b in zip(both["value"], both["value_before"])]
        both["diff"] = both["value"] - both["value_before"]
        sig = both[[c.significant for c in both["change"]]]
        parts, numbers = [], []
        for rows, direction in ((sig[sig["diff"] > 0].sort_values(["diff", "name"], ascending=[False, True]), "up"),
                                (sig[sig["diff"] < 0].sort_values(["diff", "name"]), "down")):
            if rows.empty:
                continue
            r = rows.iloc[0]
            n = Number(f"events in {r['name']}", int(r["value"]), "measure:events", unit_filters(self.ef, r[key]))
            n0 = Number(f"events in {r['name']}, {self.p0.label}", int(r["value_before"]), "measure:events",
                        unit_filters(self.ef0, r[key]))
            numbers += [n, n0]
            pct = f", {r['change'].percent}" if r["change"].percent else ""
            parts.append(f"activity {r['change'].word} most in {r['name']} ({_plural(n.value, 'event')}, "
                         f"{direction} from {n0.value:,} in {self.p0.label}{pct})")
        if parts:
            self.add(level, f"By {level}, {' and '.join(parts)}.", numbers, numbers[0].filters)
            return
        n = Number(f"events in {top[label]}", int(top["value"]), "measure:events", unit_filters(self.ef, top[key]))
        self.add(level, f"By {level}, no change from {self.p0.label} was significant; the most events "
                        f"were in {top[label]} ({n.value:,}).", [n], n.filters)

    def groups(self) -> None:
        cur = library.measure_by(self.con, self.ef, "events", ("actor_group",))
        named = cur[~cur["actor_group"].isin(["Unknown", "Other", "(not known)"]) & (cur["value"] > 0)]
        named = named.sort_values(["value", "actor_group"], ascending=[False, True]).head(3)
        numbers = [Number(f"events of {g}", int(v), "measure:events", EvidenceFilters.of(self.ef, actor_groups=(g,)))
                   for g, v in zip(named["actor_group"], named["value"])]
        if not numbers:
            self.add("groups", f"No event in {self.p.label} was attributed to a named group.", [], self.ef)
            return
        listed = [f"{numbers[0].filters.actor_groups[0]} ({_plural(numbers[0].value, 'event')})"]
        listed += [f"{n.filters.actor_groups[0]} ({n.value:,})" for n in numbers[1:]]
        text = (f"The most active group in {self.p.label} was {listed[0]}." if len(listed) == 1 else
                f"The most active groups in {self.p.label} were {_join(listed)}.")
        self.add("groups", text, numbers, EvidenceFilters.of(self.ef, actor_groups=tuple(named["actor_group"])))

    def _firsts(self, categories: tuple[str, ...]) -> pd.DataFrame:
        base = replace(EvidenceFilters.of(self.f).all_time(), categories=categories,
                       year_from=self.p.start.year, year_to=self.p.last_day.year)
        rows = spread.new_districts(self.con, base)
        day = pd.to_datetime(rows["first_date"]).dt.date
        return rows[(day >= self.p.start) & (day <= self.p.last_day)]

    def new_places(self) -> None:
        new = self._firsts(self.f.categories)
        firsts = self._firsts(("attack",)) if "attack" in self.f.categories else new.iloc[0:0]
        n_first = min(3, len(firsts))
        by_group = new.groupby("actor_group").agg(n=("district_id", "nunique")).reset_index()
        chosen = by_group.sort_values(["n", "actor_group"], ascending=[False, True])["actor_group"]
        for g in chosen[:min(3, MAX_PLACES - n_first)]:
            rows = new[new["actor_group"] == g].sort_values(["first_date", "admin2"])
            ids = tuple(rows["district_id"])
            n = Number(f"new districts of {g}", len(ids), "new_districts",
                       EvidenceFilters.of(self.ef, actor_groups=(g,)))
            self.add("new_districts", f"{g} was recorded for the first time in {_plural(n.value, 'district')} "
                                      f"in {self.p.label}: {_join(list(rows['admin2']))}.",
                     [n], EvidenceFilters.of(self.ef, actor_groups=(g,), districts=ids))
        for r in firsts.sort_values(["first_date", "actor_group", "admin2"]).head(n_first).itertuples():
            ef = EvidenceFilters.of(self.ef, actor_groups=(r.actor_group,), districts=(r.district_id,),
                                    categories=("attack",))
            day = pd.Timestamp(r.first_date).date()
            self.add("first_attack", f"{r.actor_group} carried out its first recorded attack in {r.admin2} "
                                     f"on {day:%-d %B %Y}.",
                     [Number(f"first attack of {r.actor_group} in {r.admin2}", day, "first_attacks", ef)], ef)

    def minorities(self) -> None:
        if "attack" not in self.f.categories:
            return
        ef = EvidenceFilters.of(self.ef, categories=("attack",), minority_only=True)
        now = _count(self.con, self.ef, "minority_attacks")
        subject = "Attacks on religious minorities"
        if self.problem0:
            self.add("minorities", f"{subject}: {now.value:,} in {self.p.label}; "
                                   f"{self.not_compared(self.p0)}.", [now], ef)
            return
        before = _count(self.con, self.ef0, "minority_attacks")
        self.add("minorities", _versus(subject, now.value, before.value, self.p, self.p0)[0] + ".",
                 [now, before], ef)

    def signals(self) -> None:
        cats = tuple(c for c in SIGNAL_CATEGORIES if c in self.f.categories)
        if not cats:
            return
        ef = EvidenceFilters.of(self.ef, categories=cats)
        now = _count(self.con, self.ef, "signals")
        parts = [_count(self.con, self.ef, c) for c in cats]
        subject = f"Weak signals ({_join(list(cats))})"
        if self.problem0:
            text, numbers = f"{subject}: {now.value:,} in {self.p.label}; {self.not_compared(self.p0)}", [now]
        else:
            before = _count(self.con, self.ef0, "signals")
            text, numbers = _versus(subject, now.value, before.value, self.p, self.p0)[0], [now, before]
        if now.value:
            text += "; they were " + _join([f"{n.value:,} {n.name}" for n in parts if n.value]) + " events"
            numbers += parts
        self.add("signals", text + ".", numbers, ef)

    def alerts(self) -> None:
        base = EvidenceFilters.of(self.f).all_time()
        found = alerts.escalation_alerts(self.con, replace(base, year_from=self.p.start.year,
                                                           year_to=self.p.last_day.year), limit=1000)
        found = found[(found["month"] >= self.p.start) & (found["month"] <= self.p.last_day)]
        found = found.sort_values(["events", "month", "admin2"], ascending=[False, True, True]).head(MAX_ALERTS)
        months = alerts.BASELINE_MONTHS
        if found.empty:
            self.add("alerts", f"No escalation alert in {self.p.label}: no district and group had an "
                               f"improbably busy month against its own {months}-month baseline.",
                     [Number("baseline months", months, "alerts", self.ef)], self.ef)
        for a in found.itertuples():
            month = Period("month", a.month)
            ef = EvidenceFilters.of(self.f, month, districts=(a.district_id,), actor_groups=(a.actor_group,))
            p = f"= {a.p_value:.4f}" if a.p_value >= 0.0001 else "< 0.0001"
            group = "group unknown" if a.actor_group == "Unknown" else a.actor_group
            self.add("alert", f"Escalation alert: {a.admin2} ({group}) had {a.events:,} events in "
                              f"{month.label}, more than in any month of the previous {months} (baseline "
                              f"{a.baseline_per_month:.2f} a month, Poisson p {p}).",
                     [Number(f"alert events in {a.admin2}", int(a.events), "alerts", ef),
                      Number("baseline months", months, "alerts", ef),
                      Number("baseline per month", a.baseline_per_month, "alerts", ef),
                      Number("p-value", a.p_value, "alerts", ef)], ef)

    def coverage_sentence(self) -> None:
        covering = coverage.period_datasets(self.cov, self.p)
        listed = _join([f"{name} ({span}{', in part' if s == 'part' else ''})" for name, span, s in covering])
        text = (f"Coverage: {self.p.label} is covered by {listed}" if covering
                else f"Coverage: no dataset covers {self.p.label}")
        problems = [(then, problem) for then, problem in ((self.p0, self.problem0), (self.py, self.problemy))
                    if problem]
        for then, problem in problems:
            text += f"; {problem}, so {self.p.label} is not compared with {then.label}"
        if not problems:
            text += f"; the same datasets cover {self.p0.label} and {self.py.label}, so both comparisons are made"
        self.add("coverage", text + ".", [], self.ef)


def briefing_note(con: duckdb.DuckDBPyConnection, f: Filters, period: Period) -> Note:
    """The note for the filters (their years are replaced by the period) and the period."""
    b = _Builder(con, f, period)
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
                        f"against {b.p0.label} and {b.py.label}"),
             ("Data version", f"{version}, built {str(built)[:10]}"),
             ("Coverage", "; ".join(f"{r.name}: {coverage.span(r)} ({r.events:,} events)"
                                    for r in b.cov) or "no data"))
    return Note(period, f, tuple(b.sentences), stamp)
