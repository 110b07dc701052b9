"""The briefing note on tests/data/brief_events.csv and brief_suicide.csv, sentences worked out by hand.

The fixture (made by tests/data/make_fixtures.py), all in Pakistan, every date known to the day:
  brief_events.csv (dataset curated; first event 10 May 2016, last 10 February 2019)
   1 2016-05-10 Quetta     attack       Lashkar-e-Jhangvi (LeJ), police, 3 killed
   2 2017-11-15 Karachi    attack       Islamic State (IS), police, 1 killed
   3 2018-08-01 Quetta     attack       LeJ, police, 4 killed                         <- Q3 2018
   4 2018-10-05 Mastung    attack       LeJ, Hazara Shi'a (minority), 10 killed       <- Q4 2018 from here
   5 2018-11-11 Quetta     attack       LeJ, police, 2 killed
   6 2018-12-01 Karachi    attack       IS, Christian church (minority), 0 killed
   7 2018-11-03 Karachi    propaganda   IS
   8 2018-11-20 Karachi    propaganda   IS
   9 2018-12-15 Karachi    propaganda   IS
  10 2018-10-20 Hyderabad  recruitment  IS
  11 2018-12-05 Hyderabad  recruitment  IS
  12 2018-11-25 (Khyber Pakhtunkhwa, no district) allegiance  Jamaat-ul-Ahrar (JuA)   <- end of Q4 2018
  13 2019-02-10 Karachi    propaganda   IS
  brief_suicide.csv (dataset pk_suicide_attacks; actor unknown): 2016-03-01 and 2017-12-20, Peshawar.

Default period: the newest event is on 10 February 2019, so Q1 2019 is not complete; Q4 2018 is the
latest complete quarter before it (January 2019 the latest month, 2018 the latest year). Previous
period Q3 2018, the year before Q4 2017.
Completeness: the fixture has no published yardstick, so the note opens by saying completeness
cannot be judged. Scope: only curated covers Q4 2018, and it records only the Islamic State network
(table coverage), so every sentence ends by naming that scope.
Coverage: curated covers Q3 and Q4 2018 in full; pk_suicide_attacks (1 March 2016 to 20 December
2017) covers Q4 2017 in part and Q4 2018 not at all: Q4 2018 is compared with Q3 2018 on every
dataset, and with Q4 2017 on curated only (it covers both in full): attacks {4, 5, 6} = 3 against
{2} = 1, deaths 12 against 1.
Militant violence: attacks {4, 5, 6} and no armed clash = 3 against {3} = 1, about the same.
Q4 2018 (events 4-12): attacks {4, 5, 6} = 3 against {3} = 1 in Q3 2018: with 4 trials, P(X >= 3)
= (4 + 1) / 16, two-sided p = 0.625: "about the same" (a rise that is not significant).
Deaths 10 + 2 + 0 = 12 against 4. Provinces: Sindh {6, 7, 8, 9, 10, 11} = 6 against 0: p = 2 / 64
= 0.031 < 0.05, and 6 >= 2 x 0: surged; Balochistan {4, 5} = 2 against {3} = 1 and Khyber Pakhtunkhwa
{12} = 1 against 0 are not significant. Districts: Karachi {6, 7, 8, 9} = 4 against 0 gives
p = 2 / 16 = 0.125, not significant, and is the most. Groups: IS 6, LeJ 2 ({4, 5}), JuA 1: IS has at
least 5 events, so the most active groups are named.
New districts: IS in Hyderabad (10; IS was in Karachi in 2017), LeJ in Mastung (4; LeJ was in Quetta
in 2016). First attack: LeJ in Mastung on 5 October 2018, but the data hold
only 2 earlier LeJ events ({1, 3}): too thin to call it new. Minorities {4, 6} = 2 against 0: p = 0.5.
Signals {7, 8, 9} propaganda, {12} allegiance, {10, 11} recruitment = 6 against 0: surged.
Alert: Karachi, IS, November 2018: {7, 8} = 2 events, more than the earlier maximum 1 (event 2 in
November 2017, the only one in the 36 months before): baseline 1/36 = 0.0278 a month,
P(Poisson(0.0278) >= 2) = 1 - e^-0.0278 (1 + 0.0278) = 0.0004. December ({6, 9} = 2) is not more than
November's 2; no other district and group has 2 events in a month.
"""
import datetime as dt
import re
from dataclasses import replace

