"""The Overview page in a real browser: change the years in the sidebar, see the KPIs follow."""
import re

import pytest
from playwright.sync_api import Page, expect

from indicators import overview
from indicators.filters import Filters

pytestmark = pytest.mark.browser


def events_kpi(page: Page):
    return page.get_by_test_id("stMetric").filter(has_text="Militant violence").get_by_test_id("stMetricValue")


def headline(con, f: Filters) -> int:
    return overview.scope_counts(con, f)["militant_violence"]


def test_year_range_in_the_sidebar_moves_the_kpis(app, con):
    page = app.page
    page.set_viewport_size({"width": 1400, "height": 1500})
    with page.expect_response(lambda r: "/app/static/outlines/" in r.url, timeout=60_000) as outlines:
        app.open("?years=1995-2019")
    # the district outlines come once from the dashboard's static files, not inside the figure
    assert outlines.value.status == 200 and len(outlines.value.json()["features"]) > 500
    full = headline(con, Filters(1995, 2019))
    expect(events_kpi(page)).to_have_text(f"{full:,}")
    expect(page.locator(".js-plotly-plot").nth(1)).to_be_visible(timeout=30_000)

    low_thumb = page.get_by_test_id("stSidebar").get_by_role("slider").first
    low_thumb.focus()
    with app.rerun():
        for _ in range(2014 - 1995):
            low_thumb.press("ArrowRight")
    expect(low_thumb).to_have_value("2014")
    expected = headline(con, Filters(2014, 2019))
    expect(events_kpi(page)).to_have_text(f"{expected:,}", timeout=30_000)
    expect(page).to_have_url(re.compile(r"years=2014-2019"))
    expect(page.get_by_text("2014-2019").first).to_be_visible()
    # must not happen: an exception box or a run stuck on "Please wait"
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Please wait")).to_have_count(0)


def test_a_shared_link_opens_with_its_filters(app, con):
    page = app.open("?years=2016-2017&province=Balochistan")
    f = Filters(2016, 2017, provinces=("Balochistan",))
    expected = headline(con, f)
    expect(events_kpi(page)).to_have_text(f"{expected:,}")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_downloading_a_chart_gives_a_titled_slide_sized_file(app, tmp_path):
    page = app.open("?years=2014-2017")
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30_000)
    page.get_by_test_id("stPopover").filter(has_text="Download").first.click()
    with page.expect_download(timeout=60_000) as csv_download:
        page.get_by_test_id("stPopoverBody").get_by_role("button", name="Data (CSV)").click()
    text = (tmp_path / "c.csv")
    csv_download.value.save_as(text)
    assert text.read_text(encoding="utf-8-sig").startswith("period_start,category,events,fatalities")
    with page.expect_download(timeout=60_000) as png_download:
        page.get_by_test_id("stPopoverBody").get_by_role("button", name="PNG", exact=True).click()
    png = tmp_path / "c.png"
    png_download.value.save_as(png)
    from PIL import Image

    assert Image.open(png).size == (3200, 1800)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_overview_opens_on_recent_years_and_says_how_fresh_the_data_is(app, con):
    """A policymaker in late 2026 sees the last ten years with data, the newest event's date, and
    the preliminary UCDP release labelled as such; years that no dataset covers are not zeros."""
    lo, hi = con.execute("SELECT min(year(event_date)), max(year(event_date)) FROM events").fetchone()
    f = Filters(hi - 9, hi)
    where, params = f.where()
    newest = con.execute(f"SELECT max(event_date) FROM events WHERE {where}", params).fetchone()[0]
    page = app.open()
    line = page.get_by_text(re.compile(r"Data to "))
    expect(line).to_contain_text(f"Data to {newest:%-d %b %Y}", timeout=30_000)
    expect(line).to_contain_text("partly covered")
    expect(events_kpi(page)).to_have_text(f"{headline(con, f):,}")
    # the details open on demand: each dataset's release, the preliminary one labelled
    page.get_by_test_id("stPopover").filter(has_text="Details").click()
    caption = page.get_by_test_id("stPopoverBody").get_by_text(re.compile(r"^Newest event shown"))
    expect(caption).to_contain_text(f"Newest event shown: {newest:%-d %B %Y}")
    expect(caption).to_contain_text("(preliminary)")
    expect(page.get_by_text("partial coverage").first).to_be_attached()  # 2022-2025 on the chart
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_the_first_screen_holds_the_kpis_their_yardstick_and_the_yearly_chart(app, con):
    """At 1400x900, without scrolling: the headline KPIs, the monitors' figure beside them and the
    yearly chart; no paragraph before the first chart."""
    page = app.page
    page.set_viewport_size({"width": 1400, "height": 900})
    app.open("?years=2014-2019")
    expect(events_kpi(page)).to_have_text(f"{headline(con, Filters(2014, 2019)):,}", timeout=60_000)
    chart = page.locator(".js-plotly-plot").first
    expect(chart).to_be_visible(timeout=30_000)
    monitors = page.get_by_text("Against the monitors")
    expect(monitors).to_be_visible()
    expect(page.get_by_text("PIPS counted").first).to_be_visible()
    for element in (events_kpi(page), monitors, chart):
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] / 2 < 900  # above the fold
    # the yearly chart carries the published figures as markers
    names = page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.name)")
    assert "published (closest definition)" in names
    # must not happen: the coverage details as paragraphs before the chart
    expect(page.get_by_text("Newest event shown")).to_have_count(0)
