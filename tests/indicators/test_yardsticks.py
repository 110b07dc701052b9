"""Published yardsticks beside our counts (indicators/yardsticks.py), on the warehouse built from the
bundled data (fixture `con`). The published figures are read straight from the bundled CSV with
the csv module, never from the table under test.

Worked out by hand from data/yardsticks/published_totals_pak_afg.csv:
- Pakistan 2024, attacks: PIPS published one figure (preference 1), so it is the one set beside.
- Pakistan 2023, attacks: PIPS published none (MANIFEST: "PIPS 2023 ... not found"); PICSS
  (preference 2) has 623 (reported 2023-12-25) and 645 (2024-01-01): the later, 645, is shown and
  the first named: "earlier release 2023-12-25: 623".
- Pakistan 2013: no publisher has a figure -> "not published here".
- Balochistan 2022-2024, attacks: 2022 none (CRSS's 110 are incidents incl. operations:
  militant violence, not attacks), 2023 PICSS 170 (no PIPS), 2024 PIPS 202 (PICSS's 293 second).
"""
import csv
import datetime as dt
from collections import defaultdict

import pytest

from contract import yardsticks as contract
from etl.yardsticks import reported_span
from indicators import yardsticks
from indicators.filters import Filters
from tests.helpers import DATA

CSV = DATA / "yardsticks" / "published_totals_pak_afg.csv"


