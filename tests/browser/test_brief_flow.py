"""The Brief page in a real browser: click a sentence's evidence link and land on the Events page
showing exactly the events the sentence counted."""
import re

import pytest
from playwright.sync_api import Page, expect

from indicators import brief, events
from indicators.filters import Filters

pytestmark = pytest.mark.browser


def test_a_sentence_link_opens_the_events_it_counted(page: Page, server, con):
    f = Filters(1995, 2019)
    note = brief.briefing_note(con, f, brief.default_period(con, f))
    number, headline = next((i, s) for i, s in enumerate(note.sentences, 1) if s.key == "headline")
    expected = events.event_count(con, headline.evidence)
    assert expected == headline.numbers[0].value  # the link shows what the sentence counts

    page.goto(f"{server}/brief?years=1995-2019")
    expect(page.get_by_text(headline.text)).to_be_visible(timeout=30_000)
    link = page.get_by_role("link", name=f"[{number}]", exact=True)
    with page.context.expect_page() as opened:  # Streamlit opens Markdown links in a new tab
        link.click()
    events_page = opened.value
    expect(events_page).to_have_url(re.compile(rf"/events\?.*from={note.period.start.isoformat()}"),
                                    timeout=30_000)
    kpi = events_page.get_by_test_id("stMetric").filter(has_text="Matching events").get_by_test_id("stMetricValue")
    expect(kpi).to_have_text(f"{expected:,}", timeout=30_000)
    expect(events_page.get_by_text(f"Rows 1-{expected:,} of {expected:,}, page 1 of 1.")).to_be_visible()
    expect(events_page.get_by_test_id("stDataFrame")).to_be_visible()
    # must not happen: an error on either page
    expect(events_page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