import pytest

from indicators import alerts, brief, coverage, events, library, spread, yardsticks
from indicators.brief_draft import Number
from indicators.brief_words import joined
from indicators.filters import Filters
from indicators.periods import Period, over, parse_period
from tests.helpers import DATA, TODAY, fixture_data_dir, read_only

F = Filters(2014, 2019)
Q4 = Period("quarter", dt.date(2018, 10, 1))

SCOPE = " (recorded for Q4 2018: only the Islamic State network)."
EXPECTED = [s[:-1] + SCOPE for s in [
    "Whether these data are complete for Q4 2018 cannot be judged: no published count for 2018 to "
    "compare with.",
    "Militant violence: 3 events in Q4 2018 (3 attacks, 0 armed clashes with a militant side), about the "
    "same as in Q3 2018 (1).",
    "Attacks: 3 in Q4 2018, about the same as in Q3 2018 (1); compared on brief_events.csv, the dataset "
    "that covers both, they were 3 in Q4 2018, about the same as in Q4 2017 (1).",
    "People killed in these events: 12 in Q4 2018, against 4 in Q3 2018; compared on brief_events.csv, "
    "the dataset that covers both, 12 in Q4 2018 against 1 in Q4 2017 (deaths are given as counts, "
    "not tested for change: one attack can kill dozens).",
    "By province, activity surged most in Sindh (6 events, up from 0 in Q3 2018).",
    "By district, no change from Q3 2018 was significant; the most events were in Karachi (4).",
    "The most active groups in Q4 2018 were Islamic State (6 events), Lashkar-e-Jhangvi (2) and "
    "Jamaat-ul-Ahrar (1).",
    "Islamic State was recorded for the first time in 1 district in Q4 2018: Hyderabad.",
    "Lashkar-e-Jhangvi was recorded for the first time in 1 district in Q4 2018: Mastung.",
    "Lashkar-e-Jhangvi attacked in Mastung on 5 October 2018, its first recorded attack there, but the "
    "evidence is too thin to call it new: the data hold 2 earlier events of the group (fewer than five).",
    "Attacks on religious minorities: 2 in Q4 2018, about the same as in Q3 2018 (0).",
    "Weak signals (propaganda, allegiance, recruitment and organisation) surged to 6 in Q4 2018 from 0 in Q3 2018; "
    "they were 3 propaganda, 1 allegiance and 2 recruitment events.",
    "Escalation alert: Karachi (Islamic State) had 2 events in November 2018, more than in any month "
    "of the previous 36 (baseline 0.03 a month, Poisson p = 0.0004).",
]] + [
    "Coverage: Q4 2018 is covered by brief_events.csv (10 May 2016 to 10 February 2019); "
    "brief_suicide.csv (1 March 2016 to 20 December 2017) covers Q4 2017 in part and Q4 2018 not at "
    "all, so Q4 2018 is compared with Q4 2017 on brief_events.csv only, the dataset that covers both; "
    "this dataset records only the Islamic State network, so every figure and comparison is of that "
    "part of events only.",
]
# the events each sentence's link opens (fixture numbers above)
EVIDENCE_EVENTS = [9, 3, 3, 9, 6, 4, 9, 2, 1, 1, 2, 6, 2, 9]  # IS in Hyderabad: {10, 11}


@pytest.fixture(scope="module")
def brief_con(brief_warehouse):
    with read_only(brief_warehouse) as connection:
        yield connection


@pytest.fixture(scope="module")
def note(brief_con):
    return brief.briefing_note(brief_con, F, Q4)


def test_the_default_period_is_the_latest_complete_period_before_the_newest_event(brief_con):
    """The newest event is on 10 February 2019: Q1 2019 is incomplete, Q4 2018 is the latest
    complete quarter, January 2019 (complete, though empty) the latest month, 2018 the latest year."""
    assert brief.default_period(brief_con, F) == Q4
    assert brief.default_period(brief_con, F, "year") == Period("year", dt.date(2018, 1, 1))
    assert brief.default_period(brief_con, F, "month") == Period("month", dt.date(2019, 1, 1))
    # not after the selected years, and none before them
    assert brief.default_period(brief_con, Filters(2014, 2016)) == Period("quarter", dt.date(2016, 10, 1))
    assert brief.default_period(brief_con, Filters(2020, 2021)) is None
    assert brief.default_period(brief_con, Filters(2014, 2015)) is None  # before the first event


