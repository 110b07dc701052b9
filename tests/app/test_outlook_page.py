"""The Outlook page under AppTest: on the bundled data (every horizon beats no change there) and on a
warehouse where no change cannot be beaten (the page must then hide every horizon)."""
import datetime as dt

import duckdb
import pytest

import dashboard.data
from etl.build import build_warehouse
from indicators import outlook, outlook_cache
from indicators.filters import Filters
from tests.helpers import TODAY, app_test, figures, fixture_data_dir
from tests.indicators.test_outlook import ged_rows, write_ged

pytestmark = pytest.mark.slow  # the edit loop (make test-fast) leaves them out


@pytest.fixture()
def computed(con):
    """The outlook of the bundled data, computed ahead into the cache beside the warehouse (as
    `python -m indicators outlook --cache` does after a build): the page only reads it."""
    return outlook_cache.outlook(con, Filters(1989, 2021))


def test_outlook_draws_the_map_a_fan_and_the_scores(app, computed):
    at = app.run()
    at.switch_page("app_pages/outlook.py").run()
    assert not at.exception and not at.error
    scores = outlook.part(computed["summary"], "score")
    assert outlook.skilful_horizons(scores) == list(outlook.HORIZONS)
    assert not at.warning  # nothing hidden on the bundled data
    assert "made as of **December 2021**" in at.caption[0].value
    maps, fans = figures(at)
    assert [t["type"] for t in maps["data"]][:2] == ["choroplethmap", "choroplethmap"]
    assert maps["layout"]["map"]["style"] == "white-bg"
    assert [t["name"] for t in fans["data"]] == ["observed", "95th percentile", "90% interval", "75th percentile",
                                                 "50% interval", "median"]
    assert len(fans["data"][0]["x"]) == 24 and len(fans["data"][-1]["x"]) == 1 + 6  # last month + 6 ahead
    shown = at.dataframe[0].value
    assert len(shown) == 4 and set(shown["horizon"]) == {6}
    assert "no change (Poisson, last month)" in set(shown["method"])
    assert any("district-months we gave" in m.value for m in at.markdown)
    assert any(m.value.startswith("Deaths are not forecast: in the backtest") for m in at.markdown)
    assert maps["layout"]["meta"]["subtitle"].startswith("Forecast as of December 2021, 6 months ahead; a forecast "
                                                         "is not a warning of a specific attack.")
    # a shorter horizon moves the fan and the scores
    at.segmented_control(key="outlook_horizon").set_value(2).run()
    assert not at.exception
    assert len(figures(at)[1]["data"][-1]["x"]) == 1 + 2
    assert set(at.dataframe[0].value["horizon"]) == {2}


def test_outlook_follows_the_province_filter_and_says_what_it_ignores(app, computed):
    """Balochistan chosen: the district list and the map's coloured districts are Balochistan's
    only (the forecast's own, not recomputed); the filters line names what does not apply."""
    at = app.run()
    at.multiselect(key="provinces").set_value(["Balochistan"]).run()
    at.switch_page("app_pages/outlook.py").run()
    assert not at.exception and not at.error
    assert ("Filters: Follows the countries, the actor kinds, the provinces and districts (the map and the list); "
            "ignores the years, categories, actor groups and datasets: the model counts militant violence of "
            "every group") in at.caption[1].value
    forecast = computed["forecast"]
    balochistan = set(forecast.loc[forecast["admin1"] == "Balochistan", "district_id"])
    assert set(at.selectbox(key="outlook_district").options) and all(
        "(Balochistan)" in option for option in at.selectbox(key="outlook_district").options)
    coloured = figures(at)[0]["data"][1]["locations"]
    assert set(coloured) == balochistan and len(balochistan) < forecast["district_id"].nunique()
    assert "the chosen provinces and districts" in figures(at)[0]["layout"]["meta"]["subtitle"]


@pytest.fixture()
def quiet_since_2011(tmp_path):
    """UCDP-format events in Peshawar every month of 2008-2010 and none from 2011 to the end of
    coverage (a non-militant event on 2021-12-31 ends it): in the backtest (targets 2012-2021) no
    change forecasts a point mass at 0 and is always right (CRPS 0); the model, having seen 2008-2010,
    cannot score below 0."""
    rows = [dict(day=dt.date(y, m, 10), district="Peshawar district", province="Khyber Pakhtunkhwa province",
                 side_b="TTP") for y in (2008, 2009, 2010) for m in range(1, 13)]
    rows.append(dict(day=dt.date(2021, 12, 31), district="Peshawar district", province="Khyber Pakhtunkhwa province",
                     side_b="Government of India", side_a="Government of Pakistan"))
    data = fixture_data_dir(tmp_path, {})
    write_ged(data, ged_rows(rows))
    path = tmp_path / "w.duckdb"
    build_warehouse(data, path, today=TODAY)
    return path


def test_outlook_hides_the_horizons_where_no_change_is_not_beaten(quiet_since_2011, monkeypatch):
    con = duckdb.connect(str(quiet_since_2011), read_only=True)
    try:
        scores = outlook.part(outlook_cache.outlook(con, Filters(1989, 2021))["summary"], "score")
    finally:
        con.close()
    no_change = scores[scores["method"] == "no_change"]
    assert (no_change["crps"] == 0).all() and (scores[scores["method"] == "model"]["crps"] > 0).all()
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", quiet_since_2011)
    at = app_test()
    at.run()
    at.switch_page("app_pages/outlook.py").run()
    assert not at.exception and not at.error
    assert "Not shown: 1, 2, 3, 4, 5, 6 month(s) ahead" in at.warning[0].value
    assert not figures(at)  # must NOT happen: a map or a fan of a forecast that loses to no change
    assert len(at.dataframe[0].value) == 24  # the scores are still shown
