"""library.date_bound: the years a date-sorted top-N reads change nothing in what it returns."""
from dataclasses import replace

import pandas as pd
import pytest

from contract.schema import CATEGORIES
from indicators import events, overview
from indicators.filters import Filters

FILTERS = [Filters(1990, 2030), Filters(2016, 2016), Filters(2014, 2017, provinces=("Sindh", "Balochistan")),
           Filters(2004, 2019, categories=tuple(CATEGORIES), all_duplicates=True),
           Filters(2008, 2019, actor_groups=("Unknown", "Islamic State"), precise_dates_only=True),
           Filters(2000, 2019, countries=("AFG",), datasets=("curated",)), Filters(2010, 2011, countries=("IND",))]


def newest_first(con, f, descending=True, offset=0, limit=10):
    """The filtered events in date order straight from the events, without any bound."""
    where, params = f.where()
    order = "DESC" if descending else "ASC"
    return con.execute(f"SELECT event_id FROM events WHERE {where} ORDER BY event_date {order}, event_id "
                       f"LIMIT ? OFFSET ?", params + [limit, offset]).df()["event_id"].tolist()


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_recent_events_and_pages_by_date_are_those_of_the_whole_table(con, f):
    assert overview.recent_events(con, f)["event_id"].tolist() == newest_first(con, f)
    for page, size, descending in [(1, 50, True), (3, 25, True), (1, 50, False), (4, 100, False), (900, 10, True)]:
        shown = events.event_page(con, f, "", "date", descending, page, size, ("event_id",))
        assert shown["event_id"].tolist() == newest_first(con, f, descending, (page - 1) * size, size)


def test_a_bound_reads_fewer_years_and_never_narrows_evidence_filters(con):
    """With the newest 10 events of all years, the bound starts at the year of the 10th newest
    event or before; a window of days (Filters.windowed) is not counted by the cube: no bound."""
    from indicators.library import date_bound

    f = Filters(1990, 2030)
    sql, params = date_bound(con, f, 10)
    tenth = con.execute(f"SELECT event_date FROM events WHERE {f.where()[0]} ORDER BY event_date DESC, "
                        f"event_id LIMIT 1 OFFSET 9", f.where()[1]).fetchone()[0]
    assert sql == "event_date >= ?" and params[0] <= tenth and params[0].year == tenth.year
    assert date_bound(con, f, 10 ** 9) == ("TRUE", [])
    window = replace(f, date_from=tenth, date_to=tenth)
    assert date_bound(con, window, 10) == ("TRUE", [])
    recent = overview.recent_events(con, window)
    assert (pd.to_datetime(recent["event_date"]).dt.date == tenth).all() and len(recent)


@pytest.mark.parametrize("f", FILTERS[:6], ids=range(6))
@pytest.mark.parametrize("first_span_events", [1, 40])
def test_escalation_alerts_scored_backwards_are_those_of_all_the_years_at_once(con, f, first_span_events,
                                                                               monkeypatch):
    """The alerts found year span by year span from the last (as in a warehouse of more than
    ALL_AT_ONCE events; the first span the last year with an event, or the last years holding 40
    events) are the most recent `limit` of all the selected years' alerts scored in one pass."""
    from indicators import alerts

    monkeypatch.setattr(alerts, "ALL_AT_ONCE", 0)
    monkeypatch.setattr(alerts, "FIRST_SPAN_EVENTS", first_span_events)
    spans = []
    scored = alerts._scored
    monkeypatch.setattr(alerts, "_scored", lambda *a: spans.append(a[3:]) or scored(*a))
    where, params = f.all_time().where("e")
    every = alerts._scored(con, where, params, f.year_from, f.year_to).sort_values(
        ["month", "events", "district_id", "actor_group"], ascending=[False, False, True, True])
    for limit in (1, 3, 50):
        spans.clear()
        found = alerts.escalation_alerts(con, f, limit)
        if limit == 50 and f == FILTERS[0]:
            assert len(spans) > 1  # scored span by span
        expected = every.head(limit)
        assert found["month"].tolist() == [m.date() for m in pd.to_datetime(expected["month"])]
        assert found[["district_id", "actor_group"]].values.tolist() == \
            expected[["district_id", "actor_group"]].values.tolist()


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_freshness_names_the_newest_event_of_the_whole_table(con, f):
    """The caption's newest event, read from event_cube's last_date, is the filtered events'
    max(event_date); with a window of days too (Filters.windowed: read from the events)."""
    from indicators.coverage import freshness

    where, params = f.where()
    newest = con.execute(f"SELECT max(event_date) FROM events WHERE {where}", params).fetchone()[0]
    head = f"Newest event shown: {newest:%-d %B %Y}" if newest else "No event matches the filters"
    assert freshness(con, f).startswith(head + ".")
    if newest:
        window = replace(f, date_from=newest.replace(day=1), date_to=newest)
        assert freshness(con, window).startswith(head + ".")