def test_the_default_period_on_the_bundled_data_is_the_last_complete_quarter(con):
    """Not the latest quarter every dataset covers: the latest complete quarter before the newest
    event the default filters keep (found here with SQL of its own)."""
    from contract.schema import DEFAULT_CATEGORIES, MILITANT_KINDS

    newest = con.execute(
        f"SELECT max(event_date) FROM events WHERE category IN ({', '.join('?' * len(DEFAULT_CATEGORIES))}) "
        f"AND actor_group IN (SELECT actor_group FROM actor_kinds WHERE kind IN "
        f"({', '.join('?' * len(MILITANT_KINDS))})) AND NOT is_secondary AND date_precision <> 'year'",
        list(DEFAULT_CATEGORIES) + list(MILITANT_KINDS)).fetchone()[0]
    quarter = (newest.month - 1) // 3
    expected = Period("quarter", dt.date(newest.year, 3 * quarter - 2, 1) if quarter
                      else dt.date(newest.year - 1, 10, 1))
    assert brief.default_period(con, Filters(2017, 2026)) == expected == Period("quarter", dt.date(2025, 10, 1))


def test_the_note_says_exactly_what_the_numbers_support(note):
    assert [s.text for s in note.sentences] == EXPECTED
    assert 8 <= len(note.sentences) <= 15
    assert "%" not in " ".join(EXPECTED)  # every earlier count is below the percentage base


def test_each_sentence_links_to_exactly_its_counted_events(brief_con, note):
    assert [events.event_count(brief_con, s.evidence) for s in note.sentences] == EVIDENCE_EVENTS
    first_attack = note.sentences[9].evidence
    assert first_attack.districts == ("PAK-mastung",) and first_attack.categories == ("attack",)
    assert note.sentences[0].sources == ("brief_events.csv",)


def _reconciled(con, n: Number):
    """The number again, from the indicator it says it came from."""
    if n.indicator.startswith("measure:"):
        return int(library.measure_by(con, n.filters, n.indicator.split(":")[1], ())["value"].iloc[0])
    f = n.filters
    years = replace(f.all_time(), year_from=f.date_from.year, year_to=f.date_to.year)
    if n.indicator == "new_districts":
        rows = spread.new_districts(con, years)
        rows = rows[(rows["actor_group"] == f.actor_groups[0])
                    & rows["first_date"].between(pd_ts(f.date_from), pd_ts(f.date_to))]
        return len(rows)
    if n.indicator == "first_attacks":
        rows = spread.new_districts(con, replace(years, categories=("attack",)))
        row = rows[(rows["actor_group"] == f.actor_groups[0]) & (rows["district_id"] == f.districts[0])]
        return row["first_date"].iloc[0].date()
    if n.indicator == "yardstick":  # the published figure, or a part of it for a shorter period
        y = n.filters.date_from.year
        published = yardsticks.beside(con, Filters(y, y), "attacks")["published"].iloc[0]
        return round(published / 4) if n.name.endswith(" a quarter") else round(published)
    found = alerts.escalation_alerts(con, years, limit=1000)
    row = found[(found["month"] == f.date_from) & (found["district_id"] == f.districts[0])].iloc[0]
    return {"baseline months": alerts.BASELINE_MONTHS, "baseline per month": row["baseline_per_month"],
            "p-value": row["p_value"]}.get(n.name, row["events"])


def pd_ts(day):
    import pandas as pd

    return pd.Timestamp(day)


def test_every_number_reconciles_with_its_indicator(brief_con, note):
    for s in note.sentences:
        for n in s.numbers:
            assert _reconciled(brief_con, n) == n.value, (s.text, n)


def test_every_number_in_the_text_is_a_computed_number(note):
    """Take the period names and dates out of each sentence: every number left is one of the
    sentence's computed numbers (nothing typed into a template)."""
    dates = r"\d{1,2} [A-Z][a-z]+ \d{4}|(Q[1-4]|H[12]|[A-Z][a-z]+) \d{4}|(?<![\d.])\d{4}\b"
    for s in note.sentences:
        left = re.findall(r"\d[\d,]*(?:\.\d+)?", re.sub(dates, "", s.text))
        allowed = {f"{n.value:,}" if isinstance(n.value, int) else f"{n.value:.2f}" for n in s.numbers}
        allowed |= {f"{n.value:.4f}" for n in s.numbers if isinstance(n.value, float)}
        assert set(left) <= allowed, (s.text, left, allowed)


