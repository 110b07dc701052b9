"""Published yardsticks beside our counts: how much of the published picture these data hold.

Table `yardsticks` (contract/yardsticks.py; written by etl/yardsticks.py from
data/yardsticks/published_totals_pak_afg.csv) holds yearly totals published by independent
monitors, each with its publisher's definition. `beside` sets the closest of them beside the
count of these data for each year of the filters; `sentence` says it in words; `all_figures` lists
every figure for the Sources & methods page.

These functions are independent of how events are filtered: "ours" is counted with the filters
the caller passes (`Filters.where()`), whatever scope they give.
"""
from __future__ import annotations

from dataclasses import replace

import duckdb
import pandas as pd

from contract.schema import COUNTRY_NAMES
from indicators.filters import Filters
from indicators.library import measure_by

# what `beside` compares -> (measure of indicators.library counted over the filters, word)
COMPARED = {"attacks": ("attacks", "attacks"), "militant_violence": ("events", "events of militant violence"),
            "deaths": ("fatalities", "deaths")}
# published measure -> its words in a sentence when it is not the word of our count
PUBLISHED_WORDS = {"incidents": "incidents", "fatalities_all": "deaths in attacks and operations",
                   "attacks": "attacks", "deaths": "deaths"}
# a province as these data name it -> as the publishers do (`Pakistan/<province>`)
PROVINCE_NAMES = {"Federally Administered Tribal Areas": "FATA", "Islamabad Capital Territory": "Islamabad"}
# a Trends indicator id -> what `beside` compares it with
FOR_INDICATOR = {"attacks": "attacks", "events": "militant_violence", "fatalities": "deaths"}
NOT_PUBLISHED = "not published here"
COLUMNS = ["year", "region", "measure", "ours", "published", "publisher", "published_measure",
           "definition", "url", "reported_on", "share", "other", "note"]


def region(con: duckdb.DuckDBPyConnection, f: Filters) -> tuple[str, str | None, Filters]:
    """(the region in words, the `country` of table yardsticks to read or None when no published
    figure can cover the selection, the filters to count ours with). One province -> 'Pakistan/<it>';
    one country -> that country; both or none -> Pakistan, ours counted in Pakistan only (the
    publishers count one country: the region says so)."""
    if f.districts:
        return "selected districts (figures are published by country or province)", None, f
    if len(f.provinces) > 1:
        return "selected provinces (figures are published for one province)", None, f
    if f.provinces:
        found = con.execute("SELECT min(country) FROM districts WHERE admin1 = ?", [f.provinces[0]]).fetchone()
        country = f.countries[0] if len(f.countries) == 1 else (found[0] if found and found[0] else "PAK")
        key = f"{COUNTRY_NAMES.get(country, country)}/{PROVINCE_NAMES.get(f.provinces[0], f.provinces[0])}"
        return key, key, f
    if len(f.countries) == 1:
        name = COUNTRY_NAMES.get(f.countries[0], f.countries[0])
        return name, name, f
    return "Pakistan (our count: Pakistan only)", "Pakistan", replace(f, countries=("PAK",))


