"""Coverage: every bundled dataset's period, no false zeros (a period no selected dataset covers
is 'no data' in the indicators and on the figures, never 0), KPI changes withheld across a
coverage change, the freshness caption."""
import datetime as dt

import pandas as pd
import pytest

from charts.trend import trend_chart
from figures import catalog
from indicators import coverage, overview
from indicators.filters import Filters


def test_the_coverage_of_each_bundled_dataset(con):
    rows = {r[0]: r[1:] for r in con.execute(
        "SELECT dataset, period_start, period_end, complete, preliminary FROM coverage").fetchall()}
    assert rows == {
        "ucdp": (dt.date(1989, 1, 1), dt.date(2021, 12, 31), True, False),  # GED: whole years
        # the Candidate releases for 2025 (7 columns) and for January-February 2026, one after
        # the other: their lines of data/reference/coverage.csv merged
        "ucdp_candidate": (dt.date(2025, 1, 1), dt.date(2026, 2, 28), True, True),
        "curated": (dt.date(2014, 1, 1), dt.date(2026, 2, 7), False, False),
        "pk_suicide_attacks": (dt.date(1995, 11, 19), dt.date(2017, 11, 25), False, False),
        "pk_drone_strikes": (dt.date(2004, 6, 18), dt.date(2017, 10, 16), False, False)}


@pytest.mark.parametrize("f, expected", [
    # from the table above and the coverage columns countries / categories of the bundled files:
    # the suicide-attack file is PAK and attacks only, the drone file state strikes only, UCDP
    # GED's file PAK only (every event of it is coded Pakistan by UCDP)
    (Filters(2010, 2012), ["ucdp", "pk_suicide_attacks", "curated", "ucdp_candidate"]),
    (Filters(2010, 2012, categories=("propaganda", "state_strike")), ["pk_drone_strikes", "curated"]),
    (Filters(2010, 2012, countries=("AFG",), categories=("attack",)), ["curated", "ucdp_candidate"]),
    (Filters(2010, 2012, datasets=("pk_drone_strikes", "curated")), ["curated"]),
    (Filters(2010, 2012, categories=()), ["ucdp", "pk_suicide_attacks", "pk_drone_strikes", "curated",
                                          "ucdp_candidate"]),
    (Filters(2010, 2012, countries=("IND",)), []),
])
def test_the_datasets_whose_countries_and_categories_meet_the_filters(con, f, expected):
    """A dataset is kept when it is selected (or none is) and shares a country and a category with
    the filters; the years do not matter. In period_start order."""
    assert [r.dataset for r in coverage.dataset_coverage(con, f)] == expected


def test_a_year_no_dataset_covers_is_no_data_and_2022_2024_are_partial(con):
    """UCDP GED ends in 2021, the Candidate releases cover 2025 and January-February 2026:
    2022-2024 are covered only by the curated file (one network: partial), 2025 in full by a
    complete dataset, 2026 in part; with the suicide-attack file alone, 2018 is no data."""
    status = coverage.period_status(con, Filters(2020, 2026), "year").set_index("period_start")["status"]
    assert status.to_dict() == {dt.date(y, 1, 1): s for y, s in [
        (2020, "full"), (2021, "full"), (2022, "partial"), (2023, "partial"), (2024, "partial"),
        (2025, "full"), (2026, "partial")]}
    alone = Filters(2016, 2019, datasets=("pk_suicide_attacks",))
    status = coverage.period_status(con, alone, "year").set_index("period_start")["status"]
    assert status[dt.date(2018, 1, 1)] == "none" and status[dt.date(2017, 1, 1)] == "partial"


