"""The briefing note's sentences, one method each, in the order indicators/brief.py writes them:
completeness, militant violence, the headline count, deaths, provinces, districts, groups, new
districts and first attacks, attacks on minorities, weak signals, escalation alerts, coverage.
Each counts through the draft (indicators/brief_draft.py) and words the result with
indicators/brief_words.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd

from contract.schema import SIGNAL_CATEGORIES
from indicators import alerts, coverage, library, spread, yardsticks
from indicators.brief_draft import Draft, Number, count
from indicators.brief_words import WITHHELD, joined, plural
from indicators.periods import KIND_NAMES, MONTHS, Period, over
from indicators.significance import compare_counts

MAX_PLACES = 5  # at most this many sentences on new districts and first attacks together
MAX_ALERTS = 2
MIN_EVIDENCE = 5  # events behind a claim about the most active group or a group's first attack
FAR_FROM_COMPLETE = 0.5  # below this share of the published count (pro rata) counts are floors


class Writer(Draft):
    """The draft with a method per sentence (each adds at most a few sentences to it)."""

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
        ours = count(self.con, ef, yardsticks.COMPARED[measure][0])
        word = yardsticks.COMPARED[measure][1]
        part = MONTHS[self.p.kind] / 12
        if ours.value >= FAR_FROM_COMPLETE * row["published"] * part:
            return
        what = yardsticks.PUBLISHED_WORDS.get(row["published_measure"], row["published_measure"])
        published = Number(f"{row['publisher']} {what}, {year}", round(row["published"]), "yardstick", ef)
        numbers = [ours, published]
        text = (f"These data are far from complete for {self.p.label}: they hold {plural(ours.value, word[:-1])}"
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
        now_attacks = count(self.con, self.ef, "attacks")
        clashes = count(self.con, replace(self.ef, categories=("armed_clash",)), "events")
        breakdown = (f" ({plural(now_attacks.value, 'attack')}, "
                     f"{plural(clashes.value, 'armed clash', 'armed clashes')}{side})")
        self.count_sentence("violence", subject, "events", violent(self.ef), violent,
                            detail=f" event{'' if now_attacks.value + clashes.value == 1 else 's'} in {{p}}"
                            + breakdown, extra=(now_attacks, clashes))

    def headline(self) -> None:
        attacks = "attack" in self.f.categories
        measure, subject = ("attacks", "Attacks") if attacks else ("events", "Events")
        evidence = replace(self.ef, categories=("attack",)) if attacks else self.ef
        self.count_sentence("headline", subject, measure, evidence)

    def deaths(self) -> None:
        now = count(self.con, self.ef, "fatalities")
        numbers, against, restricted = [now], [], []
        for b in self.bases:
            if b.now is None:
                continue
            if b.on:
                n, n0 = count(self.con, b.now, "fatalities"), count(self.con, b.before, "fatalities")
                numbers += [n, n0]
                restricted.append(f"; {b.words}, {n.value:,} in {self.p.label} against {n0.value:,} "
                                  f"in {b.then.label}")
            else:
                numbers.append(count(self.con, b.before, "fatalities"))
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
            parts.append(f"activity {r['change'].word} most in {r['name']} ({plural(n.value, 'event')}, "
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
                               f"no group has five events or more ({plural(n.value, 'event')} "
                               f"attributed to {plural(len(named), 'named group')}).",
                     [n, Number("named groups", len(named), "measure:active_groups", ef)], ef)
            return
        named = named.head(3)
        numbers = [Number(f"events of {g}", int(v), "measure:events", replace(self.ef, actor_groups=(g,)))
                   for g, v in zip(named["actor_group"], named["value"])]
        listed = [f"{numbers[0].filters.actor_groups[0]} ({self.floor}{plural(numbers[0].value, 'event')})"]
        listed += [f"{n.filters.actor_groups[0]} ({self.floor}{n.value:,})" for n in numbers[1:]]
        text = (f"The most active group in {self.p.label} was {listed[0]}." if len(listed) == 1 else
                f"The most active groups in {self.p.label} were {joined(listed)}.")
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
        return count(self.con, ef, "events")

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
            self.add("new_districts", f"{g} was recorded for the first time in {plural(n.value, 'district')} "
                                      f"in {self.p.label}: {joined(list(rows['admin2']))}.",
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
                                         f"the data hold {plural(record.value, 'earlier event')} of the group "
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
            found = [count(self.con, self.ef, c) for c in cats]
            if not now.value:
                return "", []
            # after a comparison on other datasets 'they' would be those datasets' events
            they = "they" if not self.b0.on else f"the {now.value:,} of {self.p.label}"
            return (f"; {they} were " + joined([f"{n.value:,} {n.name}" for n in found if n.value]) + " events",
                    found)

        self.count_sentence("signals", f"Weak signals ({joined(list(cats))})", "signals", ef, tail=parts)

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
        listed = joined([f"{name} ({span}{', in part' if s == 'part' else ''})" for name, span, s in covering])
        text = (f"Coverage: {self.p.label} is covered by {listed}" if covering
                else f"Coverage: no dataset covers {self.p.label}")
        for b in self.bases:
            if b.problem and b.now is None:
                text += f"; {b.problem}, so {self.p.label} is not compared with {b.then.label}"
            elif b.problem:
                many = len(b.on) > 1
                text += (f"; {b.problem}, so {self.p.label} is compared with {b.then.label} on "
                         f"{joined(list(b.on))} only, the dataset{'s' if many else ''} that "
                         f"cover{'' if many else 's'} both")
        plain = [b.then.label for b in self.bases if not b.problem]
        if self.scope:
            these = "these datasets record" if len(covering) > 1 else "this dataset records"
            text += (f"; {these} only {self.scope}, so every figure"
                     + (" and comparison" if plain else "") + " is of that part of events only")
        elif len(plain) == len(self.bases):
            text += (f"; the same datasets cover {joined(plain)}, so "
                     + ("both comparisons are" if len(plain) > 1 else "the comparison is") + " made")
        self.add("coverage", text + ".", [], self.ef)
