"""Outlook: where militant violence is likely in the next six months, per district, with the
scores of a rolling-origin backtest against three baselines. Pure functions (connection, Filters).

What is predicted: the count of militant-violence events (categories attack and armed_clash of
the filters' actor kinds; the filters' years, provinces, districts, groups and datasets are
ignored by the model: `limited` keeps the provinces' and districts' rows for display) per
district and month, for each horizon h = 1..6 months after the *as-of month*: the
last whole month of a complete, final (not preliminary) dataset with district-level events
(2021-12 on the bundled data: UCDP GED ends there; the later data are preliminary and mostly
known only to the country). The districts are those of that dataset's countries.

This module holds what the Outlook counts (outlook_filters, outlook_scope) and what the pages,
the deck and the CLI read of its results (computed ahead by indicators/outlook_cache.py): the
parts of the backtest's summary, the horizons where the model has skill, and the words and
tables they are shown in. The model is in indicators/outlook_model.py, its backtest and scores in
indicators/outlook_backtest.py, the forecast in indicators/outlook_forecast.py.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import pandas as pd

from contract.schema import MILITANT_CATEGORIES
from indicators.filters import Filters

HORIZONS = (1, 2, 3, 4, 5, 6)
FIRST_YEAR = 2012  # the first year of target months in the backtest (indicators/outlook_backtest.py)
METHODS = {"model": "the model (Poisson GLM, negative binomial)", "no_change": "no change (Poisson, last month)",
           "mean_12": "the district's 12-month mean (Poisson)", "zero": "zero (point mass at 0)"}
DEATHS_SKILL = ("crps", "brier")  # deaths are forecast only at horizons that beat no change on both


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_date(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def outlook_filters(f: Filters) -> Filters:
    """The filters the outlook counts with: militant violence (attack, armed_clash) of the
    filters' actor kinds and countries, every year, every province, group and dataset."""
    return replace(f.all_time(), categories=MILITANT_CATEGORIES, provinces=(), districts=(),
                   actor_groups=(), datasets=(), precise_dates_only=False)


def outlook_scope(con: duckdb.DuckDBPyConnection, f: Filters) -> dict:
    """{'as_of': the as-of month (date of its first day), 'countries': tuple of ISO codes,
    'dataset': the name of the dataset that sets it}. The as-of month is the last whole month of a
    complete, non-preliminary dataset (table coverage) with district-level events; a ValueError
    says what is missing when no dataset qualifies."""
    rows = con.execute(
        "SELECT c.name, c.period_end::DATE, c.countries FROM coverage c WHERE c.complete AND NOT c.preliminary "
        "AND EXISTS (SELECT 1 FROM events e WHERE e.dataset = c.dataset AND e.district_id IS NOT NULL) "
        "ORDER BY c.period_end DESC, c.dataset").fetchall()
    for name, end, countries in rows:
        listed = tuple(c for c in (countries or "").split(",") if c and (not f.countries or c in f.countries))
        if not listed:
            continue
        last = month_index(end) - (0 if (end + dt.timedelta(days=1)).day == 1 else 1)
        return {"as_of": month_date(last), "countries": listed, "dataset": name}
    raise ValueError("No complete, final dataset with district-level events covers the selected countries "
                     "(table coverage): the outlook needs one, such as UCDP GED. Add it to data/raw/ and "
                     "rebuild with `python -m etl build`.")


def district_history(con: duckdb.DuckDBPyConnection, f: Filters, district_id: str, months: int = 24) -> pd.DataFrame:
    """The district's counts of the `months` months up to the as-of month. Columns: month (DATE),
    events (militant-violence events of the month)."""
    last = month_index(outlook_scope(con, f)["as_of"])
    where, params = outlook_filters(f).where("e")
    counts = dict(con.execute(
        f"SELECT (year(e.event_date) * 12 + month(e.event_date) - 1)::INTEGER, count(*)::INTEGER FROM events e "
        f"WHERE {where} AND e.district_id = ? AND e.date_precision <> 'year' AND e.event_date >= ? "
        f"AND e.event_date < ? GROUP BY ALL",
        params + [district_id, month_date(last - months + 1), month_date(last + 1)]).fetchall())
    span = range(last - months + 1, last + 1)
    return pd.DataFrame({"month": [month_date(m) for m in span], "events": [counts.get(m, 0) for m in span]})


