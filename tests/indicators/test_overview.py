"""Overview indicators against counts made by hand and straight from the raw files."""
import csv
from dataclasses import replace
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.schema import CATEGORIES, DEFAULT_CATEGORIES
from indicators import geography, library, overview
from indicators.filters import Filters
from tests.helpers import DATA

ALL = Filters(1990, 2026)


def _raw_rows(name, encoding="utf-8-sig"):
    text = (DATA / "raw" / name).read_bytes().decode(encoding)
    return [r for r in csv.DictReader(io.StringIO(text, newline=""))
            if not all(v.startswith("#") for v in r.values() if v)]  # HDX's tag row


# Attacks and weak signals by any actor: the rule before armed clashes were counted.
SIGNALS_AND_ATTACKS = ("attack", "propaganda", "allegiance", "recruitment", "organisation")


def test_kpis_equal_a_count_straight_from_the_raw_files(con):
    """2014-2017, attacks and weak signals by any kind of actor, every event counted with its own
    figure: every suicide attack of those years, the curated events of those years in those
    categories, and UCDP's one-sided violence by a group (type 3, side_a not a government: an
    attack; state-based and non-state conflict are armed clashes, drone strikes state action)."""
    suicide = [r for r in _raw_rows("pakistan_suicide_attacks.csv") if 2014 <= int(r["Date"][-4:]) <= 2017]
    curated = [r for name in ("isis_network_events.csv", "caps_2018_events.csv")
               for r in _raw_rows(name)
               if 2014 <= int(r["event_date"][:4]) <= 2017 and r["category"] in SIGNALS_AND_ATTACKS]
    ucdp = [r for r in _raw_rows("ucdp_ged_pak_1989_2021_hdx.csv") if 2014 <= int(r["year"]) <= 2017
            and r["type_of_violence"] == "3" and not r["side_a"].startswith("Government of")]
    fatalities = sum(max(int(r[c]) for c in ("Killed Min", "Killed Max") if r[c]) for r in suicide
                     if r["Killed Min"] or r["Killed Max"]) + \
        sum(int(r["killed"]) for r in curated if r["killed"]) + sum(int(r["best"]) for r in ucdp)
    k = overview.kpis(con, Filters(2014, 2017, categories=SIGNALS_AND_ATTACKS, actor_kinds=(),
                                   all_duplicates=True)).set_index("period")
    assert k.loc["current", "events"] == len(suicide) + len(curated) + len(ucdp)
    assert k.loc["current", "fatalities"] == fatalities


def test_probable_duplicates_count_once_by_default(con):
    """The same incident in two datasets (the curated file and the suicide-attack file both have,
    for example, the Sehwan shrine bombing of 16 Feb 2017) counts once unless asked otherwise."""
    secondaries = con.execute(
        "SELECT count(*) FROM duplicate_secondaries JOIN events USING (event_id) WHERE "
        "year(event_date) BETWEEN 2014 AND 2017 AND category IN ('attack', 'propaganda', "
        "'allegiance', 'recruitment', 'organisation')").fetchone()[0]
    assert secondaries > 0
    f = Filters(2014, 2017, categories=SIGNALS_AND_ATTACKS, actor_kinds=())
    once = overview.kpis(con, f).set_index("period").loc["current", "events"]
    every = overview.kpis(con, replace(f, all_duplicates=True)).set_index("period").loc["current", "events"]
    assert once == every - secondaries
    sehwan = con.execute("SELECT DISTINCT e.dataset, l.cluster_id FROM duplicate_links l JOIN events e "
                         "ON e.event_id IN (l.event_id, l.linked_event_id) WHERE e.event_date = "
                         "DATE '2017-02-16' AND e.admin2 = 'Jamshoro'").fetchall()
    # one cluster: the curated file (counted: it ranks first), the suicide file and UCDP
    assert {d for d, _ in sehwan} == {"curated", "pk_suicide_attacks", "ucdp"}
    assert len({c for _, c in sehwan}) == 1 and sehwan[0][1].startswith("curated:")


def test_monthly_trend_leaves_out_events_known_only_to_the_year(con):
    """The Jamaat-ul-Ahrar pledge of 2015 (raw/caps_2018_events.csv, dated only to the year) is not
    put in January 2015: by month and quarter it is left out and counted, as on the Trends page."""
    f = Filters(2015, 2015, actor_groups=("Jamaat-ul-Ahrar",), categories=("allegiance",))
    assert overview.kpis(con, f).set_index("period").loc["current", "events"] == 1
    assert overview.trend(con, f, "year")["events"].tolist() == [1]
    for period in ("month", "quarter"):
        frame = overview.trend(con, f, period)
        assert frame.empty and frame.attrs["left_out_imprecise"] == 1
    f = Filters(2014, 2019)
    trends = library.measure_by(con, f, "events", ("month",))
    overview_months = overview.trend(con, f, "month").groupby("period_start")["events"].sum()
    assert {str(p)[:10]: v for p, v in overview_months.items()} == \
        {str(p): v for p, v in zip(trends["period"], trends["value"]) if v}
    assert overview.trend(con, f, "month").attrs == trends.attrs


