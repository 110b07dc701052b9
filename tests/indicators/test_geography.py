"""Map and Events indicators against values worked out by hand from the raw rows."""
from dataclasses import replace

import pytest

from indicators import events, geography, overview
from indicators.filters import Filters

# The curated file only: the docstrings count its lines by hand.
IS = Filters(2014, 2019, actor_groups=("Islamic State",), datasets=("curated",))


def values(con, f, level="district"):
    return geography.area_values(con, f, level).set_index("unit_id")


def test_district_values_by_hand(con):
    """Islamic State, 2014-2019, raw/isis_network_events.csv:
    Karachi = lines 5 and 8 (propaganda), 18 (attack, 0 killed), 19 (Safoora bus attack, 43 killed),
    23 (recruitment): 5 events, 43 killed, 3 signals.
    Mastung = lines 37 (25 killed), 48 (128 killed), 51 (1 killed), all attacks: 3, 154, 0."""
    v = values(con, IS)
    assert v.loc["PAK-karachi", ["events", "fatalities", "signals"]].tolist() == [5, 43, 3]
    assert v.loc["PAK-mastung", ["events", "fatalities", "signals"]].tolist() == [3, 154, 0]
    assert v.loc["PAK-karachi", "name"] == "Karachi" and v.loc["PAK-karachi", "parent"] == "Sindh"


def test_events_without_a_district_are_listed_not_placed(con):
    """Lines 16, 17, 52, 53 are known only to Pakistan and line 9 only to Balochistan: on the
    district map all five are listed; on the province map line 9 counts in Balochistan, four are
    listed."""
    d = geography.not_on_map(con, IS, "district").set_index("area")["events"].to_dict()
    p = geography.not_on_map(con, IS, "province").set_index("area")["events"].to_dict()
    assert d == {"PAK": 4, "Balochistan": 1}
    assert p == {"PAK": 4}
    total = overview.kpis(con, IS).set_index("period").loc["current", "events"]
    assert values(con, IS)["events"].sum() + 5 == total
    assert values(con, IS, "province")["events"].sum() + 4 == total


def test_a_province_is_its_districts_plus_the_events_known_only_to_it(con):
    district = values(con, IS)
    province = values(con, IS, "province")
    in_balochistan = district[district["parent"] == "Balochistan"]["events"].sum()
    assert province.loc["PAK-balochistan", "events"] == in_balochistan + 1  # line 9
    assert province.loc["PAK-sindh", "events"] == district[district["parent"] == "Sindh"]["events"].sum()
    # Afghanistan's provinces (geoBoundaries ADM1) hold their districts' events: the curated
    # file's Afghan IS events of 2014-2019 are in Kabul (5), Herat (1) and Sar-e Pol (1).
    afghan = district[district["country"] == "AFG"]
    assert province.loc["AFG-kabul", "events"] == afghan[afghan["parent"] == "Kabul"]["events"].sum() == 5
    assert province.loc["AFG-sar-e-pol", "name"] == "Sar-e Pol"


def test_every_district_and_province_has_an_outline(con):
    shapes = geography.area_shapes(con, "district")
    assert len(shapes) == 148 + 398 and shapes["geojson"].str.startswith('{"type":').all()
    provinces = geography.area_shapes(con, "province")
    assert {u for u in provinces["unit_id"] if u.startswith("PAK")} == {
        "PAK-azad-jammu-and-kashmir", "PAK-balochistan", "PAK-federally-administered-tribal-areas",
        "PAK-gilgit-baltistan", "PAK-islamabad-capital-territory", "PAK-khyber-pakhtunkhwa",
        "PAK-punjab", "PAK-sindh"}
    afghan = provinces[provinces["unit_id"].str.startswith("AFG")]  # Afghanistan's 34 provinces
    assert len(afghan) == 34 and {"AFG-ghazni", "AFG-nangarhar", "AFG-kunar"} <= set(afghan["unit_id"])


def test_spread_counts_districts_per_year_and_keeps_empty_years(con):
    s = geography.spread(con, Filters(2014, 2019, districts=("PAK-mastung",))).set_index("year")
    assert list(s.index) == [2014, 2015, 2016, 2017, 2018, 2019]
    assert s["districts_affected"].tolist() == [int(y in (2017, 2018, 2019) or s.loc[y, "events"] > 0)
                                                for y in s.index]
    mastung_is = geography.spread(con, replace(IS, districts=("PAK-mastung",))).set_index("year")
    assert mastung_is["events"].tolist() == [0, 0, 0, 1, 1, 1]  # lines 37, 48, 51


def test_narrow_and_top_values_of_one_district(con):
    karachi = geography.narrow(IS, "district", {"unit_id": "PAK-karachi", "name": "Karachi", "country": "PAK"})
    top = geography.top_values(con, karachi, "category").set_index("value")
    assert top["events"].to_dict() == {"attack": 2, "propaganda": 2, "recruitment": 1}
    assert top.loc["attack", "fatalities"] == 43
    afg = geography.narrow(IS, "province", {"unit_id": "AFG", "name": "x", "country": "AFG"})
    assert afg.countries == ("AFG",) and afg.provinces == ()
    with pytest.raises(ValueError):
        geography.top_values(con, IS, "description; DROP TABLE events")


