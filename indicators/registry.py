"""Every indicator: what question it answers, its definition, formula and unit, and how to compute
it. The Methods page, docs/reference/indicators.md and `python -m indicators list` all print this same text."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from indicators import alerts, impact, library, spread
from indicators.filters import Filters


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    question: str
    definition: str
    formula: str
    unit: str
    higher_is_worse: bool = True
    kind: str = "measure"  # measure | rate | gti | diffusion | new_districts | alerts
    measure: str | None = None  # the measure of indicators.library.MEASURES behind it

    @property
    def dimensions(self) -> tuple[str, ...]:
        """What `--by` accepts."""
        return {"measure": library.DIMENSIONS, "rate": ("district", "province"),
                "gti": ("district", "province"), "diffusion": library.PERIODS,
                "new_districts": ("year",), "alerts": ("month",)}[self.kind]


EXTREMIST = "By default militant violence counts (attacks, and armed clashes whose non-state side is a "\
            "jihadist, nationalist-insurgent, sectarian or unknown group), with the weak signals "\
            "(propaganda, allegiance, recruitment, organisation); state action (counter-terrorism, "\
            "drone strikes, border fighting) and political or communal violence only when selected."

INDICATORS: tuple[Indicator, ...] = (
    Indicator("events", "Events", "How much activity was recorded?",
              f"Events matching the filters whose event_date falls in the selected years. {EXTREMIST}",
              "count(events)", "events", measure="events"),
    Indicator("fatalities", "Fatalities", "How many people were killed?",
              "Sum of the known death tolls of the filtered events: each source's own headline figure "
              "(UCDP best, GTD nkill with its fractions, ACLED fatalities, the curated file's cited "
              "toll, the Kaggle files' maximum). A cluster of probable duplicates counts once, with "
              "the deaths of the member whose dataset ranks first for deaths (curated, UCDP, "
              "suicide-attack file, GTD, drone file, ACLED, template). Events with an unknown toll "
              "add nothing, so this is a lower bound.",
              "sum(fatalities) over events with a known toll", "people killed", measure="fatalities"),
    Indicator("injured", "Injured", "How many people were hurt?",
              "Sum of the known injury counts of the filtered events (each source's own figure; a "
              "cluster of probable duplicates with the injured of the member ranked first for "
              "injuries: curated, GTD, suicide-attack file, drone file, ...); a lower bound.", "sum(injured) over events with a known count", "people injured",
              measure="injured"),
    Indicator("attacks", "Attacks", "How many attacks were there?",
              "Filtered events of category attack (violence by a non-state armed group).",
              "count(events where category = attack)", "attacks", measure="attacks"),
    Indicator("signals", "Early signals", "Were there early signs before the attacks?",
              "Propaganda (wall-chalking, flags, pamphlets), allegiance (pledges, announcements) and "
              "recruitment events: the weak signals of a network taking root.",
              "count(events where category in (propaganda, allegiance, recruitment))", "events",
              measure="signals"),
    Indicator("propaganda", "Propaganda events", "Is a group advertising itself?",
              "Filtered events of category propaganda.", "count(events where category = propaganda)",
              "events", measure="propaganda"),
    Indicator("allegiance", "Pledges and announcements", "Are groups declaring allegiance?",
              "Filtered events of category allegiance.", "count(events where category = allegiance)",
              "events", measure="allegiance"),
    Indicator("recruitment", "Recruitment cases", "Is a group recruiting?",
              "Filtered events of category recruitment.", "count(events where category = recruitment)",
              "events", measure="recruitment"),
    Indicator("districts_affected", "Districts affected", "How widespread is the activity?",
              "Distinct districts with at least one filtered event in the period. Events known only to a "
              "province or the country are not counted here.",
              "count(distinct district_id)", "districts", measure="active_districts"),
    Indicator("diffusion", "Diffusion", "What share of the area has activity?",
              "Districts with at least one filtered event in the period, and their share of all "
              "districts of the selected countries and provinces in the boundary layer.",
              "count(distinct district_id) / count(districts in the selected area) x 100",
              "% of districts", kind="diffusion"),
    Indicator("new_districts", "New districts", "Is the network expanding into new places?",
              "Districts where a named actor group had its first event ever (over all years, with the "
              "other filters) in the given year: the expansion indicator. Unknown and Other groups "
              "are not counted.",
              "count(distinct district_id where min(event_date) per (actor_group, district) falls in "
              "the year)", "districts", kind="new_districts"),
    Indicator("fragmentation", "Active groups", "How many groups are active?",
              "Distinct named actor groups (not Unknown or Other) with at least one filtered event.",
              "count(distinct actor_group)", "groups", measure="active_groups"),
    Indicator("civilian_attacks", "Attacks on civilians", "Are civilians being targeted?",
              "Attacks whose target class is civilians or religious minorities (from the target field, "
              "rules in data/reference/target_classes.csv).",
              "count(attacks where target_class in (civilians, religious minorities))", "attacks",
              measure="civilian_attacks"),
    Indicator("civilian_fatalities", "Civilian deaths in attacks", "How many died in attacks on civilians?",
              "Known death tolls of attacks on civilians or religious minorities; a lower bound.",
              "sum(fatalities of attacks where target_class in (civilians, religious minorities))",
              "people killed", measure="civilian_fatalities"),
    Indicator("minority_share", "Share of attacks on religious minorities",
              "Are minorities singled out?",
              "Attacks on Shi'a (incl. Hazara and Ismaili), Christians, Ahmadis, Hindus, Sikhs and Sufi "
              "shrine visitors, as a share of all attacks with the filters; null when there was no attack.",
              "count(attacks where target_minority) / count(attacks) x 100", "% of attacks",
              measure="minority_share"),
    Indicator("events_per_100k", "Events per 100,000 people", "Where is activity highest for its size?",
              "Filtered events in the selected years per 100,000 residents (2017 census, provisional). "
              "Places without census data (AJK, Gilgit-Baltistan, Afghanistan) show no data, never 0.",
              "count(events) / population_2017 x 100,000", "events per 100,000 people", kind="rate",
              measure="events"),
    Indicator("attacks_per_100k", "Attacks per 100,000 people", "Where are attacks most frequent for the size?",
              "Attacks in the selected years per 100,000 residents (2017 census); no data where no census.",
              "count(attacks) / population_2017 x 100,000", "attacks per 100,000 people", kind="rate",
              measure="attacks"),
    Indicator("fatalities_per_100k", "Fatalities per 100,000 people", "Where is violence deadliest for the size?",
              "Known fatalities in the selected years per 100,000 residents (2017 census); no data where "
              "no census.", "sum(fatalities) / population_2017 x 100,000", "deaths per 100,000 people",
              kind="rate", measure="fatalities"),
    Indicator("signals_per_100k", "Early signals per 100,000 people", "Where are early signals densest?",
              "Propaganda, allegiance and recruitment events per 100,000 residents (2017 census).",
              "count(signals) / population_2017 x 100,000", "events per 100,000 people", kind="rate",
              measure="signals"),
    Indicator("gti_score", "Impact score (GTI-style)", "How heavy is the impact of terrorism here?",
              "An approximation of the Global Terrorism Index method, not IEP's index: a yearly raw score "
              "from attacks, a five-year weighted sum, and a logarithmic band from 0 to 10 in half points, "
              "against the highest weighted score of any unit of that level in any year. Hostages are "
              "not in the data and count 0.",
              "raw = 1 x attacks + 3 x fatalities + 0.5 x injured; W = 16 raw(y) + 8 raw(y-1) + 4 raw(y-2) "
              "+ 2 raw(y-3) + raw(y-4); score = floor(20 ln(1+W) / ln(1+W_max)) / 2",
              "score 0-10", kind="gti"),
    Indicator("escalation_alerts", "Escalation alerts", "Where is activity suddenly rising?",
              "Months in which a district and actor group had at least 2 events, more than in any month of "
              "the previous 36, and improbably many for its 36-month baseline (Poisson P(X >= n) < 0.05). "
              "Events dated only to the year are left out.",
              "n(month) >= 2 and n(month) > max(n over previous 36 months) and "
              "P(Poisson(mean of previous 36 months) >= n) < 0.05", "alerts", kind="alerts"),
)
BY_ID = {i.id: i for i in INDICATORS}


def compute(con: duckdb.DuckDBPyConnection, indicator_id: str, f: Filters,
            by: tuple[str, ...] = ("year",)) -> pd.DataFrame:
    """The indicator's values with the filters, by the given dimensions (see Indicator.dimensions)."""
    if indicator_id not in BY_ID:
        raise KeyError(f"unknown indicator {indicator_id!r}; `python -m indicators list` shows them")
    ind = BY_ID[indicator_id]
    bad = [d for d in by if d not in ind.dimensions]
    if bad:
        raise ValueError(f"{indicator_id} cannot be shown by {', '.join(bad)} "
                         f"(choose from: {', '.join(ind.dimensions)})")
    if ind.kind == "measure":
        return library.measure_by(con, f, ind.measure, by)
    if ind.kind == "rate":
        return impact.rates(con, f, ind.measure, by[0])
    if ind.kind == "gti":
        return impact.gti_style(con, f, by[0])
    if ind.kind == "diffusion":
        return spread.diffusion(con, f, by[0])
    if ind.kind == "new_districts":
        return spread.new_district_counts(con, f)
    return alerts.escalation_alerts(con, f)


def methods_markdown() -> str:
    """The indicator definitions as a Markdown table (docs/reference/indicators.md, Methods page)."""
    lines = ["| indicator | question | definition | formula | unit |", "|---|---|---|---|---|"]
    for i in INDICATORS:
        lines.append(f"| {i.name} (`{i.id}`) | {i.question} | {i.definition} | `{i.formula}` | {i.unit} |")
    return "\n".join(lines)
