"""Each indicator on tests/data/indicator_events.csv, with the expected values worked out by hand.

The fixture (made by tests/data/make_fixtures.py), all in Pakistan:
  1 2014-10-16 day   Karachi   propaganda   IS sympathisers                     -> Islamic State
  2 2014-11    month Khanewal  propaganda   IS sympathisers                     -> Islamic State
  3 2015       year  (country) allegiance   Jamaat-ul-Ahrar                     -> TTP
  4 2015-05-13 day   Karachi   attack       Islamic State, Ismaili Shi'a, 45 killed 13 injured
  5 2016-08-08 day   Quetta    attack       Jamaat-ul-Ahrar (TTP), lawyers, 70 killed 100 injured
  6 2016-10-24 day   Quetta    attack       ISKP, police cadets, 61 killed 165 injured
  7 2016-11-12 day   Khuzdar   attack       Islamic State, Sufi shrine, 52 killed, injured unknown
  8 2017-02-16 day   Jamshoro  attack       Islamic State, Sufi shrine, 90 killed 300 injured
  9 2017-02-10 day   Hyderabad recruitment  Islamic State
 10 2017-06-02 day   Mastung   counter_terrorism (state action, not counted by default), 12 killed
 11 2016-10-05 day   Quetta    attack       Islamic State, Shi'a worshippers, 2 killed
"""
import csv
import math
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.schema import CATEGORIES
from indicators import alerts, impact, library, spread, timeline
from indicators.filters import Filters
from indicators.registry import INDICATORS, compute
from tests.helpers import DATA

F = Filters(2014, 2017)
IS = replace(F, actor_groups=("Islamic State",))


def by_year(frame):
    return {p.year: v for p, v in zip(frame["period"], frame["value"])}


def test_events_and_signals_by_year(fixture_con):
    """Events 2014-2017 without counter-terrorism: 1-9 and 11 = 10. Signals (propaganda, allegiance,
    recruitment): 2014 {1, 2} = 2, 2015 {3} = 1, 2016 none, 2017 {9} = 1."""
    assert sum(library.measure_by(fixture_con, F, "events", ("year",))["value"]) == 10
    assert by_year(library.measure_by(fixture_con, F, "signals", ("year",))) == {2014: 2, 2015: 1, 2016: 0, 2017: 1}


def test_attacks_and_fatalities_by_year(fixture_con):
    """Attacks: 2015 {4}, 2016 {5, 6, 7, 11}, 2017 {8}. Fatalities of all counted events: 2015 45,
    2016 70 + 61 + 52 + 2 = 185, 2017 90 (event 10, counter-terrorism, is not counted)."""
    assert by_year(library.measure_by(fixture_con, F, "attacks", ("year",))) == {2014: 0, 2015: 1, 2016: 4, 2017: 1}
    assert by_year(library.measure_by(fixture_con, F, "fatalities", ("year",))) == {2014: 0, 2015: 45, 2016: 185, 2017: 90}


def test_minority_share(fixture_con):
    """Attacks on religious minorities: 4 (Ismaili Shi'a), 7 and 8 (Sufi shrines), 11 (Shi'a): 4 of
    6 = 66.7 %. By year: 2015 1/1 = 100, 2016 2/4 = 50, 2017 1/1 = 100, 2014 no attack: null."""
    total = library.measure_by(fixture_con, F, "minority_share", ())
    assert total["value"].iloc[0] == pytest.approx(66.7)
    years = by_year(library.measure_by(fixture_con, F, "minority_share", ("year",)))
    assert math.isnan(years[2014]) and (years[2015], years[2016], years[2017]) == (100, 50, 100)


def test_civilian_attacks(fixture_con):
    """Civilian or minority targets: 4, 7, 8, 11 (lawyers are 'government and political', police
    cadets 'security forces'): 4 attacks, 45 + 52 + 90 + 2 = 189 killed."""
    assert library.measure_by(fixture_con, F, "civilian_attacks", ())["value"].iloc[0] == 4
    assert library.measure_by(fixture_con, F, "civilian_fatalities", ())["value"].iloc[0] == 189


