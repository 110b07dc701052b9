"""Every page headless under AppTest, on a warehouse built from the bundled data."""
import pytest

import dashboard.data
from dashboard.navigation import PAGES
from indicators import overview
from indicators.filters import Filters
from tests.helpers import (
    DATA, HEADLINE, ROOT, TODAY, app_test, array, figures, fixture_data_dir, metric_number, metrics,
)


def test_overview_renders_and_a_year_change_moves_the_kpis(app, con):
    at = app.run()
    assert not at.exception
    full = metrics(at)
    at.sidebar.slider(key="years").set_value((2016, 2017)).run()
    assert not at.exception
    expected = overview.scope_counts(con, Filters(2016, 2017))
    assert metrics(at)[HEADLINE] == f"{expected['militant_violence']:,}"
    assert metrics(at)["of which attacks"] == f"{expected['attacks']:,}"
    assert metrics(at)[HEADLINE] != full[HEADLINE]
    assert at.query_params["years"] == "2016-2017"  # the filter is in the URL


def test_overview_by_month_leaves_out_events_known_only_to_the_year(app, con):
    """As on the Trends page: events dated only to the year (the Jamaat-ul-Ahrar pledge of 2015,
    UCDP events with date_prec 5) are in no month, and the page says so."""
    at = app.run()
    at.segmented_control(key="period").set_value("month").run()
    assert not at.exception
    f = Filters(1995, 2019)
    where, params = f.where()
    yearly = con.execute(f"SELECT count(*) FROM events WHERE {where} AND date_precision = 'year'",
                         params).fetchone()[0]
    assert yearly >= 1
    assert any(f"Events dated only to the year ({yearly:,}) are not placed in a month" in c.value
               for c in at.caption)
    drawn = sum(sum(v for v in array(t["y"]) if v is not None) for t in figures(at)[0]["data"])
    assert drawn + yearly == metric_number(at, HEADLINE) + metric_number(at, "Weak signals")


def test_a_link_opens_with_its_filters(app, con):
    app.query_params["years"] = "2014-2017"
    app.query_params["province"] = ["Sindh", "Balochistan"]
    app.query_params["actor"] = "Islamic State"
    at = app.run()
    assert not at.exception
    f = Filters(2014, 2017, provinces=("Sindh", "Balochistan"), actor_groups=("Islamic State",))
    expected = overview.scope_counts(con, f)["militant_violence"]
    assert metrics(at)[HEADLINE] == f"{expected:,}"
    assert any("Sindh and Balochistan, 2014-2017, Islamic State, militant violence" in c.value for c in at.caption)
    charts = at.get("plotly_chart")
    assert len(charts) == 2


def test_invalid_url_values_are_ignored_with_a_note(app, con):
    app.query_params["years"] = "1900-3000"
    app.query_params["province"] = "<script>alert(1)</script>"
    at = app.run()
    assert not at.exception
    notes = [w.value for w in at.sidebar.warning]
    assert any("years='1900-3000' ignored" in n for n in notes)
    assert "province ignored. Unknown province '<script>alert(1)</script>'. Valid: " in " ".join(notes)
    lo, hi = con.execute("SELECT min(year(event_date)), max(year(event_date)) FROM events").fetchone()
    assert at.sidebar.slider(key="years").value == (hi - 9, hi)  # the default, the last ten years
    at.sidebar.button(key="whole_range").click().run()  # the whole range: one click, in the URL
    assert at.sidebar.slider(key="years").value == (lo, hi)
    assert at.query_params["years"] == f"{lo}-{hi}"


def test_a_misspelt_link_value_is_ignored_with_the_closest_valid_one(app):
    """The URL values are checked by the same function as the command line's flags."""
    app.query_params["province"] = ["Sindhh", "Balochistan"]
    app.query_params["category"] = "attacks"
    app.query_params["years"] = "2017-2014"
    at = app.run()
    assert not at.exception
    notes = [w.value for w in at.sidebar.warning]
    assert "province ignored. Unknown province 'Sindhh'. Did you mean 'Sindh'? Valid: " in notes[1]
    assert "category ignored. Unknown category 'attacks'. Did you mean 'attack'?" in notes[2]
    assert notes[0] == "years='2017-2014' ignored: the first year is after the last"
    assert at.sidebar.multiselect(key="provinces").value == ["Balochistan"]  # the valid one is kept


@pytest.mark.slow
def test_state_action_is_one_click_in(app, con):
    """Drone strikes are state action: adding their category alone changes nothing (their actor
    is a state); the sidebar's one button brings in every kind of actor and the state categories,
    and the Events KPI moves to the count of those filters."""
    app.query_params["years"] = "2004-2017"  # the drone file's years
    at = app.run()
    before = metric_number(at, HEADLINE)
    at.sidebar.multiselect(key="categories").select("state_strike").run()
    assert not at.exception and metric_number(at, HEADLINE) == before
    at.sidebar.multiselect(key="categories").unselect("state_strike").run()
    at.sidebar.button(key="every_kind").click().run()
    assert not at.exception
    assert at.sidebar.multiselect(key="actor_kinds").value == []
    categories = tuple(at.sidebar.multiselect(key="categories").value)
    assert "state_strike" in categories and "counter_terrorism" in categories
    expected = overview.scope_counts(con, Filters(2004, 2017, categories=categories, actor_kinds=()))
    after = metric_number(at, HEADLINE)
    assert after == expected["militant_violence"] > before  # clashes of states and parties
    at.sidebar.button(key="militant_only").click().run()
    assert metric_number(at, HEADLINE) == before