def test_drone_strikes_count_only_when_asked_for(con):
    """The 404 strikes of raw/pakistan_drone_attacks.csv are state action: in no default count;
    the category alone does not bring them in (their actor is a state), the category with every
    kind of actor does."""
    def events(f):
        return overview.kpis(con, f).set_index("period").loc["current", "events"]
    default = events(ALL)
    assert events(replace(ALL, categories=DEFAULT_CATEGORIES + ("state_strike",))) == default
    with_state = replace(ALL, categories=DEFAULT_CATEGORIES + ("state_strike",),
                         actor_kinds=ALL.actor_kinds + ("state",))
    state_in_default = events(replace(ALL, actor_kinds=("state",)))
    assert events(with_state) == default + 404 + state_in_default
    assert "state_strike" not in set(overview.trend(con, ALL)["category"])


def test_previous_period_has_equal_length():
    assert Filters(2014, 2017).previous() == Filters(2010, 2013)
    assert Filters(2016, 2016).previous() == Filters(2015, 2015)


def test_describe_states_the_filters_in_words():
    f = Filters(2014, 2017, provinces=("Sindh", "Balochistan"), actor_groups=("Islamic State",))
    assert f.describe() == "Sindh and Balochistan, 2014-2017, Islamic State, militant violence and weak signals"
    assert Filters(2016, 2016).describe() == "Pakistan and Afghanistan, 2016, militant violence and weak signals"
    assert Filters(2015, 2019, districts=("PAK-quetta",), categories=("attack",)).describe(
        {"PAK-quetta": "Quetta"}) == "Quetta, 2015-2019, attacks by militant groups"
    assert Filters(2004, 2017, categories=("state_strike",), actor_kinds=()).describe() == \
        "Pakistan and Afghanistan, 2004-2017, state strike, every kind of actor"
    assert Filters(2016, 2016, categories=("attack", "armed_clash"), actor_kinds=("jihadist",)).scope() == \
        "militant violence (jihadist actors)"


def test_values_go_in_as_parameters_never_as_sql(con):
    hostile = Filters(2000, 2020, provinces=("'; DROP TABLE events; --",))
    assert overview.kpis(con, hostile).set_index("period").loc["current", "events"] == 0
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] > 900


def test_event_points_are_capped_and_say_how_many_there_were(con):
    f = Filters(1990, 2026, categories=tuple(CATEGORIES))
    points = overview.event_points(con, f, limit=50)
    assert len(points) == 50
    assert points["total"].iloc[0] > 800
    assert points["fatalities"].is_monotonic_decreasing


def test_recent_events_carry_their_source(con):
    recent = overview.recent_events(con, Filters(2014, 2019), limit=10)
    assert len(recent) == 10 and recent["source_name"].notna().all()
    assert recent["event_date"].is_monotonic_decreasing


filters = st.builds(
    lambda years, provinces, categories, groups: Filters(min(years), max(years), provinces=provinces,
                                                         categories=categories, actor_groups=groups),
    st.tuples(st.integers(1995, 2019), st.integers(1995, 2019)),
    st.lists(st.sampled_from(["Sindh", "Balochistan", "Punjab", "Khyber Pakhtunkhwa",
                              "Federally Administered Tribal Areas"]), unique=True).map(tuple),
    st.lists(st.sampled_from(list(CATEGORIES)), unique=True).map(tuple),
    st.lists(st.sampled_from(["Islamic State", "TTP", "Unknown", "United States"]), unique=True).map(tuple),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(f=filters)
def test_counts_add_up_and_a_filter_never_adds_rows(con, f):
    events = overview.kpis(con, f).set_index("period").loc["current", "events"]
    for period in ("month", "quarter"):  # events known only to the year are left out and counted
        by_period = overview.trend(con, f, period)
        assert by_period["events"].sum() + by_period.attrs["left_out_imprecise"] == events
    assert overview.trend(con, f, "year")["events"].sum() == events
    on_map = geography.area_values(con, f, "district")["events"].sum()
    assert on_map + overview.unplaced(con, f)["events"].sum() == events
    wider = Filters(f.year_from, f.year_to, categories=())
    assert events <= overview.kpis(con, wider).set_index("period").loc["current", "events"]
