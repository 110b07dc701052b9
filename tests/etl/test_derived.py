"""The build's derived cube, point order and first events say exactly what the events say."""
import pandas as pd
import pytest

from contract.schema import CATEGORIES
from etl.derived import FIRSTS_KEYS
from indicators import spread
from indicators.filters import Filters
from tests.helpers import fixture_warehouse, read_only

FILTERS = [Filters(1990, 2030), Filters(2014, 2017, provinces=("Sindh", "Balochistan")),
           Filters(2004, 2019, categories=tuple(CATEGORIES), all_duplicates=True),
           Filters(2008, 2019, actor_groups=("Unknown", "Islamic State"), precise_dates_only=True),
           Filters(2000, 2019, countries=("AFG",), datasets=("curated",))]


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_the_cube_adds_up_to_the_events(con, f):
    where, params = f.where()
    by = "year(event_date), country, admin1, district_id, category, actor_group, dataset, source_file"
    from_events = con.execute(f"SELECT {by}, count(*), sum(fatalities), sum(injured) FROM events "
                              f"WHERE {where} GROUP BY ALL ORDER BY ALL", params).fetchall()
    from_cube = con.execute(f"SELECT {by}, sum(events), sum(fatalities), sum(injured) FROM event_cube "
                            f"WHERE {where} GROUP BY ALL ORDER BY ALL", params).fetchall()
    assert from_cube == from_events and len(from_events) > 0


def test_points_rank_is_the_map_order(con):
    ranked = con.execute("SELECT event_id FROM events ORDER BY points_rank").fetchall()
    ordered = con.execute("SELECT event_id FROM events ORDER BY fatalities DESC NULLS LAST, "
                          "event_date DESC, event_id").fetchall()
    assert ranked == ordered


def test_secondary_flag_matches_the_duplicate_view(con):
    flagged = con.execute("SELECT event_id FROM events WHERE is_secondary ORDER BY 1").fetchall()
    listed = con.execute("SELECT event_id FROM duplicate_secondaries ORDER BY 1").fetchall()
    assert flagged == listed and len(listed) > 0


@pytest.fixture(scope="module")
def firsts_con(tmp_path_factory):
    """A warehouse of tests/data/firsts_events.csv (first events on purpose: ties of one day
    across categories, an earlier event dated only to the month or the year, an earlier event of
    a category not selected by default, a first event before the years, on the first and last
    day of a year, no district, an unidentified group) and brief_suicide.csv (a second dataset)."""
    path = fixture_warehouse(tmp_path_factory.mktemp("firsts"),
                             {"firsts_events.csv": "curated", "brief_suicide.csv": "pk_suicide_attacks"})
    with read_only(path) as connection:
        yield connection


def test_event_firsts_hold_the_first_event_of_each_combination(con, firsts_con):
    keys = ", ".join(FIRSTS_KEYS)
    same = " AND ".join(f"e.{k} IS NOT DISTINCT FROM m.{k}" for k in FIRSTS_KEYS)
    for c in (con, firsts_con):
        from_events = c.execute(
            f"WITH m AS (SELECT {keys}, min(event_date) AS first_date FROM events GROUP BY ALL) "
            f"SELECT m.*, min(e.event_id), arg_min(e.source_url, e.event_id) FROM m JOIN events e "
            f"ON e.event_date = m.first_date AND {same} GROUP BY ALL ORDER BY ALL").fetchall()
        from_table = c.execute(f"SELECT {keys}, event_date, event_id, source_url FROM event_firsts "
                               f"ORDER BY ALL").fetchall()
        assert from_table == from_events and len(from_table) > 0


# new_districts as it was computed from the events before table event_firsts: the first day of
# each pair, then the first event (smallest id) of that day
def new_districts_from_events(con, f: Filters) -> pd.DataFrame:
    where, params = f.all_time().where("e")
    named = "e.district_id IS NOT NULL AND e.actor_group NOT IN ('Unknown', 'Other')"
    return con.execute(
        f"""
        WITH firsts AS (
            SELECT e.actor_group, e.district_id, min(e.event_date) AS first_date
            FROM events e WHERE {where} AND {named} GROUP BY ALL
            HAVING min(e.event_date) >= make_date(?, 1, 1) AND min(e.event_date) < make_date(?, 1, 1)),
        chosen AS (
            SELECT f.actor_group, f.district_id, f.first_date,
                   min({{'event_id': e.event_id, 'category': e.category,
                         'source_name': e.source_name, 'source_url': e.source_url}}) AS first
            FROM firsts f JOIN events e ON e.actor_group = f.actor_group
                 AND e.district_id = f.district_id AND e.event_date = f.first_date
            WHERE {where} AND {named} GROUP BY ALL)
        SELECT year(first_date) AS year, actor_group, district_id, d.admin2, d.admin1, first_date,
               first.event_id, first.category, first.source_name, first.source_url
        FROM chosen JOIN districts d USING (district_id)
        ORDER BY first_date, actor_group, d.admin2""",
        params + [f.year_from, f.year_to + 1] + params).df()