def test_a_year_only_event_is_never_put_in_january(fixture_con):
    """Event 3 is dated only to 2015: it is in the yearly count of 2015 but in no month or quarter."""
    months = library.measure_by(fixture_con, F, "allegiance", ("month",))
    assert months["value"].sum() == 0 and months.attrs["left_out_imprecise"] == 1
    quarters = library.measure_by(fixture_con, F, "events", ("quarter",))
    assert quarters["value"].sum() == 9
    assert by_year(library.measure_by(fixture_con, F, "allegiance", ("year",)))[2015] == 1
    # a month-precision event (2, November 2014) does go in its month
    nov = library.measure_by(fixture_con, F, "propaganda", ("month",))
    assert dict(zip(nov["period"].astype(str), nov["value"]))["2014-11-01"] == 1


def test_precise_dates_only_leaves_out_month_and_year_events(fixture_con):
    """Events 2 (month) and 3 (year) go: 10 - 2 = 8."""
    f = replace(F, precise_dates_only=True)
    assert library.measure_by(fixture_con, f, "events", ())["value"].iloc[0] == 8


def test_diffusion_and_new_districts_of_the_islamic_state(fixture_con):
    """Districts with IS events: 2014 Karachi, Khanewal (2); 2015 Karachi (1); 2016 Quetta, Khuzdar
    (2); 2017 Jamshoro, Hyderabad (2). New for IS: 2014 Karachi, Khanewal; 2015 none (Karachi is not
    new); 2016 Quetta (first IS event 2016-10-05), Khuzdar; 2017 Hyderabad, Jamshoro."""
    diff = spread.diffusion(fixture_con, IS)
    assert dict(zip(diff["period"].map(lambda p: p.year), diff["active_districts"])) == {2014: 2, 2015: 1, 2016: 2, 2017: 2}
    assert diff["districts"].iloc[0] == 546
    assert diff["share_pct"].iloc[0] == round(100 * 2 / 546, 1)
    new = spread.new_district_counts(fixture_con, IS)
    assert new["new_districts"].tolist() == [2, 0, 2, 2]
    assert new["districts"].tolist() == ["Karachi, Khanewal", "", "Khuzdar, Quetta", "Hyderabad, Jamshoro"]
    quetta = spread.new_districts(fixture_con, IS).set_index("admin2").loc["Quetta"]
    assert str(quetta["first_date"])[:10] == "2016-10-05"


def test_fragmentation(fixture_con):
    """Named groups active: 2014 IS; 2015 IS, TTP; 2016 IS, TTP; 2017 IS (security forces are not
    counted: counter-terrorism is excluded by default)."""
    assert by_year(library.measure_by(fixture_con, F, "active_groups", ("year",))) == {2014: 1, 2015: 2, 2016: 2, 2017: 1}


def test_rates_per_100k_and_no_data(fixture_con):
    """Quetta: attacks 5, 6, 11 = 3 over its 2017 census population (read here straight from the
    census file). Skardu (Gilgit-Baltistan) has no census figure: no data, never 0."""
    census = {r["district"]: int(r["pop_2017"]) for r in
              csv.DictReader(open(DATA / "population" / "pak_districts_census2017_provisional.csv"))}
    rates = impact.rates(fixture_con, F, "attacks", "district").set_index("admin2")
    assert rates.loc["Quetta", "value"] == 3
    assert rates.loc["Quetta", "per_100k"] == pytest.approx(round(3 / census["Quetta"] * 100_000, 3))
    assert math.isnan(rates.loc["Skardu", "per_100k"]) and rates.loc["Skardu", "value"] == 0
    karachi = sum(v for k, v in census.items() if k.startswith("Karachi") or k in ("Korangi", "Malir"))
    assert rates.loc["Karachi", "pop_2017"] == karachi == 16_051_521
    provinces = impact.rates(fixture_con, F, "attacks", "province").set_index("admin1")
    assert math.isnan(provinces.loc["Gilgit-Baltistan", "per_100k"])


