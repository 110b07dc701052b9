"""The Map page in a real browser: choose a district in the box, see its panel and its events
with their sources."""
import pytest
from playwright.sync_api import expect

from indicators import events
from indicators.filters import Filters

pytestmark = pytest.mark.browser
# where a point is drawn on the page's first tile map, in page pixels (the map is a WebGL canvas)
PROJECT = ("(gd, ll) => { const m = gd._fullLayout.map._subplot.map; const p = m.project(ll);"
           " const r = m.getCanvas().getBoundingClientRect(); return [r.left + p.x, r.top + p.y]; }")
MAP_LOADED = "document.querySelector('.js-plotly-plot')._fullLayout.map._subplot.map.loaded()"


def open_district(app, name: str) -> None:
    """Choose `name` in the Map page's 'Open a district' box."""
    box = app.page.get_by_test_id("stSelectbox").filter(has_text="Open a district")
    box.click()
    app.page.keyboard.type(name)
    with app.rerun():
        app.page.keyboard.press("Enter")


def test_choosing_a_district_shows_its_events_and_sources(app, con):
    app.page.set_viewport_size({"width": 1600, "height": 3000})
    # (years with fewer events than the table shows at once: its rows are all in the page)
    page = app.open("map?years=2014-2019")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    # must not happen: a district panel before anything is chosen
    expect(page.get_by_text("Events and their sources")).to_have_count(0)

    open_district(app, "Mastung")
    expect(page.get_by_role("heading", name="Mastung (Balochistan)")).to_be_visible(timeout=30_000)
    f = Filters(2014, 2019, districts=("PAK-mastung",))
    total = events.event_count(con, f)
    metric = page.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
    expect(metric).to_have_text(str(total))
    expect(page.get_by_text(f"{total} events.")).to_be_visible()

    table = page.get_by_test_id("stDataFrame").last
    table.scroll_into_view_if_needed()
    # st.dataframe draws on a canvas; its cells are also in a table kept for screen readers
    # (hidden from the accessibility tree, hence include_hidden).
    expect(table.get_by_role("columnheader", name="link", include_hidden=True)).to_be_attached(timeout=30_000)
    # the 2018 Mastung attack (raw/isis_network_events.csv line 48) with its source and link
    expect(table.get_by_role("gridcell", name="2018-07-13", include_hidden=True)).to_be_attached()
    expect(table.get_by_role("gridcell", name="Dawn", exact=True, include_hidden=True)).to_be_attached()
    expect(table.get_by_role("gridcell", name="https://www.dawn.com/news/1419812",
                             include_hidden=True)).to_be_attached()
    # the header and one row per event
    expect(table.get_by_role("row", include_hidden=True)).to_have_count(total + 1)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_click_on_a_bar_narrows_the_events_table(app, con):
    """Mastung's 4 events counting probable duplicates separately: 3 by the Islamic State, 1 by an
    unknown actor (the suicide-attack file names none; it is the same 2017 attack as one of the
    three, hence ?duplicates=all), in the curated and suicide-attack files. A click on the
    'Islamic State' bar leaves the 3."""
    app.page.set_viewport_size({"width": 1600, "height": 3000})
    page = app.open("map?years=1995-2019&duplicates=all&dataset=curated&dataset=pk_suicide_attacks")
    open_district(app, "Mastung")
    table = page.get_by_test_id("stDataFrame").last
    rows = table.get_by_role("row", include_hidden=True)
    expect(rows).to_have_count(4 + 1, timeout=30_000)
    actors = page.locator(".js-plotly-plot").filter(has_text="Top actor groups")
    bars = actors.locator("g.point path")
    expect(bars).to_have_count(2)
    # bars run from the bottom up: the last is the largest, Islamic State. Plotly's drag layer
    # covers the bars, so click where the bar is, as a user does.
    box = bars.last.bounding_box()
    with app.rerun():
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_text("Narrowed by the bars clicked: Islamic State")).to_be_visible(timeout=30_000)
    expect(rows).to_have_count(3 + 1)
    f = Filters(1995, 2019, districts=("PAK-mastung",), actor_groups=("Islamic State",), all_duplicates=True,
                datasets=("curated", "pk_suicide_attacks"))
    assert events.event_count(con, f) == 3
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_click_on_a_district_of_the_map_opens_it(app, con):
    """Two clicks from the map to one district's sources: the district, then its link."""
    lat, lon = con.execute("SELECT centroid_lat, centroid_lon FROM districts "
                           "WHERE district_id = 'PAK-mastung'").fetchone()
    app.page.set_viewport_size({"width": 1600, "height": 3000})
    page = app.open("map?years=1995-2019")
    chart = page.locator(".js-plotly-plot").first
    expect(chart.locator("canvas").first).to_be_visible(timeout=30_000)
    page.wait_for_function(MAP_LOADED)
    x, y = chart.evaluate(PROJECT, [lon, lat])  # Mastung's centroid
    with app.rerun():
        page.mouse.click(x, y)
    expect(page.get_by_role("heading", name="Mastung (Balochistan)")).to_be_visible(timeout=30_000)
    total = events.event_count(con, Filters(1995, 2019, districts=("PAK-mastung",)))
    expect(page.get_by_role("combobox", name="Open a district")).to_have_value(
        f"Mastung (Balochistan), {total} events")  # the box follows the click
    table = page.get_by_test_id("stDataFrame").last
    expect(table.get_by_role("gridcell", name="https://www.dawn.com/news/1419812",
                             include_hidden=True)).to_be_attached(timeout=30_000)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_a_click_on_an_incident_shows_it_and_opens_its_district(app, con):
    lat, lon = con.execute("SELECT latitude, longitude FROM events WHERE source_file = "
                           "'raw/isis_network_events.csv' AND source_line = 37").fetchone()
    app.page.set_viewport_size({"width": 1600, "height": 3000})
    page = app.open("map?years=1995-2019")
    with app.rerun():
        page.get_by_test_id("stCheckbox").filter(has_text="Incident points").click()
    chart = page.locator(".js-plotly-plot").first
    expect(chart.get_by_text("Events per district, with incidents")).to_be_attached(timeout=30_000)
    page.wait_for_function(MAP_LOADED)
    x, y = chart.evaluate(PROJECT, [lon, lat])
    with app.rerun():
        page.mouse.click(x, y)
    expect(page.get_by_role("heading", name="The incident clicked on the map")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Mastung (Balochistan)")).to_be_visible()
    incident = page.get_by_test_id("stDataFrame").filter(has=page.get_by_role(
        "gridcell", name="Mastung", include_hidden=True)).first
    expect(incident.get_by_role("row", include_hidden=True)).to_have_count(2)  # header + the incident
    expect(page.get_by_test_id("stException")).to_have_count(0)