def test_the_trend_chart_shades_no_data_and_draws_no_bar_there(con):
    f = Filters(2014, 2020, datasets=("pk_suicide_attacks",))
    fig, frame = catalog.overview_trend(lambda fn, *a: fn(con, *a), f, "year")
    spec = fig.to_plotly_json()
    bands = [s for s in spec["layout"]["shapes"] if s.get("name") == "none"]
    assert len(bands) == 1  # 2018-2020, one band
    assert pd.Timestamp(bands[0]["x0"]).year == 2017 and pd.Timestamp(bands[0]["x1"]).year == 2020
    assert any(a.get("text") == "no data" for a in spec["layout"]["annotations"])
    drawn = {pd.Timestamp(x).year for t in spec["data"] for x in t["x"]}
    assert drawn.isdisjoint({2018, 2019, 2020})  # no bar, not a zero bar
    assert any("ends" in a.get("text", "") for a in spec["layout"]["annotations"])


def test_the_trends_lines_break_where_no_dataset_covers_a_period(con):
    f = Filters(2015, 2020, datasets=("pk_suicide_attacks",))
    fig, _ = catalog.indicator_chart(lambda fn, *a: fn(con, *a), f, "attacks", "year")
    line = next(t for t in fig.to_plotly_json()["data"] if t.get("mode", "").startswith("lines"))
    values = dict(zip(pd.to_datetime(line["x"]).year, line["y"]))
    assert values[2016] > 0 and all(values[y] is None or pd.isna(values[y]) for y in (2018, 2019, 2020))


def test_the_kpi_change_is_withheld_across_a_coverage_change(con):
    reason = coverage.kpi_comparison(con, Filters(2022, 2025))
    assert reason.startswith("UCDP GED") and "covers 2018-2021 in full and 2022-2025 not at all" in reason
    assert coverage.kpi_comparison(con, Filters(2016, 2017, datasets=("ucdp", "curated"))) is None


def test_the_freshness_caption_names_the_newest_event_and_preliminary_data(con):
    f = Filters(2017, 2026)
    newest = overview.recent_events(con, f, 1)["event_date"].iloc[0]
    text = coverage.freshness(con, f)
    assert text.startswith(f"Newest event shown: {pd.Timestamp(newest):%-d %B %Y}.")
    assert "UCDP Candidate Events 2025, Pakistan and Afghanistan (7 columns, preliminary) + UCDP " \
           "Candidate Events 26.0.2, Pakistan and Afghanistan (preliminary): Candidate 2025 (7 columns) " \
           "+ Candidate 26.0.2, to 28 Feb 2026" in text


def test_afghan_provinces_are_in_the_province_filter(con):
    assert {"Nangarhar", "Kunar", "Ghazni"} <= set(overview.filter_options(con)["provinces"])


def test_the_map_spread_chart_draws_no_bar_for_a_year_without_data(con):
    from charts.bars import spread_chart
    from indicators import geography

    f = Filters(2016, 2020, datasets=("pk_suicide_attacks",))
    marks = (coverage.period_status(con, f, "year"), coverage.coverage_changes(con, f))
    fig = spread_chart(geography.spread(con, f), "district", "x", "y", marks)
    assert {int(x) for x in fig.data[0].x} == {2016, 2017}  # 2018-2020: no data, no bar
    assert [s.name for s in fig.layout.shapes if s.name in ("none", "partial")] == ["partial", "none"]


def test_the_timeline_shades_the_months_without_data(con):
    from charts.timeline import lineage_chart
    from indicators import timeline

    f = Filters(2017, 2019, datasets=("pk_suicide_attacks",))
    marks = (coverage.period_status(con, f, "month"), coverage.coverage_changes(con, f))
    fig = lineage_chart(timeline.lineage_events(con, f), timeline.monthly_attacks(con, f), "s", "src", marks)
    bands = [s for s in fig.layout.shapes if s.name == "none"]
    assert len(bands) == 1 and pd.Timestamp(bands[0].x0).year == 2017  # from December 2017 on


def test_a_source_line_names_no_last_change_before_any_dataset_changed(con):
    from indicators import provenance

    # the bundled data has no second version of any dataset: no date (tests/etl/test_revisions.py
    # checks the date once a dataset has changed)
    assert "last change" not in provenance.source_line(con, Filters(2017, 2026))