FIRSTS_FILTERS = FILTERS + [
    Filters(2014, 2017), Filters(2014, 2017, precise_dates_only=True),
    Filters(2014, 2018, categories=("propaganda",), precise_dates_only=True),
    Filters(2016, 2016, categories=tuple(CATEGORIES)), Filters(2015, 2015, actor_groups=("Islamic State",)),
    Filters(2010, 2026, provinces=("Khyber Pakhtunkhwa",)), Filters(2013, 2013, districts=("PAK-quetta",))]


@pytest.mark.parametrize("f", FIRSTS_FILTERS, ids=range(len(FIRSTS_FILTERS)))
def test_new_districts_from_event_firsts_are_those_from_the_events(con, firsts_con, f):
    found = 0
    for c in (con, firsts_con):
        expected = new_districts_from_events(c, f)
        pd.testing.assert_frame_equal(spread.new_districts(c, f), expected)
        found += len(expected)
    assert found > 0


def test_first_events_worked_by_hand(firsts_con):
    """2014-2017 by default: Peshawar (Jamaat-ul-Ahrar) on 1 January 2014, where event 14 (dated
    only to the year, so placed on 1 January) has the smaller id than event 13 of the same day;
    Karachi (Islamic State) on 1 February 2015 (event 4, dated to the month); Quetta (Islamic
    State) on 20 January 2016 (event 7; event 8 of the day before is counter-terrorism, not
    selected by default); Lahore (Islamic State) on 31 December 2017 (event 11). Not counted:
    Quetta (TTP, first in 2013), Lahore (TTP, 2018), no district (event 9), Other (event 10), the
    suicide-attack file (Unknown). Events dated to the day only: Peshawar by event 13 and Karachi
    on 10 March 2015 by the smallest id of events 1-3; propaganda only: Karachi by event 2. Every
    category: Quetta on 19 January 2016 (event 8)."""
    def firsts(f):
        rows = spread.new_districts(firsts_con, f)
        described = dict(firsts_con.execute("SELECT event_id, description FROM events").fetchall())
        return {(r.admin2, r.actor_group): (f"{r.first_date:%Y-%m-%d}", described[r.event_id].split(":")[0])
                for r in rows.itertuples()}

    assert firsts(Filters(2014, 2017)) == {
        ("Peshawar", "Jamaat-ul-Ahrar"): ("2014-01-01", "firsts 14"),
        ("Karachi", "Islamic State"): ("2015-02-01", "firsts 4"),
        ("Quetta", "Islamic State"): ("2016-01-20", "firsts 7"),
        ("Lahore", "Islamic State"): ("2017-12-31", "firsts 11")}
    tie = min(firsts_con.execute("SELECT event_id FROM events WHERE description LIKE 'firsts 1:%' "
                                 "OR description LIKE 'firsts 2:%' OR description LIKE 'firsts 3:%'").fetchall())[0]
    precise = spread.new_districts(firsts_con, Filters(2014, 2017, precise_dates_only=True))
    assert precise.set_index("admin2").loc["Karachi", "event_id"] == tie
    assert firsts(Filters(2014, 2017, precise_dates_only=True))[("Peshawar", "Jamaat-ul-Ahrar")][1] == "firsts 13"
    assert firsts(Filters(2014, 2017, categories=("propaganda",), precise_dates_only=True)) == {
        ("Karachi", "Islamic State"): ("2015-03-10", "firsts 2"),
        ("Lahore", "Islamic State"): ("2017-12-31", "firsts 11")}
    assert firsts(Filters(2016, 2016, categories=tuple(CATEGORIES)))[("Quetta", "Islamic State")] == (
        "2016-01-19", "firsts 8")
    assert spread.new_district_counts(firsts_con, Filters(2014, 2018))["new_districts"].tolist() == [1, 1, 1, 1, 1]


def test_event_unmapped_counts_every_event_a_map_cannot_place(con, firsts_con):
    """Every event without a district of the layer or without a province (country and admin1)
    of the province layer is counted in event_unmapped, and nothing else."""
    for c in (con, firsts_con):
        by = "year(event_date), country, admin1, district_id, category, dataset, geo_precision"
        from_events = c.execute(
            f"SELECT {by}, count(*) FROM events e WHERE district_id NOT IN (SELECT district_id FROM districts) "
            f"OR district_id IS NULL OR admin1 IS NULL OR (country, admin1) NOT IN (SELECT (country, admin1) "
            f"FROM provinces) GROUP BY ALL ORDER BY ALL").fetchall()
        from_table = c.execute(f"SELECT {by}, sum(events) FROM event_unmapped GROUP BY ALL ORDER BY ALL").fetchall()
        assert from_table == from_events and len(from_events) > 0


def test_event_signals_are_the_events_of_the_signal_categories(con):
    from contract.schema import SIGNAL_CATEGORIES

    listed = ", ".join("?" * len(SIGNAL_CATEGORIES))
    from_events = con.execute(f"SELECT * FROM events WHERE category IN ({listed}) ORDER BY event_date, event_id",
                              list(SIGNAL_CATEGORIES)).fetchall()
    assert con.execute("SELECT * FROM event_signals").fetchall() == from_events and len(from_events) > 10