def test_gti_style_worked_example(fixture_con):
    """Balochistan 2016: attacks 5, 6, 7, 11 = 4 incidents, 185 killed, 265 injured (7 and 11
    unknown): raw = 4 + 3 x 185 + 0.5 x 265 = 691.5; nothing before, so W = 16 x 691.5 = 11064, the
    highest W of any province in any year, so its score is 10.
    Sindh 2017: attack 8: raw = 1 + 270 + 150 = 421; 2016 none; 2015 attack 4: 1 + 135 + 6.5 =
    142.5; W = 16 x 421 + 4 x 142.5 = 7306; score = floor(20 ln(7307) / ln(11065)) / 2 = 9.5."""
    scores = impact.gti_style(fixture_con, F, "province").set_index(["unit", "year"])
    assert scores.loc[("Balochistan", 2016), "raw"] == 691.5
    assert scores.loc[("Balochistan", 2016), "weighted"] == 11064
    assert scores.loc[("Balochistan", 2016), "score"] == 10.0
    assert scores.loc[("Sindh", 2017), "weighted"] == 7306
    assert scores.loc[("Sindh", 2017), "score"] == 9.5
    assert scores.loc[("Punjab", 2017), "score"] == 0.0
    assert impact.gti_band(0, 100) == 0.0 and impact.gti_band(100, 100) == 10.0


def test_escalation_alert_in_words(fixture_con):
    """Quetta, Islamic State: 2 events in October 2016 (5 and 24 Oct), none in the 36 months
    before: baseline 0, P = 0 -> an alert."""
    found = alerts.escalation_alerts(fixture_con, F)
    assert found["reason"].tolist() == [
        "Quetta (Islamic State): 2 events in Oct 2016, the highest in 3 years; baseline 0.0/month"]
    assert alerts.poisson_sf(2, 0.5) == pytest.approx(1 - math.exp(-0.5) * 1.5)


def test_rolling_sums_and_change(fixture_con):
    """Attacks per year 0, 1, 4, 1: rolling 3-year sums 0, 1, 5, 6; change 2016 +300 %, 2017 -75 %."""
    frame = library.with_rolling_and_change(library.measure_by(fixture_con, F, "attacks", ("year",)), (3,))
    assert frame["rolling_3"].tolist() == [0, 1, 5, 6]
    assert frame["change_pct"].tolist()[2:] == [300.0, -75.0]


def test_timeline_spans_imprecise_dates(fixture_con):
    """The year-only pledge (3) is drawn mid-2015 with a half-year bar, not on 1 January."""
    signals = timeline.lineage_events(fixture_con, F).set_index("description")
    pledge = signals.loc["fixture event 3"]
    assert str(pledge["mid_date"])[:10] == "2015-07-02" and pledge["span_days"] == 182
    assert len(timeline.milestones(fixture_con, F)) == 1


def test_registry_entries_are_complete_and_computable(fixture_con):
    for ind in INDICATORS:
        assert all([ind.id, ind.name, ind.question, ind.definition, ind.formula, ind.unit])
        frame = compute(fixture_con, ind.id, F, (ind.dimensions[0],))
        assert len(frame.columns) >= 2, ind.id
    with pytest.raises(ValueError, match="cannot be shown by month"):
        compute(fixture_con, "gti_score", F, ("month",))


breakdowns = st.sampled_from(list(library.BREAKDOWNS))
periods = st.sampled_from(list(library.PERIODS))
measures = st.sampled_from(["events", "fatalities", "attacks", "signals", "civilian_attacks"])
filters = st.builds(lambda a, b, cats: Filters(min(a, b), max(a, b), categories=cats),
                    st.integers(2000, 2019), st.integers(2000, 2019),
                    st.lists(st.sampled_from(list(CATEGORIES)), unique=True, min_size=1).map(tuple))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters, measure=measures, breakdown=breakdowns)
def test_a_breakdown_sums_to_the_total(con, f, measure, breakdown):
    total = library.measure_by(con, f, measure, ())["value"].iloc[0]
    parts = library.measure_by(con, f, measure, ("year", breakdown))
    if breakdown == "district":
        total = library.measure_by(con, replace(f), measure, ())["value"].iloc[0] - \
            con.execute(f"SELECT {library.measure_sql(measure, f)} FROM events WHERE district_id IS NULL AND "
                        f"{f.where()[0]}", f.where()[1]).fetchone()[0]
    assert parts["value"].sum() == total


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters, period=periods, province=st.sampled_from(["Sindh", "Balochistan", "Punjab"]))
def test_a_narrower_filter_never_gives_more_events(con, f, period, province):
    wide = library.measure_by(con, f, "events", (period,))["value"].sum()
    narrow = library.measure_by(con, replace(f, provinces=(province,)), "events", (period,))["value"].sum()
    assert narrow <= wide