def test_sources_page_lists_licences_and_rejects(shown):
    at = shown("app_pages/methods.py")
    assert not at.exception
    sources = at.dataframe[0].value
    assert {"raw/pakistan_suicide_attacks.csv", "raw/pakistan_drone_attacks.csv"} <= set(sources["file"])
    assert sources["licence"].notna().all()
    assert any("rows were not loaded" in m.value for m in at.markdown)


def test_missing_warehouse_says_how_to_build_it(tmp_path, monkeypatch):
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", tmp_path / "none.duckdb")
    at = app_test().run()
    assert not at.exception
    assert "python -m etl build" in at.error[0].value


@pytest.mark.slow
def test_trends_page_breakdowns_and_comparisons(app, con):
    at = app.run()
    at.switch_page("app_pages/trends.py").run()
    assert not at.exception
    at.selectbox(key="trend_indicator").set_value("attacks").run()
    at.selectbox(key="trend_breakdown").set_value("province").run()
    assert not at.exception
    compare = at.multiselect(key="trend_series_province")
    assert 1 <= len(compare.value) <= 6
    compare.set_value(["Balochistan", "Sindh"]).run()
    at.toggle(key="trend_small").set_value(True).run()
    at.selectbox(key="trend_rolling").set_value(3).run()
    assert not at.exception
    numbers = at.dataframe[0].value
    assert set(numbers.columns) == {"period", "Balochistan", "Sindh"}
    at.segmented_control(key="trend_period").set_value("month").run()
    at.selectbox(key="trend_indicator").set_value("diffusion").run()
    assert not at.exception
    assert any("dated only to the year" in c.value for c in at.caption)


def test_trends_page_answers_the_expansion_questions(app, con):
    app.query_params["actor"] = "Islamic State"
    app.query_params["years"] = "2014-2019"
    app.query_params["dataset"] = "curated"
    at = app.run()
    at.switch_page("app_pages/trends.py").run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    new = next(t for t in tables if "new_districts" in t.columns)
    assert new["new_districts"].tolist()[:2] == ["5", "1"]  # 2014: 5 districts, 2015: 1 (see the CLI test)
    assert any("unit" in t.columns for t in tables)  # GTI-style scores by province


def test_timeline_page_shows_the_lineage_with_sources(shown):
    at = shown("app_pages/timeline.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert {"allegiance", "propaganda"} <= set(table["category"])
    assert table["source_name"].notna().all()


def test_methods_page_prints_the_registry(shown):
    at = shown("app_pages/methods.py")
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "Impact score (GTI-style) (`gti_score`)" in text and "W = 16 raw(y)" in text
    coverage = at.dataframe[1].value
    assert dict(zip(coverage["dataset"], coverage["events"]))["pk_suicide_attacks"] == 496


def test_corrupt_warehouse_says_how_to_rebuild(tmp_path, monkeypatch):
    broken = tmp_path / "warehouse.duckdb"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", broken)
    at = app_test().run()
    assert not at.exception
    assert "cannot be opened" in at.error[0].value and "python -m etl build" in at.error[0].value


def test_a_warehouse_of_an_older_layout_says_how_to_rebuild(built, tmp_path, monkeypatch):
    import duckdb
    import shutil

    old = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built.warehouse, old)
    con = duckdb.connect(str(old))
    con.execute("UPDATE meta SET value = 'events-v1' WHERE key = 'schema'")
    con.close()
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", old)
    at = app_test().run()
    assert not at.exception
    assert "built by an older version of the ETL (layout events-v1" in at.error[0].value
    assert "python -m etl build" in at.error[0].value


@pytest.mark.slow
def test_a_rebuild_is_picked_up_without_an_error(built, tmp_path, monkeypatch):
    """The page keeps its session while the warehouse file is replaced by a new build."""
    from etl.build import build_warehouse

    live = tmp_path / "warehouse.duckdb"
    live.write_bytes(built.warehouse.read_bytes())
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", live)
    at = app_test().run()
    before = metrics(at)[HEADLINE]
    build_warehouse(fixture_data_dir(tmp_path / "fx", {"indicator_events.csv": "curated"}), live, today=TODAY)
    at.run()
    assert not at.exception
    assert metrics(at)[HEADLINE] != before


def test_probable_duplicates_toggle_and_link(app, con):
    app.query_params["years"] = "1995-2019"
    at = app.run()
    once = overview.scope_counts(con, Filters(1995, 2019))["militant_violence"]
    every = overview.scope_counts(con, Filters(1995, 2019, all_duplicates=True))["militant_violence"]
    assert every > once and metrics(at)[HEADLINE] == f"{once:,}"
    at.sidebar.toggle(key="all_duplicates").set_value(True).run()
    assert metrics(at)[HEADLINE] == f"{every:,}" and at.query_params["duplicates"] == "all"


