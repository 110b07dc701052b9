"""The chart library is fetched as soon as a page opens (dashboard/preload.py), not when the
first chart arrives, and the element that asks for it takes no room on the page."""
import pytest
from playwright.sync_api import expect

from dashboard.preload import ELEMENT_ID, chart_chunk

pytestmark = pytest.mark.browser


def test_a_page_without_charts_has_the_chart_library_loaded_and_shows_nothing_for_it(app):
    name = chart_chunk()
    assert name, "Streamlit's plotly chunk (static/js/PlotlyChart.*.js) was not found"
    page = app.open("events")
    expect(page.get_by_test_id("stPlotlyChart")).to_have_count(0)  # the Events page draws no chart
    # Streamlit imports the chunk only for a chart: here only the preload can have asked for it
    page.wait_for_function("name => performance.getEntriesByType('resource')"
                           ".some(e => e.name.endsWith('/static/js/' + name))", arg=name, timeout=60_000)
    assert page.evaluate("name => import(new URL(name, document.querySelector("
                         "'script[type=\"module\"][src*=\"/static/js/index.\"]').src))"
                         ".then(m => Object.keys(m).length > 0)", name)
    expect(page.locator(f"#{ELEMENT_ID}")).to_have_count(1)
    expect(page.get_by_test_id("stElementContainer").filter(has=page.locator(f"#{ELEMENT_ID}"))).to_be_hidden()
