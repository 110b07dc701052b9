"""The Brief page headless under AppTest, and the Events page opened by one of its links, on the
warehouse built from the bundled data."""
import pytest

from indicators.links import to_query, events_url
from dashboard.widgets import plain
from indicators import brief, events, overview
from indicators.filters import Filters
from indicators.periods import Period, over
from tests.helpers import HEADLINE

ALL = Filters(1995, 2019)  # the years of the `app` fixture (tests/app/conftest.py)


def note_markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.slow
def test_the_brief_page_shows_the_note_with_a_link_per_sentence(app, con):
    at = app.run()
    at.switch_page("app_pages/brief.py").run()
    assert not at.exception
    period = brief.default_period(con, ALL)
    assert at.selectbox(key="brief_period_quarter").value == period
    note = brief.briefing_note(con, ALL, period)
    shown = note_markdown(at)
    for i, s in enumerate(note.sentences, 1):
        assert f"{plain(s.text)} [\\[{i}\\]]({events_url(s.evidence)})" in shown
    assert any("Data version:" in c.value and "Coverage:" in c.value for c in at.caption)

    at.segmented_control(key="brief_kind").set_value("year").run()  # a widget change moves the note
    assert not at.exception
    year = brief.default_period(con, ALL, "year")
    assert at.selectbox(key="brief_period_year").value == year
    assert plain(brief.briefing_note(con, ALL, year).sentences[0].text) in note_markdown(at)
    assert plain(note.sentences[0].text) not in note_markdown(at)


@pytest.mark.slow
def test_a_brief_link_opens_the_events_page_on_exactly_its_events(app, con):
    f = over(ALL, Period("quarter", brief.default_period(con, ALL).start), categories=("attack",))
    for key, value in to_query(f):
        app.query_params[key] = [v for k, v in to_query(f) if k == key]
    at = app.run()
    at.switch_page("app_pages/events.py").run()
    assert not at.exception
    expected = events.event_count(con, f)
    assert {m.label: m.value for m in at.metric}["Matching events"] == f"{expected:,}"
    assert at.query_params["from"] == f.date_from.isoformat()  # the window stays in the URL
    assert any(f"{f.date_from:%-d %b %Y} to {f.date_to:%-d %b %Y}" in i.value for i in at.sidebar.info)
    # must not happen: the window narrowing another page (the Overview reads the yearly cube)
    at.switch_page("app_pages/overview.py").run()
    kpi = overview.kpis(con, Filters(f.year_from, f.year_to, categories=("attack",))).set_index("period")
    assert {m.label: m.value for m in at.metric}[HEADLINE] == f"{kpi.loc['current', 'events']:,}"
    # clearing the window
    at.sidebar.button(key="clear_evidence_window").click().run()
    at.switch_page("app_pages/events.py").run()
    whole_year = events.event_count(con, Filters(f.year_from, f.year_to, categories=("attack",)))
    assert {m.label: m.value for m in at.metric}["Matching events"] == f"{whole_year:,}" != f"{expected:,}"