def beside(con: duckdb.DuckDBPyConnection, f: Filters, measure: str = "attacks") -> pd.DataFrame:
    """One row per year of the filters: our count beside the closest published figure.

    Definition: `ours` is the count of these data in the region and year with the filters `f`
    (`attacks`: its events of category attack; `militant_violence`: every event `f` keeps;
    `deaths`: the sum of `f.deaths` over them). `published` is the figure, not superseded by a
    later report of its publisher, whose definition is closest to that count (the lowest
    `preference` of data/reference/yardstick_measures.csv among the figures published for that
    region and year: PIPS first, then PICSS, CRSS, ...); among figures of one publisher none of
    which is later, the one with the latest report date, then the first in the file. A year with
    none is "not published here": never interpolated, never taken from another year.
    Formula: share = ours / published. Unit: events (or people killed); share a fraction.
    Columns: year, region, measure, ours, published (null: none), publisher, published_measure,
    definition, url, reported_on, share (null: none), other (the publisher's other figures for
    that year: a release it superseded, a second figure of the same date), note."""
    if measure not in COMPARED:
        raise ValueError(f"measure={measure!r}: choose one of {', '.join(COMPARED)}")
    label, key, counted = region(con, f)
    ours = measure_by(con, counted, COMPARED[measure][0], ("year",))
    ours = dict(zip(pd.to_datetime(ours["period"]).dt.year, ours["value"]))
    published = con.execute(
        "SELECT year, value, publisher, measure, definition, url, reported_on, others FROM yardsticks "
        "WHERE country = ? AND compares_with = ? AND NOT superseded AND year BETWEEN ? AND ? "
        "QUALIFY row_number() OVER (PARTITION BY year ORDER BY preference, reported_from DESC NULLS "
        "LAST, source_line) = 1", [key, measure, f.year_from, f.year_to]).fetchall()
    found = {row[0]: row for row in published}
    none = NOT_PUBLISHED
    if key is None:
        none = f"{NOT_PUBLISHED}: {label}"
    elif key != "Pakistan" and "/" in key and not _published_for(con, key, measure):
        none = f"{NOT_PUBLISHED}: no figure of this kind is published for {key.split('/', 1)[1]}"
    rows = []
    for year in range(f.year_from, f.year_to + 1):
        value = float(ours.get(year, 0) or 0)
        hit = found.get(year)
        if hit:
            _, figure, publisher, what, definition, url, reported_on, others = hit
            rows.append([year, label, measure, value, figure, publisher, what, definition, url,
                         reported_on, value / figure if figure else None, others, None])
        else:
            rows.append([year, label, measure, value] + [None] * 8 + [none])
    return pd.DataFrame(rows, columns=COLUMNS).astype({"published": "float64", "share": "float64"})


def _published_for(con: duckdb.DuckDBPyConnection, key: str, measure: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM yardsticks WHERE country = ? AND compares_with = ?",
                            [key, measure]).fetchone()[0])


def sentence(row) -> str:
    """A row of `beside` in words: "2024: these data hold 4 attacks; PIPS counted 521 (1%)" or
    "2023: these data hold 12 attacks; not published here"."""
    word = COMPARED[row["measure"]][1]
    head = f"{row['year']}: these data hold {_figure(row['ours'])} {word}"
    if pd.isna(row["published"]):
        return f"{head}; {row['note'] or NOT_PUBLISHED}"
    what = PUBLISHED_WORDS.get(row["published_measure"], row["published_measure"])
    counted = f"{_figure(row['published'])}" + ("" if what == word else f" {what}")
    return f"{head}; {row['publisher']} counted {counted} ({percent(row['share'])})"


def percent(share: float | None) -> str:
    """A share in words: '1%', 'under 1%' (above 0, below half a percent), '0%'."""
    if share is None or pd.isna(share):
        return "no figure"
    return "under 1%" if 0 < share < 0.005 else f"{share:.0%}"


def all_figures(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every published figure, by publisher, country, year and measure. Columns: publisher,
    country, year, measure, value, compares_with, definition, scope, url, reported_on,
    superseded, others."""
    return con.execute(
        "SELECT publisher, country, year, measure, value, compares_with, definition, scope, url, "
        "reported_on, superseded, others FROM yardsticks "
        "ORDER BY publisher, country, year, measure, source_line").df()


def figures_markdown(frame: pd.DataFrame) -> list[tuple[str, str]]:
    """`all_figures` as Markdown, one (publisher, text) per publisher: each measure with its
    definition and what it is set beside, then every figure with its link (text escaped)."""
    out = []
    for publisher, part in frame.groupby("publisher", sort=True):
        lines = []
        for measure, rows in part.groupby("measure", sort=True):
            first = rows.iloc[0]
            beside_what = ("not set beside a count" if first["compares_with"] == "none"
                           else f"set beside {first['compares_with'].replace('_', ' ')}")
            lines.append(f"\n**{_md(measure.replace('_', ' '))}** ({beside_what}): {_md(first['definition'])}\n")
            for r in rows.itertuples():
                note = " (superseded by a later report)" if r.superseded else ""
                lines.append(f"- {r.year}, {_md(r.country)}: **{_figure(r.value)}**{note}; "
                             f"{_md(r.scope or 'no scope given')}; reported {_md(r.reported_on or 'undated')}, "
                             f"[{_md(_site(r.url))}]({r.url})")
        out.append((publisher, "\n".join(lines)))
    return out


def _site(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0]


def _md(text) -> str:
    """Text shown as text in Markdown (Streamlit's: `$` would start a formula)."""
    return "".join("\\" + c if c in "\\`*_{}[]<>#|~$" else c for c in str(text))


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.1f}"
