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
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import duckdb
import pandas as pd

from contract.schema import SIGNAL_CATEGORIES
from indicators import alerts, coverage, library, spread, yardsticks
from indicators.filters import Filters
from indicators.periods import KIND_NAMES, MONTHS, Period, over, periods_between
from indicators.significance import Change, compare_counts

MAX_PLACES = 5  # at most this many sentences on new districts and first attacks together
MAX_ALERTS = 2
WITHHELD = "the datasets covering the two periods differ"
MIN_EVIDENCE = 5  # events behind a claim about the most active group or a group's first attack
FAR_FROM_COMPLETE = 0.5  # below this share of the published count (pro rata) counts are floors


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


def _versus(subject: str, n: int, n0: int, p: Period, p0: Period, floor: str = "",
            detail: str = "") -> tuple[str, Change]:
    """`subject` now against before; `floor` ('at least ') and `detail` (' events (2 attacks, ...)')
    are written around the current count."""
    c = compare_counts(n, n0)
    now = f"{floor}{n:,}{detail.replace('{p}', p.label)}" if detail else f"{floor}{n:,} in {p.label}"
    if not c.significant:
        return f"{subject}: {now}, about the same as in {p0.label} ({n0:,})", c
    pct = f" ({c.percent})" if c.percent else ""
    return f"{subject} {c.word} to {now} from {n0:,} in {p0.label}{pct}", c


def _against(n1: int, n: int, py: Period) -> str:
    c = compare_counts(n, n1)
    if not c.significant:
        return f"against {py.label} ({n1:,}), about the same"
    return f"against {py.label} ({n1:,}) they {c.word}" + (f" ({c.percent})" if c.percent else "")


def _restricted(n: int, n0: int, p: Period, p0: Period) -> str:
    """A count against an earlier one, after 'compared on <datasets>, ...': 'they were 4 in 2014,
    about the same as in 2013 (3)' or 'they surged to 9 in 2014 from 1 in 2013 (+800%)'."""
    c = compare_counts(n, n0)
    if not c.significant:
        return f"they were {n:,} in {p.label}, about the same as in {p0.label} ({n0:,})"
    pct = f" ({c.percent})" if c.percent else ""
    return f"they {c.word} to {n:,} in {p.label} from {n0:,} in {p0.label}{pct}"


def _scope_words(records: str) -> str:
    """What a dataset records, as a noun: 'only the Islamic State network (attacks and weak
    signals)' -> 'the Islamic State network'."""
    words = records.split(" (")[0].strip()
    return words[5:] if words.startswith("only ") else words


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
        return (f"compared on {_join(list(self.on))}, the dataset{'s' if many else ''} that "
                f"cover{'' if many else 's'} both")