def test_a_comparison_is_made_when_the_same_datasets_cover_both_periods(brief_con):
    """Only the curated dataset: it covers Q4 2017 and Q4 2018 in full, so the year-before
    comparison is made: 3 attacks against {2} = 1, p = 0.625, about the same. It records only the
    Islamic State network, so the coverage sentence says so instead of 'both comparisons are made'."""
    note = brief.briefing_note(brief_con, replace(F, datasets=("curated",)), Q4)
    headline = next(s.text for s in note.sentences if s.key == "headline")
    assert headline == ("Attacks: 3 in Q4 2018, about the same as in Q3 2018 (1); against Q4 2017 (1), "
                        "about the same" + SCOPE)
    assert note.sentences[-1].text.endswith("this dataset records only the Islamic State network, so every "
                                            "figure and comparison is of that part of events only.")
    assert "both comparisons are made" not in note.sentences[-1].text


def test_a_yearly_note_compares_with_the_year_before_once(brief_con):
    """2018 against 2017 (the previous period and the year before are one): brief_suicide.csv
    covers 2017 in part, so the comparison is made on curated, which covers both years: attacks
    {3, 4, 5, 6} = 4 against {2} = 1 (4 + 1 = 5 trials, P(X >= 4) = 6 / 32, two-sided p = 0.375)."""
    note = brief.briefing_note(brief_con, F, parse_period("2018"))
    text = " ".join(s.text for s in note.sentences)
    headline = next(s.text for s in note.sentences if s.key == "headline")
    assert headline == ("Attacks: 4 in 2018; compared on brief_events.csv, the dataset that covers both, "
                        "they were 4 in 2018, about the same as in 2017 (1) (recorded for 2018: only the "
                        "Islamic State network).")
    deaths = next(s.text for s in note.sentences if s.key == "deaths")
    assert headline.count("2017") == deaths.count("2017") == 1  # one comparison each
    assert "2017 and 2017" not in text and text.count("no comparison") == 0
    assert dict(note.stamp)["Period"].endswith("against 2017")


def test_the_2014_note_compares_with_2013_on_the_datasets_covering_both(con):
    """The curated file starts in 2014; UCDP GED covers 2013 and 2014 in full, so the comparison
    is made on it (and on any other dataset covering both), saying so; the counts it uses are
    those of the datasets covering both (checked with SQL of its own)."""
    f = Filters(2014, 2014)
    cov = coverage.dataset_coverage(con, f)
    both = [r for r in cov if r.first_date <= dt.date(2013, 1, 1) and r.last_date >= dt.date(2014, 12, 31)]
    assert "ucdp" in [r.dataset for r in both]
    note = brief.briefing_note(con, f, parse_period("2014"))
    headline = next(s for s in note.sentences if s.key == "headline")
    words = f"compared on {joined([r.name for r in both])}, the datasets that cover both"
    assert words in headline.text and "no comparison" not in headline.text
    before = headline.numbers[-1]
    assert before.filters.datasets == tuple(r.dataset for r in both) and before.filters.date_from.year == 2013
    assert before.value == _attacks_sql(con, 2013, tuple(r.dataset for r in both))
    assert f"from {before.value:,} in 2013" in headline.text or f"as in 2013 ({before.value:,})" in headline.text
    assert f"so 2014 is compared with 2013 on {joined([r.name for r in both])} only" in note.sentences[-1].text


def _attacks_sql(con, year, datasets):
    from contract.schema import MILITANT_KINDS

    return con.execute(
        f"SELECT count(*) FROM events WHERE category = 'attack' AND year(event_date) = ? AND "
        f"dataset IN ({', '.join('?' * len(datasets))}) AND NOT is_secondary AND actor_group IN "
        f"(SELECT actor_group FROM actor_kinds WHERE kind IN ({', '.join('?' * len(MILITANT_KINDS))}))",
        [year, *datasets, *MILITANT_KINDS]).fetchone()[0]


