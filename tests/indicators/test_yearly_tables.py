"""What is counted from the build's yearly tables (etl/derived.py) equals the same counted over
the events: measures from event_cube (library.cube_sql) by year and by every breakdown the cube
holds and in the rates per 100,000 people; what the maps cannot place from event_unmapped."""
import datetime as dt
from dataclasses import replace

import pytest

from contract.schema import CATEGORIES
from indicators import geography, impact, library, overview
from indicators.filters import Filters

FILTERS = [Filters(1990, 2030), Filters(2016, 2016), Filters(2014, 2017, provinces=("Sindh", "Balochistan")),
           Filters(2004, 2019, categories=tuple(CATEGORIES), all_duplicates=True),
           Filters(2008, 2019, actor_groups=("Unknown", "Islamic State"), precise_dates_only=True),
           Filters(2000, 2019, countries=("AFG",), datasets=("curated",)), Filters(2010, 2011, countries=("IND",))]
BY = [(), ("year",), ("province",), ("category",), ("actor_group",), ("year", "province"),
      ("year", "actor_group")]


def over_events(f: Filters) -> Filters:
    """The same filters, counted over the events: library.yearly is False for a window of days
    (here the whole years, which narrows nothing)."""
    return replace(f, date_from=dt.date(f.year_from, 1, 1), date_to=dt.date(f.year_to, 12, 31))


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_cube_measures_equal_the_events(con, f):
    assert library.cube_sql("events", over_events(f)) is None and library.cube_sql("injured", f) is None
    for measure in library.CUBE_MEASURES:
        assert library.cube_sql(measure, f) is not None
        for by in BY:
            cube = library.measure_by(con, f, measure, by)
            events = library.measure_by(con, over_events(f), measure, by)
            assert cube.equals(events), (measure, by)
            assert cube.attrs == events.attrs
        for level, key in (("district", "district_id"), ("province", "admin1")):
            # (units of equal rate come in the population query's order, which is not fixed)
            cube, events = (impact.rates(con, g, measure, level).sort_values(key, ignore_index=True)
                            for g in (f, over_events(f)))
            assert cube.equals(events), (measure, level)
    if f == FILTERS[0]:
        assert library.measure_by(con, f, "attacks", ())["value"].iloc[0] > 100


def test_an_empty_selection_counts_zero(con):
    f = Filters(2016, 2016, countries=("IND",))
    assert library.measure_by(con, f, "attacks", ())["value"].tolist() == [0]
    assert library.measure_by(con, f, "attacks", ("year",))["value"].tolist() == [0]


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_what_the_maps_cannot_place_equals_the_events(con, f):
    def rows(frame):
        return sorted(map(tuple, frame.values.tolist()))

    tables = [(overview.unplaced(con, g), *(geography.not_on_map(con, g, level) for level in geography.LEVELS))
              for g in (f, over_events(f))]
    for unmapped, events in zip(*tables):
        assert list(unmapped.columns) == list(events.columns) and unmapped.dtypes.equals(events.dtypes)
        assert rows(unmapped) == rows(events)
    if f == FILTERS[0]:
        assert all(len(t) for t in tables[1])  # the bundled data has events of each kind


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_lineage_from_event_signals_is_that_of_the_events(con, f):
    """The Timeline's signal events (read from event_signals) are the filtered events of those
    categories, oldest first, whole rows; with a category outside the signals, from the events."""
    from dataclasses import replace

    from indicators import timeline

    for categories in (timeline.LINEAGE_CATEGORIES, ("allegiance",), ("recruitment", "attack")):
        where, params = replace(f, categories=categories).where()
        for limit in (5, 2000):
            expected = con.execute(f"SELECT event_id, description, source_url FROM events WHERE {where} "
                                   f"ORDER BY event_date, event_id LIMIT ?", params + [limit]).fetchall()
            lineage = timeline.lineage_events(con, f, limit, categories)
            total = con.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]
            assert (lineage["total"] == total).all() and len(lineage) == min(limit, total)
            found = lineage[["event_id", "description", "source_url"]]
            found = found.astype(object).where(found.notna(), None)  # pandas' NaN for SQL's null
            assert list(found.itertuples(index=False, name=None)) == expected
    if f == FILTERS[0]:
        assert len(timeline.lineage_events(con, f)) > 10 and len(timeline.milestones(con, f)) > 3