class _Builder:
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
        self.scope = (_join(list(dict.fromkeys(_scope_words(r.records) for r in covering)))
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
        now, before = _count(self.con, ef_of(b.now), measure), _count(self.con, ef_of(b.before), measure)
        return f"; {b.words}, {_restricted(now.value, before.value, self.p, b.then)}", [now, before]

    def count_sentence(self, key: str, subject: str, measure: str, evidence: Filters,
                       ef_of=lambda ef: ef, tail=None, detail: str = "", extra=()) -> None:
        """'<subject>: N in P, <against the previous period>[; <against the year before>].'
        `detail` replaces ' in P' after the current count ('{p}' stands for the period); `extra`
        are the numbers it uses; `tail(now)` -> (text, numbers) ends the sentence."""
        now = _count(self.con, ef_of(self.ef), measure)
        numbers, n = [now, *extra], now.value
        if self.b0.on or self.b0.now is None:
            shown = detail.replace("{p}", self.p.label) if detail else f" in {self.p.label}"
            text = f"{subject}: {self.floor}{n:,}{shown}"
            more, found = self.compared(self.b0, measure, ef_of)
            text, numbers = text + more, numbers + found
        else:
            before = _count(self.con, ef_of(self.b0.before), measure)
            numbers.append(before)
            text = _versus(subject, n, before.value, self.p, self.p0, self.floor, detail)[0]
        if self.by and key == "headline":
            if self.by.on or self.by.now is None:
                more, found = self.compared(self.by, measure, ef_of)
                text, numbers = text + more, numbers + found
            else:
                year = _count(self.con, ef_of(self.by.before), measure)
                numbers.append(year)
                text += f"; {_against(year.value, n, self.py)}"
        if tail:
            more, found = tail(now)
            text, numbers = text + more, numbers + found
        self.add(key, text + ".", numbers, evidence)

    def completeness(self) -> None:
        """The first sentence, when the data hold less than FAR_FROM_COMPLETE of the published
        count for the period's year pro rata, or when no count is published to judge by."""
        measure = "attacks" if "attack" in self.f.categories else "militant_violence"
        year = self.p.start.year
        label, key, counted = yardsticks.region(self.con, self.f)
        row = yardsticks.beside(self.con, replace(self.f, year_from=year, year_to=year), measure).iloc[0]
        where = f" in {key.split('/')[-1]}" if key else ""
        if pd.isna(row["published"]):
            why = (f"no published count for {year} to compare with" if key
                   else f"no published count for the {label.split(' (')[0]} to compare with")
            self.add("completeness", f"Whether these data are complete for {self.p.label} cannot be "
                                     f"judged: {why}.", [], self.ef)
            return
        ef = over(counted, self.p, **({"categories": ("attack",)} if measure == "attacks" else {}))
        ours = _count(self.con, ef, yardsticks.COMPARED[measure][0])
        word = yardsticks.COMPARED[measure][1]
        part = MONTHS[self.p.kind] / 12
        if ours.value >= FAR_FROM_COMPLETE * row["published"] * part:
            return
        what = yardsticks.PUBLISHED_WORDS.get(row["published_measure"], row["published_measure"])
        published = Number(f"{row['publisher']} {what}, {year}", round(row["published"]), "yardstick", ef)
        numbers = [ours, published]
        text = (f"These data are far from complete for {self.p.label}: they hold {_plural(ours.value, word[:-1])}"
                f"{where}, where {row['publisher']} counted {published.value:,}"
                f"{'' if what == word else ' ' + what} in {year}")
        if part < 1:
            numbers.append(Number(f"{row['publisher']} {what} a {self.p.kind}", round(row["published"] * part),
                                  "yardstick", ef))
            text += f" (about {numbers[-1].value:,} a {KIND_NAMES[self.p.kind]})"
        self.add("completeness", text + "; read every figure below as a floor.", numbers, ef)
        self.floor = "at least "

    def violence(self) -> None:
        """Militant violence (attacks and armed clashes), when the filters count both."""
        if not {"attack", "armed_clash"} <= set(self.f.categories):
            return
        side = " with a militant side" if self.f.militant else ""

        def violent(ef):
            return replace(ef, categories=("attack", "armed_clash"))

        subject = "Militant violence" if self.f.militant else "Attacks and armed clashes"
        now_attacks = _count(self.con, self.ef, "attacks")
        clashes = _count(self.con, replace(self.ef, categories=("armed_clash",)), "events")
        breakdown = (f" ({_plural(now_attacks.value, 'attack')}, "
                     f"{_plural(clashes.value, 'armed clash', 'armed clashes')}{side})")
        self.count_sentence("violence", subject, "events", violent(self.ef), violent,
                            detail=f" event{'' if now_attacks.value + clashes.value == 1 else 's'} in {{p}}"
                            + breakdown, extra=(now_attacks, clashes))

    def headline(self) -> None:
        attacks = "attack" in self.f.categories
        measure, subject = ("attacks", "Attacks") if attacks else ("events", "Events")
        evidence = replace(self.ef, categories=("attack",)) if attacks else self.ef
        self.count_sentence("headline", subject, measure, evidence)

    def deaths(self) -> None:
        now = _count(self.con, self.ef, "fatalities")
        numbers, against, restricted = [now], [], []
        for b in self.bases:
            if b.now is None:
                continue
            if b.on:
                n, n0 = _count(self.con, b.now, "fatalities"), _count(self.con, b.before, "fatalities")
                numbers += [n, n0]
                restricted.append(f"; {b.words}, {n.value:,} in {self.p.label} against {n0.value:,} "
                                  f"in {b.then.label}")
            else:
                numbers.append(_count(self.con, b.before, "fatalities"))
                against.append(f"{numbers[-1].value:,} in {b.then.label}")
        text = f"People killed in these events: {self.floor}{now.value:,} in {self.p.label}"
        text += (f", against {' and '.join(against)}" if against else "") + "".join(restricted)
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
            return replace(ef, **{where: (unit,)})

        if cur.empty or cur["value"].sum() == 0:
            self.add(level, f"By {level}: no event in {self.p.label} was placed in a {level}.", [], self.ef)
            return
        top = cur.sort_values(["value", label], ascending=[False, True]).iloc[0]
        b = self.b0
        if b.now is None:
            n = Number(f"events in {top[label]}", int(top["value"]), "measure:events",
                       unit_filters(self.ef, top[key]))
            self.add(level, f"By {level}, the most events in {self.p.label} were in {top[label]} "
                            f"({self.floor}{n.value:,}); changes from {self.p0.label} are not compared: {WITHHELD}.",
                     [n], n.filters)
            return
        now = library.measure_by(self.con, b.now, "events", (level,)) if b.on else cur
        now = now[now[key] != "(not known)"]
        prev = library.measure_by(self.con, b.before, "events", (level,))
        prev = prev[prev[key] != "(not known)"]
        names.update(zip(now[key], now[label]))
        names.update(zip(prev[key], prev[label]))
        both = pd.merge(now[[key, "value"]], prev[[key, "value"]], on=key, how="outer",
                        suffixes=("", "_before")).fillna(0)
        both["name"] = both[key].map(names)
        both["change"] = [compare_counts(a, c) for a, c in zip(both["value"], both["value_before"])]
        both["diff"] = both["value"] - both["value_before"]
        sig = both[[c.significant for c in both["change"]]]
        on = f", {b.words}," if b.on else ","
        parts, numbers = [], []
        for rows, direction in ((sig[sig["diff"] > 0].sort_values(["diff", "name"], ascending=[False, True]), "up"),
                                (sig[sig["diff"] < 0].sort_values(["diff", "name"]), "down")):
            if rows.empty:
                continue
            r = rows.iloc[0]
            n = Number(f"events in {r['name']}", int(r["value"]), "measure:events", unit_filters(b.now, r[key]))
            n0 = Number(f"events in {r['name']}, {self.p0.label}", int(r["value_before"]), "measure:events",
                        unit_filters(b.before, r[key]))
            numbers += [n, n0]
            pct = f", {r['change'].percent}" if r["change"].percent else ""
            parts.append(f"activity {r['change'].word} most in {r['name']} ({_plural(n.value, 'event')}, "
                         f"{direction} from {n0.value:,} in {self.p0.label}{pct})")
        if parts:
            self.add(level, f"By {level}{on} {' and '.join(parts)}.", numbers, numbers[0].filters)
            return
        n = Number(f"events in {top[label]}", int(top["value"]), "measure:events", unit_filters(self.ef, top[key]))
        self.add(level, f"By {level}{on} no change from {self.p0.label} was significant; the most events "
                        f"were in {top[label]} ({self.floor}{n.value:,}).", [n], n.filters)

    def groups(self) -> None:
        cur = library.measure_by(self.con, self.ef, "events", ("actor_group",))
        named = cur[~cur["actor_group"].isin(["Unknown", "Other", "(not known)"]) & (cur["value"] > 0)]
        named = named.sort_values(["value", "actor_group"], ascending=[False, True])
        if named.empty:
            self.add("groups", f"No event in {self.p.label} was attributed to a named group.", [], self.ef)
            return
        if named["value"].iloc[0] < MIN_EVIDENCE:
            ef = replace(self.ef, actor_groups=tuple(named["actor_group"]))
            n = Number("events of named groups", int(named["value"].sum()), "measure:events", ef)
            self.add("groups", f"The evidence is too thin to name the most active group in {self.p.label}: "
                               f"no group has five events or more ({_plural(n.value, 'event')} "
                               f"attributed to {_plural(len(named), 'named group')}).",
                     [n, Number("named groups", len(named), "measure:active_groups", ef)], ef)
            return
        named = named.head(3)
        numbers = [Number(f"events of {g}", int(v), "measure:events", replace(self.ef, actor_groups=(g,)))
                   for g, v in zip(named["actor_group"], named["value"])]
        listed = [f"{numbers[0].filters.actor_groups[0]} ({self.floor}{_plural(numbers[0].value, 'event')})"]
        listed += [f"{n.filters.actor_groups[0]} ({self.floor}{n.value:,})" for n in numbers[1:]]
        text = (f"The most active group in {self.p.label} was {listed[0]}." if len(listed) == 1 else
                f"The most active groups in {self.p.label} were {_join(listed)}.")
        self.add("groups", text, numbers, replace(self.ef, actor_groups=tuple(named["actor_group"])))

    def _firsts(self, categories: tuple[str, ...]) -> pd.DataFrame:
        base = replace(self.f.all_time(), categories=categories,
                       year_from=self.p.start.year, year_to=self.p.last_day.year)
        rows = spread.new_districts(self.con, base)
        day = pd.to_datetime(rows["first_date"]).dt.date
        return rows[(day >= self.p.start) & (day <= self.p.last_day)]

    def _record(self, group: str) -> Number:
        """The events of `group` the data hold before the period (the record a 'first' rests on)."""
        ef = replace(self.f.all_time(), actor_groups=(group,),
                                date_to=self.p.start - dt.timedelta(days=1))
        return _count(self.con, ef, "events")

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
                       replace(self.ef, actor_groups=(g,)))
            self.add("new_districts", f"{g} was recorded for the first time in {_plural(n.value, 'district')} "
                                      f"in {self.p.label}: {_join(list(rows['admin2']))}.",
                     [n], replace(self.ef, actor_groups=(g,), districts=ids))
        for r in firsts.sort_values(["first_date", "actor_group", "admin2"]).head(n_first).itertuples():
            ef = replace(self.ef, actor_groups=(r.actor_group,), districts=(r.district_id,),
                                    categories=("attack",))
            day = pd.Timestamp(r.first_date).date()
            first = Number(f"first attack of {r.actor_group} in {r.admin2}", day, "first_attacks", ef)
            record = self._record(r.actor_group)
            if record.value < MIN_EVIDENCE:
                self.add("first_attack", f"{r.actor_group} attacked in {r.admin2} on {day:%-d %B %Y}, its first "
                                         f"recorded attack there, but the evidence is too thin to call it new: "
                                         f"the data hold {_plural(record.value, 'earlier event')} of the group "
                                         f"(fewer than five).", [first, record], ef)
                continue
            self.add("first_attack", f"{r.actor_group} carried out its first recorded attack in {r.admin2} "
                                     f"on {day:%-d %B %Y}.", [first], ef)

    def minorities(self) -> None:
        if "attack" not in self.f.categories:
            return
        ef = replace(self.ef, categories=("attack",), minority_only=True)
        self.count_sentence("minorities", "Attacks on religious minorities", "minority_attacks", ef)

    def signals(self) -> None:
        cats = tuple(c for c in SIGNAL_CATEGORIES if c in self.f.categories)
        if not cats:
            return
        ef = replace(self.ef, categories=cats)

        def parts(now):
            found = [_count(self.con, self.ef, c) for c in cats]
            if not now.value:
                return "", []
            # after a comparison on other datasets 'they' would be those datasets' events
            they = "they" if not self.b0.on else f"the {now.value:,} of {self.p.label}"
            return (f"; {they} were " + _join([f"{n.value:,} {n.name}" for n in found if n.value]) + " events",
                    found)

        self.count_sentence("signals", f"Weak signals ({_join(list(cats))})", "signals", ef, tail=parts)

    def alerts(self) -> None:
        base = self.f.all_time()
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
            ef = over(self.f, month, districts=(a.district_id,), actor_groups=(a.actor_group,))
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
        for b in self.bases:
            if b.problem and b.now is None:
                text += f"; {b.problem}, so {self.p.label} is not compared with {b.then.label}"
            elif b.problem:
                many = len(b.on) > 1
                text += (f"; {b.problem}, so {self.p.label} is compared with {b.then.label} on "
                         f"{_join(list(b.on))} only, the dataset{'s' if many else ''} that "
                         f"cover{'' if many else 's'} both")
        plain = [b.then.label for b in self.bases if not b.problem]
        if self.scope:
            these = "these datasets record" if len(covering) > 1 else "this dataset records"
            text += (f"; {these} only {self.scope}, so every figure"
                     + (" and comparison" if plain else "") + " is of that part of events only")
        elif len(plain) == len(self.bases):
            text += (f"; the same datasets cover {_join(plain)}, so "
                     + ("both comparisons are" if len(plain) > 1 else "the comparison is") + " made")
        self.add("coverage", text + ".", [], self.ef)


def briefing_note(con: duckdb.DuckDBPyConnection, f: Filters, period: Period) -> Note:
    """The note for the filters (their years are replaced by the period) and the period."""
    b = _Builder(con, f, period)
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
                        f"against {_join([x.label for x in (b.p0, b.py) if x])}"),
             ("Data version", f"{version}, built {str(built)[:10]}"),
             ("Coverage", "; ".join(f"{r.name}: {coverage.span(r)} ({r.events:,} events)"
                                    for r in b.cov) or "no data"))
    return Note(period, f, tuple(b.sentences), stamp)