def test_maps_name_their_outlines_instead_of_carrying_them(app, con):
    """The page's maps fetch the outlines from static/outlines/ (written once per warehouse
    version); the figure sent at each rerun holds only the district ids."""
    import json

    import settings

    at = app.run()  # (its own run: the outlines file it reads is that of the last warehouse drawn)
    specs = figures(at)
    maps = [t for spec in specs for t in spec["data"] if t["type"] == "choroplethmap"]
    assert maps and all(isinstance(t["geojson"], str) for t in maps)
    url = maps[0]["geojson"]
    assert url.startswith("/app/static/outlines/")
    served = json.loads((settings.STATIC_DIR / url.removeprefix("/app/static/")).read_text())
    districts = con.execute("SELECT count(*) FROM districts").fetchone()[0]
    assert len(served["features"]) == districts == len(maps[0]["locations"])
    assert len(chart_sizes := [len(c.proto.spec) for c in at.get("plotly_chart")]) == 2
    assert all('"coordinates"' not in c.proto.spec for c in at.get("plotly_chart"))  # no outline
    # no outlines (about 370 kB alone); at most OVERVIEW_POINTS (2,000) points of about 450 bytes
    assert max(chart_sizes) < 1_000_000


@pytest.mark.parametrize("page", PAGES, ids=[p.title for p in PAGES])
def test_every_page_of_the_navigation_renders(shown, page):
    """Each page under AppTest: no exception, no error box, its title or its figures drawn."""
    at = shown(page.path)
    assert not at.exception
    assert not at.error
    assert at.title and at.title[0].value


def test_the_navigation_lists_every_page_file():
    files = {f"app_pages/{p.name}" for p in (ROOT / "app_pages").glob("*.py")}
    assert {p.path for p in PAGES} == files


def test_sources_page_links_every_published_figure(shown):
    """Every url of the yardsticks file is a Markdown link on the page, grouped by publisher."""
    import csv


    with open(DATA / "yardsticks" / "published_totals_pak_afg.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    at = shown("app_pages/methods.py")
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert [r["url"] for r in rows if f"]({r['url']})" not in text] == []
    assert {e.label.split(" (")[0] for e in at.expander} >= {r["publisher"] for r in rows}
    assert "Pak Institute for Peace Studies" in text  # the definitions are there too


@pytest.mark.slow
def test_trends_sets_the_published_figure_beside_yearly_attacks(app, con):
    from indicators import yardsticks

    app.query_params["years"] = "2020-2024"
    app.query_params["country"] = "PAK"
    at = app.run()
    at.switch_page("app_pages/trends.py").run()
    at.selectbox(key="trend_indicator").set_value("attacks").run()
    assert not at.exception
    expected = yardsticks.beside(con, Filters(2020, 2024, countries=("PAK",)), "attacks")
    [marks] = [t for t in figures(at)[0]["data"] if t.get("name") == "published (closest definition)"]
    assert array(marks["y"]) == expected["published"].dropna().tolist()
    assert "PIPS" in marks["text"][-1] and expected["url"].iloc[-1] in marks["text"][-1]
    caption = next(c.value for c in at.caption if c.value.startswith("Published figures"))
    assert yardsticks.sentence(expected.iloc[-1]) in caption
    assert yardsticks.sentence(expected.iloc[0]) not in caption  # the latest three years only
    # must NOT happen: a broken-down chart (several series) gets one published figure
    at.selectbox(key="trend_breakdown").set_value("province").run()
    assert not [t for t in figures(at)[0]["data"] if t.get("name") == "published (closest definition)"]


def test_trends_tables_say_no_data_or_partial_never_zero(app, con):
    """The curated file (the only dataset selected) starts in 2014 and records one network's
    events, so 2012-2013 have no data and 2014-2019 are partial: a year without a new district
    there is "partial", not 0; the GTI-style table likewise."""
    from indicators import coverage, spread

    app.query_params["actor"] = "Islamic State"
    app.query_params["years"] = "2012-2019"
    app.query_params["dataset"] = "curated"
    at = app.run()
    at.switch_page("app_pages/trends.py").run()
    assert not at.exception
    f = Filters(2012, 2019, actor_groups=("Islamic State",), datasets=("curated",))
    status = coverage.period_status(con, f, "year")["status"].tolist()
    assert status == ["none", "none"] + ["partial"] * 6
    counts = spread.new_district_counts(con, f)["new_districts"].tolist()
    assert 0 in counts[2:]  # a partly covered year with no new district: the case under test
    tables = [d.value for d in at.dataframe]
    new = next(t for t in tables if "new_districts" in t.columns)
    assert new["new_districts"].tolist() == ["no data", "no data"] + [
        "partial" if n == 0 else f"{n:,}" for n in counts[2:]]
    gti = next(t for t in tables if "unit" in t.columns)
    cells = [v for c in gti.columns if c != "unit" for v in gti[c]]
    assert cells and not [v for v in cells if v in (0, "0", "0.0")]
    assert set(gti["2012"]) == {"no data"}
