"""The Map page in a real browser: choose a district in the box, see its panel and its events
with their sources."""
import pytest
from playwright.sync_api import Page, expect

from indicators import events
from indicators.filters import Filters
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
SCREENSHOT = ROOT / "docs" / "map.png"


def test_choosing_a_district_shows_its_events_and_sources(page: Page, server, con):
    page.set_viewport_size({"width": 1600, "height": 3000})  # the whole page, for the screenshot
    page.goto(f"{server}/map")
    box = page.get_by_test_id("stSelectbox").filter(has_text="Open a district")
    expect(box).to_be_visible(timeout=30_000)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    # must not happen: a district panel before anything is chosen
    expect(page.get_by_text("Events and their sources")).to_have_count(0)

    box.click()
    page.keyboard.type("Mastung")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mastung (Balochistan)")).to_be_visible(timeout=30_000)
    f = Filters(1995, 2019, districts=("PAK-mastung",))
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
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
