"""The Outlook page in a real browser: choose a district, read its forecast fan, its chance and the
backtest's scores beside the baselines."""
import pytest
from playwright.sync_api import expect

from indicators import outlook, outlook_forecast
from indicators.filters import Filters

pytestmark = pytest.mark.browser


def test_a_district_shows_its_fan_and_the_scores(app, con):
    app.page.set_viewport_size({"width": 1600, "height": 2400})
    page = app.open("outlook")
    expect(page.get_by_role("heading", name="Outlook")).to_be_visible(timeout=90_000)  # the backtest
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
    forecast = outlook_forecast.forecast(con, outlook.outlook_filters(Filters(1989, 2021)))
    horizon = max(outlook.HORIZONS)
    row = forecast[(forecast["horizon"] == horizon) & (forecast["admin2"] == "Quetta")].iloc[0]

    box = page.get_by_test_id("stSelectbox").filter(has_text="District")
    box.click()
    page.keyboard.type("Quetta")
    with app.rerun():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Quetta ({row['admin1']})")).to_be_visible(timeout=30_000)
    chance = page.get_by_test_id("stMetric").filter(has_text="Chance of at least one event")
    expect(chance.get_by_test_id("stMetricValue")).to_have_text(f"{row['p_within']:.0%}")
    # the fan: its traces are the observed months and the forecast's quantiles
    fan = page.locator(".js-plotly-plot").nth(1)
    expect(fan).to_be_visible()
    names = fan.evaluate("gd => gd.data.map(t => t.name)")
    assert names[0] == "observed" and "median" in names and "90% interval" in names
    # the backtest's scores: the model beside the three baselines
    scores = page.get_by_test_id("stDataFrame").last
    scores.scroll_into_view_if_needed()
    for method in ("no change (Poisson, last month)", "zero (point mass at 0)"):
        expect(scores.get_by_role("gridcell", name=method, include_hidden=True)).to_be_attached(timeout=30_000)
    # must not happen: an exception box
    expect(page.get_by_test_id("stException")).to_have_count(0)