def test_no_most_active_group_from_fewer_than_five_events(brief_con):
    """Q3 2018 holds one event, LeJ's attack in Quetta (event 3): too thin to name the most
    active group."""
    note = brief.briefing_note(brief_con, F, parse_period("2018-Q3"))
    groups = next(s for s in note.sentences if s.key == "groups")
    assert groups.text == ("The evidence is too thin to name the most active group in Q3 2018: no group "
                           "has five events or more (1 event attributed to 1 named group) (recorded for "
                           "Q3 2018: only the Islamic State network).")
    assert "most active group in Q3 2018 was" not in " ".join(s.text for s in note.sentences)
    assert events.event_count(brief_con, groups.evidence) == 1


YARDSTICKS = """country,year,publisher,measure,value,scope,url,reported_on
Pakistan,2017,PIPS,attacks,4,test figure,https://example.org/pips-2017,2018-01
Pakistan,2018,PIPS,attacks,40,test figure,https://example.org/pips-2018,2019-01
"""


@pytest.fixture(scope="module")
def yardstick_con(tmp_path_factory):
    """The brief fixture with two published counts: PIPS 40 attacks in Pakistan in 2018 (10 a
    quarter) and 4 in 2017 (1 a quarter)."""
    from etl.build import build_warehouse

    tmp = tmp_path_factory.mktemp("brief_yardsticks")
    data = fixture_data_dir(tmp, {"brief_events.csv": "curated", "brief_suicide.csv": "pk_suicide_attacks"})
    (data / "yardsticks").mkdir()
    (data / "yardsticks" / "published_totals_pak_afg.csv").write_text(YARDSTICKS)
    build_warehouse(data, tmp / "w.duckdb", today=TODAY)
    with read_only(tmp / "w.duckdb") as connection:
        yield connection


def test_the_note_opens_on_completeness_when_the_data_hold_under_half_the_yardstick(yardstick_con):
    """Q4 2018: 3 attacks ({4, 5, 6}) against PIPS's 40 / 4 = 10 a quarter: under half, so the
    first sentence says so and every later count is a floor."""
    note = brief.briefing_note(yardstick_con, F, Q4)
    assert note.sentences[0].text == (
        "These data are far from complete for Q4 2018: they hold 3 attacks in Pakistan, where PIPS "
        "counted 40 in 2018 (about 10 a quarter); read every figure below as a floor" + SCOPE)
    assert [n.value for n in note.sentences[0].numbers] == [3, 40, 10]
    headline = next(s.text for s in note.sentences if s.key == "headline")
    assert headline.startswith("Attacks: at least 3 in Q4 2018")
    assert "People killed in these events: at least 12 in Q4 2018" in " ".join(s.text for s in note.sentences)


def test_no_completeness_sentence_when_the_data_hold_half_the_yardstick_or_more(yardstick_con):
    """Q4 2017: 1 attack (event 2; the suicide attack of 20 December 2017 has no known actor, so it is
    not militant violence by default) against PIPS's 4 / 4 = 1 a quarter: not under half."""
    note = brief.briefing_note(yardstick_con, F, parse_period("2017-Q4"))
    assert note.sentences[0].key != "completeness"
    assert not any("far from complete" in s.text or "at least" in s.text for s in note.sentences)


def test_coverage_is_each_datasets_first_and_last_event(brief_con):
    cov = coverage.dataset_coverage(brief_con, F)
    assert [(r.dataset, r.first_date, r.last_date, r.events) for r in cov] == [
        ("pk_suicide_attacks", dt.date(2016, 3, 1), dt.date(2017, 12, 20), 2),
        ("curated", dt.date(2016, 5, 10), dt.date(2019, 2, 10), 13)]
    assert coverage.comparison_problem(cov, Q4, Q4.previous()) is None
    assert "covers Q4 2017 in part and Q4 2018 not at all" in coverage.comparison_problem(cov, Q4, Q4.year_before())


def test_evidence_filters_narrow_to_days_and_leave_out_year_only_dates(fixture_con):
    """On indicator_events.csv: event 3 (2015, known only to the year) counts in 2015 but in no
    quarter; event 4 (13 May 2015) is the only event of Q2 2015."""
    year = over(Filters(2014, 2017), parse_period("2015"))
    quarter = over(Filters(2014, 2017), parse_period("2015-Q2"))
    assert events.event_count(fixture_con, year) == 2 and events.event_count(fixture_con, quarter) == 1
    assert not year.sub_year and quarter.sub_year
    assert quarter.all_time() == Filters(1900, 2999)
    assert quarter.describe() == "Pakistan and Afghanistan, 1 Apr 2015 to 30 Jun 2015, militant violence and weak signals"