def part(summary: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The 'score' or 'reliability' rows of backtest_summary with their own columns."""
    columns = {"score": ["horizon", "method", "crps", "brier", "cover_50", "cover_90", "district_months"],
               "reliability": ["horizon", "band_from", "band_to", "district_months", "with_event"]}[kind]
    rows = summary[summary["kind"] == kind][columns].reset_index(drop=True)
    return rows.astype({"horizon": int, "district_months": int})


def skilful_horizons(scores: pd.DataFrame, by: tuple[str, ...] = ("crps",)) -> list[int]:
    """The horizons where the model's mean score is below the no-change baseline's (strictly) on
    every score of `by` (crps, brier). Events need CRPS; deaths, forecast only where they have skill,
    need CRPS and Brier (DEATHS_SKILL)."""
    ok = None
    for score in by:
        table = scores.pivot(index="horizon", columns="method", values=score)
        better = table["model"] < table["no_change"]
        ok = better if ok is None else ok & better
    return [int(h) for h, good in ok.items() if good]


def reliability_sentence(bands: pd.DataFrame, horizon: int) -> str:
    """Calibration in plain words, from `reliability` for one horizon: the band with the most
    district-months at or above 10%, e.g. 'Of the 240 district-months we gave 70%-80%, 74% had an
    event.'"""
    upper = bands[(bands["horizon"] == horizon) & (bands["band_from"] >= 0.1)]
    if not len(upper):
        return "The backtest never gave a district-month 10% or more."
    row = upper.loc[upper["district_months"].idxmax()]
    return (f"Of the {int(row['district_months']):,} district-months we gave {row['band_from']:.0%}-"
            f"{row['band_to']:.0%}, {row['with_event']:.0%} had an event.")


def scores_markdown(scores: pd.DataFrame, measure: str = "events") -> str:
    """The backtest's scores as a Markdown table: one row per horizon and method."""
    lines = [f"| horizon (months) | method | CRPS ({measure}) | Brier (at least one) | in 50% interval | "
             "in 90% interval | district-months |", "|---:|---|---:|---:|---:|---:|---:|"]
    for r in scores.itertuples():
        lines.append(f"| {r.horizon} | {METHODS[r.method]} | {r.crps:.4f} | {r.brier:.4f} | {r.cover_50:.1%} | "
                     f"{r.cover_90:.1%} | {r.district_months:,} |")
    return "\n".join(lines)


NOT_APPLIED = ("years", "categories", "actor groups", "datasets")  # the sidebar filters the outlook ignores


def filters_note(f: Filters) -> str:
    """One line saying which sidebar filters the outlook follows and which it ignores, and why."""
    kept = ["the countries", "the actor kinds", "the provinces and districts (the map and the list)"]
    return (f"Follows {', '.join(kept)}; ignores the {', '.join(NOT_APPLIED[:-1])} and {NOT_APPLIED[-1]}: "
            f"the model counts {outlook_filters(f).scope()} of every group in every dataset, in every month "
            "up to the as-of month, as it was trained and scored.")


def limited(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The forecast rows of the filters' provinces (admin1) and districts (district_id), all when
    none is chosen."""
    keep = pd.Series(True, index=frame.index)
    if f.provinces:
        keep &= frame["admin1"].isin(f.provinces)
    if f.districts:
        keep &= frame["district_id"].isin(f.districts)
    return frame[keep]


def stamp(as_of: dt.date, horizon: int) -> str:
    """The stamp every view of a forecast carries."""
    return (f"Forecast as of {as_of:%B %Y}, {horizon} month{'s' if horizon > 1 else ''} ahead; "
            "a forecast is not a warning of a specific attack.")


def deaths_sentence(scores: pd.DataFrame) -> str:
    """Whether deaths are forecast, from backtest_scores of measure 'deaths': they are only where
    the model beats no change on CRPS and Brier (DEATHS_SKILL), with the measured scores."""
    skilful = skilful_horizons(scores, DEATHS_SKILL)
    table = scores.set_index(["horizon", "method"])
    worst = [int(h) for h in sorted(scores["horizon"].unique()) if h not in skilful]
    figures = "; ".join(
        f"{h} month{'s' if h > 1 else ''}: CRPS {table.loc[(h, 'model'), 'crps']:.3f} against "
        f"{table.loc[(h, 'no_change'), 'crps']:.3f}, Brier {table.loc[(h, 'model'), 'brier']:.4f} against "
        f"{table.loc[(h, 'no_change'), 'brier']:.4f}" for h in worst)
    if not worst:
        return ("Deaths: the model beats no change on CRPS and Brier at every horizon in the backtest, but "
                "the Outlook does not forecast them yet.")
    return (f"Deaths are not forecast{'' if not skilful else ' at ' + ', '.join(map(str, worst)) + ' months'}: "
            f"in the backtest the model did not beat no change (last month's deaths) on both CRPS and the "
            f"Brier score of at least one death (model against no change, {figures}).")
