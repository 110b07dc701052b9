"""The Map and Events pages headless under AppTest, on the warehouse built from the bundled data."""
import pytest

from indicators import events, geography, overview
from indicators.filters import Filters
from tests.helpers import array, figures, metrics, open_page

ALL = Filters(1995, 2019)


def map_figure(at):
    return figures(at)[0]


def z_by_location(fig) -> dict:
    return dict(zip(fig["data"][0]["locations"], array(fig["data"][0]["z"])))


def test_map_draws_every_district_and_notes_the_unplaced(shown, con):
    at = shown("app_pages/map.py")
    fig = map_figure(at)
    choropleth = fig["data"][0]
    assert choropleth["type"] == "choroplethmap" and len(choropleth["locations"]) == 148 + 398
    assert fig["layout"]["map"]["style"] == "white-bg"  # offline by default
    by_id = z_by_location(fig)
    assert by_id["PAK-peshawar"] == geography.area_values(con, ALL).set_index("unit_id").loc["PAK-peshawar", "events"]
    unplaced = geography.not_on_map(con, ALL, "district").set_index("area")["events"]
    assert any("have no district and are not on this map" in c.value
               and f"Pakistan ({unplaced['PAK']}" in c.value for c in at.caption)


@pytest.mark.slow
def test_level_metric_year_and_points_change_the_map(app, con):
    at = open_page(app.run(), "map")
    at.segmented_control(key="map_metric").set_value("fatalities").run()
    fig = map_figure(at)
    expected = geography.area_values(con, ALL).set_index("unit_id").loc["PAK-quetta", "fatalities"]
    assert z_by_location(fig)["PAK-quetta"] == expected
    at.segmented_control(key="map_level").set_value("province").run()
    assert not at.exception
    provinces = con.execute("SELECT count(*) FROM provinces").fetchone()[0]
    assert len(map_figure(at)["data"][0]["locations"]) == provinces == 8 + 34
    at.select_slider(key="map_year").set_value("2017").run()
    fig = map_figure(at)
    expected = geography.area_values(con, Filters(2017, 2017), "province").set_index("unit_id")
    assert z_by_location(fig)["PAK-balochistan"] == \
        expected.loc["PAK-balochistan", "fatalities"]
    assert "2017" in fig["layout"]["meta"]["subtitle"]
    at.toggle(key="map_points").set_value(True).run()
    points = [t for t in map_figure(at)["data"] if t["type"] == "scattermap"]
    assert sum(len(array(t["lat"])) for t in points) == len(overview.event_points(con, Filters(2017, 2017)))


def test_choosing_a_district_opens_its_panel_with_sourced_events(app, con):
    at = open_page(app.run(), "map")
    assert not at.metric  # no panel before a district is chosen
    at.selectbox(key="map_unit_district").set_value("PAK-mastung").run()
    assert not at.exception
    f = Filters(1995, 2019, districts=("PAK-mastung",))
    assert metrics(at)["Events"] == f"{events.event_count(con, f):,}"
    table = at.dataframe[0].value
    assert len(table) == events.event_count(con, f)
    assert set(table["admin2"]) == {"Mastung"} and table["source_name"].notna().all()
    assert table["source_url"].str.startswith("http").any()
    # the selected district is outlined on the map
    assert map_figure(at)["data"][1]["locations"] == ["PAK-mastung"]


@pytest.mark.slow
def test_events_page_search_sort_and_pages(app, con):
    at = open_page(app.run(), "events")
    total = events.event_count(con, ALL)
    assert at.metric[0].value == f"{total:,}"
    first = at.dataframe[0].value
    assert len(first) == 50
    at.number_input(key="events_page").set_value(2).run()
    second = at.dataframe[0].value
    assert f"Rows 51-100 of {total:,}, page 2 of" in at.caption[-1].value
    assert first.astype(str).values.tolist() != second.astype(str).values.tolist()  # the page moved
    at.text_input(key="events_search").input("Safoora").run()
    assert not at.exception
    assert at.metric[0].value == "2" and len(at.dataframe[0].value) == 2
    assert at.number_input(key="events_page").value == 1  # a new search starts at page 1
    at.text_input(key="events_search").input("").run()
    at.selectbox(key="events_sort").set_value("fatalities").run()
    where, params = ALL.where()
    assert at.dataframe[0].value["fatalities"].iloc[0] == \
        con.execute(f"SELECT max(fatalities) FROM events WHERE {where}", params).fetchone()[0]
    at.multiselect(key="events_columns").set_value(["event_date", "source_url"]).run()
    assert list(at.dataframe[0].value.columns) == ["event_date", "source_url"]


def test_event_text_is_shown_as_text(app, con):
    """A description is never rendered as Markdown or HTML: the page shows events only through
    st.dataframe, and the map's hover text is escaped."""
    at = open_page(app.run(), "events")
    assert not [m for m in at.markdown if "http" in m.value]
    at = open_page(app, "map")
    at.toggle(key="map_points").set_value(True).run()
    hover = [h for t in map_figure(at)["data"] if t["type"] == "scattermap" for h in t["text"]]
    assert hover and all("<script" not in h for h in hover)


def test_names_from_the_data_are_escaped_before_markdown():
    """Captions and headers of the Map page show area names through plain(): a name cannot
    become a link, an image or formatting."""
    from dashboard.widgets import plain
    assert plain("[click](http://evil.example) **b** <img>") == \
        r"\[click\]\(http\://evil\.example\) \*\*b\*\* \<img\>"
    assert plain("Dera Ghazi Khan") == "Dera Ghazi Khan"


def test_the_map_says_how_many_2025_events_it_cannot_draw(app, con):
    """2025, every category and kind of actor: the UCDP Candidate file for 2025 gives no place, so the map draws
    almost nothing and says so under it."""
    from contract.schema import CATEGORIES

    app.query_params["years"] = "2025"
    app.query_params["category"] = list(CATEGORIES)
    app.query_params["kind"] = "all"
    at = open_page(app.run(), "map")
    f = Filters(2025, 2025, categories=tuple(CATEGORIES), actor_kinds=())
    sentence = geography.unplaced_sentence(geography.unplaced_by_year(con, f))
    assert sentence.startswith("2025: 1,132 events in Pakistan")
    assert sentence in [c.value for c in at.caption]