def test_incident_points_are_capped_deadliest_first(con):
    points = overview.event_points(con, Filters(1995, 2019), limit=10)
    assert len(points) == 10 and points["total"].iloc[0] > 10
    assert points["fatalities"].is_monotonic_decreasing
    assert points["source_name"].notna().all()


def test_search_count_and_pages(con):
    """'Safoora' is in lines 19 (the bus attack), 20, 23 (the network's women's wing) and 24 of
    raw/isis_network_events.csv; 20 and 24 are counter-terrorism, not counted by default."""
    assert events.event_count(con, IS, "safoora") == 2
    assert events.event_count(con, IS, "SAFOORA women") == 1  # line 23; case does not matter
    with_ct = replace(IS, categories=IS.categories + ("counter_terrorism",), actor_groups=(), actor_kinds=())
    assert events.event_count(con, with_ct, "safoora") == 4
    assert events.event_count(con, IS, "safoora mastung") == 0  # every word must match
    assert events.event_count(con, IS, "100%") == 0  # % is matched literally, not as a wildcard
    total = events.event_count(con, Filters(1995, 2019))
    pages = [events.event_page(con, Filters(1995, 2019), "", "date", True, p, 100, ("event_id",))
             for p in range(1, total // 100 + 2)]
    ids = [i for page in pages for i in page["event_id"]]
    assert len(ids) == total == len(set(ids))  # pages cover every event once
    first = events.event_page(con, Filters(1995, 2019), "", "fatalities", True, 1, 5, ("fatalities",))
    assert first["fatalities"].is_monotonic_decreasing
    with pytest.raises(ValueError):
        events.event_page(con, IS, "", "event_date; DROP TABLE events")


def test_event_by_id_gives_one_event_with_its_source(con):
    event_id = con.execute("SELECT event_id FROM events WHERE source_file = 'raw/isis_network_events.csv' "
                           "AND source_line = 48").fetchone()[0]
    row = events.event_by_id(con, event_id, ("event_date", "source_name", "source_url"))
    assert len(row) == 1 and row["source_name"].iloc[0] == "Dawn"
    assert events.event_by_id(con, "no such id").empty


def test_the_2025_events_known_only_to_the_country_are_said_not_drawn(con):
    """The bundled UCDP Candidate file for 2025 gives no place: its events, counted here from the
    raw file with the csv module (Pakistan 1,132, Afghanistan 160), are on no map, and the
    sentence under the map names them (every category and kind of actor: UCDP's are mostly armed
    clashes, some of states)."""
    import csv

    from contract.schema import CATEGORIES
    from tests.helpers import DATA

    with open(DATA / "raw" / "ucdp_candidate_2025_7col_pak_afg.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    pak = sum(r["country"] == "Pakistan" for r in rows)
    afg = sum(r["country"] == "Afghanistan" for r in rows)
    assert (pak, afg) == (1132, 160)
    f = Filters(2025, 2025, categories=tuple(CATEGORIES), actor_kinds=())  # every event
    frame = geography.unplaced_by_year(con, f)
    assert frame.values.tolist() == [[2025, "PAK", pak], [2025, "AFG", afg]]
    assert geography.unplaced_sentence(frame) == (
        f"2025: {pak:,} events in Pakistan and {afg:,} in Afghanistan known only to the country, "
        f"not on the map.")
    only_pakistan = geography.unplaced_by_year(con, replace(f, countries=("PAK",)))
    assert geography.unplaced_sentence(only_pakistan) == \
        "2025: 1,132 events in Pakistan known only to the country, not on the map."


def test_events_known_only_to_the_country_by_year_agree_with_those_not_on_the_province_map(con):
    """Two queries apart: the rows of not_on_map (province level) whose area is a country are the
    events with neither province nor district, as unplaced_by_year counts them. In 2024 there are
    none (the bundled events of 2024 are the curated file's, each with its province)."""
    from contract.schema import CATEGORIES

    for f in (Filters(1989, 2026, categories=tuple(CATEGORIES)), Filters(2014, 2026), IS):
        missing = geography.not_on_map(con, f, "province")
        by_year = geography.unplaced_by_year(con, f)
        assert by_year["events"].sum() == missing[missing["area"].isin(["PAK", "AFG"])]["events"].sum()
    # 2024: every event of the bundled data has a province or a district: no sentence
    none = geography.unplaced_by_year(con, Filters(2024, 2024, categories=tuple(CATEGORIES)))
    assert len(none) == 0 and geography.unplaced_sentence(none) == ""


def test_the_unplaced_sentence_by_hand():
    """The years with the most events first (the first with the whole phrase), the rest summed;
    one event is 'event'; nothing: no sentence."""
    import pandas as pd

    frame = pd.DataFrame({"year": [2019, 2020, 2020, 2021, 2022], "country": ["PAK", "PAK", "AFG", "AFG", "PAK"],
                          "events": [1, 8, 2, 1, 30]})
    assert geography.unplaced_sentence(frame, most=2) == (
        "2022: 30 events in Pakistan known only to the country, not on the map; "
        "2020: 8 in Pakistan and 2 in Afghanistan; 2 more in 2 other years.")
    assert geography.unplaced_sentence(frame.iloc[:1]) == \
        "2019: 1 event in Pakistan known only to the country, not on the map."
    assert geography.unplaced_sentence(frame.iloc[:0]) == ""