def csv_rows() -> list[dict]:
    with open(CSV, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def published(country: str, year: int, publisher: str, measure: str) -> list[float]:
    return [float(r["value"]) for r in csv_rows() if (r["country"], int(r["year"]), r["publisher"],
                                                      r["measure"]) == (country, year, publisher, measure)]


def our_attacks(con, f: Filters) -> int:
    """Our count, independently of the indicator: the filtered events of category attack."""
    where, params = f.where()
    return con.execute(f"SELECT count(*) FROM events WHERE {where} AND category = 'attack'",
                       params).fetchone()[0]


def test_every_row_of_the_file_loads(con):
    rows = csv_rows()
    assert len(rows) == 354
    assert con.execute("SELECT count(*) FROM yardsticks").fetchone()[0] == 354
    expected = defaultdict(float)
    for r in rows:
        expected[r["publisher"]] += float(r["value"])
    got = dict(con.execute("SELECT publisher, sum(value) FROM yardsticks GROUP BY 1").fetchall())
    assert got == pytest.approx(dict(expected))
    assert con.execute("SELECT count(*) FROM yardsticks WHERE reported_on LIKE '%(approx)%'").fetchone()[0] \
        == sum("(approx)" in r["reported_on"] for r in rows)


def test_the_table_is_its_contract(con):
    described = con.execute("DESCRIBE yardsticks").fetchall()
    assert [(name, kind) for name, kind, *_ in described] == [(c.name, c.sql_type) for c in contract.COLUMNS]
    for c in contract.COLUMNS:
        if c.required:
            assert con.execute(f'SELECT count(*) FROM yardsticks WHERE "{c.name}" IS NULL').fetchone()[0] == 0, c.name
        if c.allowed:
            found = {v for (v,) in con.execute(f'SELECT DISTINCT "{c.name}" FROM yardsticks').fetchall()}
            assert found <= set(c.allowed), c.name
    assert con.execute("SELECT count(*) - count(DISTINCT source_line) FROM yardsticks").fetchone()[0] == 0
    # every figure set beside a count has a preference, the others none
    assert con.execute("SELECT count(*) FROM yardsticks WHERE (compares_with = 'none') <> "
                       "(preference IS NULL)").fetchone()[0] == 0


def test_a_later_report_supersedes_and_the_other_is_named(con):
    rows = dict(((v, s), o) for v, s, o in con.execute(
        "SELECT value, superseded, others FROM yardsticks WHERE country = 'Pakistan' AND year = 2018 "
        "AND publisher = 'CRSS' AND measure = 'deaths'").fetchall())
    # 754 reported 2019-01-31, 739 on 2019-12-31: the later wins
    assert rows == {(739.0, False): "earlier release 2019-01-31: 754",
                    (754.0, True): "superseded by 2019-12-31: 739"}
    # one report date for two figures (CRSS 2024: 909 attacks, 444 on security forces): neither
    # is later, neither superseded, each names the other
    same_day = con.execute("SELECT value, superseded, others FROM yardsticks WHERE country = 'Pakistan' "
                           "AND year = 2024 AND publisher = 'CRSS' AND measure = 'attacks' ORDER BY value").fetchall()
    assert [(v, s) for v, s, _ in same_day] == [(444.0, False), (909.0, False)]
    assert same_day[0][2].startswith("also 909 (2025-01-09; ") and same_day[1][2].startswith("also 444 (")


def test_pakistan_2024_is_set_beside_the_pips_figure(con):
    f = Filters(2024, 2024, countries=("PAK",))
    [figure] = published("Pakistan", 2024, "PIPS", "attacks")
    row = yardsticks.beside(con, f, "attacks").iloc[0]
    ours = our_attacks(con, f)
    assert (row["year"], row["region"], row["publisher"], row["published"]) == (2024, "Pakistan", "PIPS", figure)
    assert row["ours"] == ours and row["share"] == pytest.approx(ours / figure)
    assert row["url"] == next(r["url"] for r in csv_rows() if (r["country"], r["year"], r["publisher"],
                                                                r["measure"]) == ("Pakistan", "2024", "PIPS", "attacks"))
    assert row["definition"].startswith("Pak Institute for Peace Studies")
    assert pd_isna(row["note"]) and pd_isna(row["other"])
    assert yardsticks.sentence(row) == (f"2024: these data hold {ours} attacks; PIPS counted "
                                        f"{figure:,.0f} ({yardsticks.percent(ours / figure)})")


def test_a_year_without_pips_falls_to_picss_and_names_its_first_release(con):
    f = Filters(2023, 2023, countries=("PAK",))
    assert published("Pakistan", 2023, "PIPS", "attacks") == []
    assert published("Pakistan", 2023, "PICSS", "attacks") == [623.0, 645.0]
    row = yardsticks.beside(con, f, "attacks").iloc[0]
    assert (row["publisher"], row["published"], row["reported_on"]) == ("PICSS", 645.0, "2024-01-01")
    assert row["other"] == "earlier release 2023-12-25: 623"


def test_a_year_nobody_published_says_so_and_is_not_filled(con):
    f = Filters(2013, 2014, countries=("PAK",))
    frame = yardsticks.beside(con, f, "attacks")
    assert frame["year"].tolist() == [2013, 2014]
    first = frame.iloc[0]
    assert pd_isna(first["published"]) and pd_isna(first["share"]) and pd_isna(first["publisher"])
    assert first["note"] == "not published here"
    ours = our_attacks(con, Filters(2013, 2013, countries=("PAK",)))
    assert yardsticks.sentence(first) == f"2013: these data hold {ours} attacks; not published here"
    assert frame.iloc[1]["published"] == published("Pakistan", 2014, "PIPS", "attacks")[0]


def test_no_country_filter_compares_pakistan_and_says_so(con):
    both = yardsticks.beside(con, Filters(2024, 2024), "attacks").iloc[0]
    assert both["region"] == "Pakistan (our count: Pakistan only)"
    assert both["ours"] == our_attacks(con, Filters(2024, 2024, countries=("PAK",)))


def test_a_province_filter_picks_the_provincial_figure(con):
    f = Filters(2022, 2024, provinces=("Balochistan",))
    frame = yardsticks.beside(con, f, "attacks").set_index("year")
    assert set(frame["region"]) == {"Pakistan/Balochistan"}
    assert frame.loc[2024, "published"] == published("Pakistan/Balochistan", 2024, "PIPS", "attacks")[0] == 202
    assert frame.loc[2023, ["publisher", "published"]].tolist() == ["PICSS", 170.0]
    assert pd_isna(frame.loc[2022, "published"]) and frame.loc[2022, "note"] == "not published here"
    for year in (2022, 2023, 2024):
        assert frame.loc[year, "ours"] == our_attacks(con, Filters(year, year, provinces=("Balochistan",)))
    # a province no publisher covers: said so, never the national figure
    other = yardsticks.beside(con, Filters(2024, 2024, provinces=("Gilgit-Baltistan",)), "attacks").iloc[0]
    assert other["region"] == "Pakistan/Gilgit-Baltistan" and pd_isna(other["published"])
    assert other["note"] == "not published here: no figure of this kind is published for Gilgit-Baltistan"


def test_deaths_and_militant_violence_take_their_own_yardsticks(con):
    f = Filters(2024, 2024, countries=("PAK",))
    deaths = yardsticks.beside(con, f, "deaths").iloc[0]
    assert (deaths["publisher"], deaths["published"]) == ("PIPS", published("Pakistan", 2024, "PIPS", "deaths")[0])
    where, params = f.where()
    expected = con.execute(f"SELECT coalesce(sum({f.deaths}), 0) FROM events WHERE {where}", params).fetchone()[0]
    assert deaths["ours"] == pytest.approx(expected)
    # militant violence: the overall figures (attacks and operations, `incidents`): PIPS has 2014
    # (2,099) and 2025, PICSS 2015 (1,901), nobody 2016
    violence = yardsticks.beside(con, Filters(2014, 2016, countries=("PAK",)), "militant_violence")
    assert violence["publisher"].tolist()[:2] == ["PIPS", "PICSS"]
    assert violence["published"].tolist()[:2] == [published("Pakistan", 2014, "PIPS", "incidents")[0],
                                                  published("Pakistan", 2015, "PICSS", "incidents")[0]]
    assert violence["note"].tolist()[2] == "not published here"
    with pytest.raises(ValueError, match="choose one of attacks, militant_violence, deaths"):
        yardsticks.beside(con, f, "killed")


def test_all_figures_lists_every_row_with_its_definition(con):
    frame = yardsticks.all_figures(con)
    assert len(frame) == 354 and frame["definition"].notna().all()
    assert set(frame["url"]) == {r["url"] for r in csv_rows()}


@pytest.mark.parametrize("text, span", [
    ("2023-03-16", (dt.date(2023, 3, 16), dt.date(2023, 3, 16))),
    ("2023-03", (dt.date(2023, 3, 1), dt.date(2023, 3, 31))),
    ("2025-12-29 (approx)", (dt.date(2025, 12, 29), dt.date(2025, 12, 29))),
    ("2024-02/03", (dt.date(2024, 2, 1), dt.date(2024, 3, 31))),
    ("2022 (approx)", (dt.date(2022, 1, 1), dt.date(2022, 12, 31))),
    ("", None)])
def test_a_report_date_is_the_span_it_can_mean(text, span):
    assert reported_span(text) == span


def pd_isna(value) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))