@pytest.mark.parametrize("text, label, previous, year_before", [
    ("2018-10", "October 2018", "2018-09", "2017-10"),
    ("2018-Q1", "Q1 2018", "2017-Q4", "2017-Q1"),
    ("2018-h1", "H1 2018", "2017-H2", "2017-H1"),
    ("2018", "2018", "2017", "2017"),
])
def test_periods_parse_name_and_shift(text, label, previous, year_before):
    p = parse_period(text)
    assert (p.label, p.previous().code, p.year_before().code) == (label, previous, year_before)
    assert parse_period(p.code) == p


def test_a_bad_period_says_what_is_expected():
    with pytest.raises(ValueError, match="expected YYYY-MM"):
        parse_period("2018-13")


def test_brief_numbers_are_consistent_with_yearly_measures(brief_con):
    """The four quarters of 2018 add up to the year's count (every date is known to the day)."""
    quarters = [_count(brief_con, over(F, Period("quarter", dt.date(2018, m, 1))))
                for m in (1, 4, 7, 10)]
    year = int(library.measure_by(brief_con, Filters(2018, 2018), "events", ())["value"].iloc[0])
    assert sum(quarters) == year == 10 and quarters == [0, 0, 1, 9]


def _count(con, f):
    return int(library.measure_by(con, f, "events", ())["value"].iloc[0])



def _militant_sql(con, year, category):
    from contract.schema import MILITANT_KINDS

    return con.execute(
        f"SELECT count(*) FROM events WHERE category = ? AND year(event_date) = ? AND NOT is_secondary "
        f"AND actor_group IN (SELECT actor_group FROM actor_kinds WHERE kind IN "
        f"({', '.join('?' * len(MILITANT_KINDS))}))", [category, year, *MILITANT_KINDS]).fetchone()[0]


def test_the_2014_note_opens_on_completeness_and_reports_militant_violence_apart(con):
    """On the bundled data, the 2014 note against PIPS's count of attacks in Pakistan (read here
    from data/yardsticks/published_totals_pak_afg.csv) and our counts (SQL of its own): the first
    sentence holds both numbers (ours is under half of it) and every count is a floor; militant
    violence (attacks and armed clashes) and attacks are two sentences."""
    import csv

    from contract.schema import MILITANT_KINDS

    with open(DATA / "yardsticks" / "published_totals_pak_afg.csv", newline="") as handle:
        pips = next(int(float(r["value"])) for r in csv.DictReader(handle)
                    if (r["country"], r["year"], r["publisher"], r["measure"])
                    == ("Pakistan", "2014", "PIPS", "attacks"))
    ours = con.execute(f"SELECT count(*) FROM events WHERE category = 'attack' AND country = 'PAK' AND "
                       f"year(event_date) = 2014 AND NOT is_secondary AND actor_group IN (SELECT actor_group "
                       f"FROM actor_kinds WHERE kind IN ({', '.join('?' * len(MILITANT_KINDS))}))",
                       list(MILITANT_KINDS)).fetchone()[0]
    assert ours < pips / 2, "the bundled data hold half of PIPS's 2014 count: this test needs another year"
    note = brief.briefing_note(con, Filters(2014, 2014), parse_period("2014"))
    texts = [s.text for s in note.sentences]
    assert texts[0] == (f"These data are far from complete for 2014: they hold {ours:,} attacks in Pakistan, "
                        f"where PIPS counted {pips:,} in 2014; read every figure below as a floor.")
    attacks, clashes = _militant_sql(con, 2014, "attack"), _militant_sql(con, 2014, "armed_clash")
    violence = next(t for t in texts if t.startswith("Militant violence"))
    assert violence.startswith(f"Militant violence: at least {attacks + clashes:,} events in 2014 ({attacks:,} "
                               f"attacks, {clashes:,} armed clashes with a militant side)")
    assert any(t.startswith(f"Attacks: at least {attacks:,} in 2014") for t in texts)
