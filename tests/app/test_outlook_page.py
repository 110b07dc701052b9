"""The Outlook page under AppTest: on the bundled data (every horizon beats no change there) and on a
warehouse where no change cannot be beaten (the page must then hide every horizon)."""
import datetime as dt

import duckdb
import pytest

import dashboard.data
from etl.build import build_warehouse
from indicators import outlook
from indicators.filters import Filters
from tests.helpers import TODAY, app_test, figures, fixture_data_dir
from tests.indicators.test_outlook import ged_rows, write_ged


@pytest.mark.slow
def test_outlook_draws_the_map_a_fan_and_the_scores(app, con):
    at = app.run()
    at.switch_page("app_pages/outlook.py").run()
    assert not at.exception and not at.error
    scores = outlook.part(outlook.backtest_summary(con, Filters(1989, 2021)), "score")
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
    # a shorter horizon moves the fan and the scores
    at.segmented_control(key="outlook_horizon").set_value(2).run()
    assert not at.exception
    assert len(figures(at)[1]["data"][-1]["x"]) == 1 + 2
    assert set(at.dataframe[0].value["horizon"]) == {2}


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


@pytest.mark.slow
def test_outlook_hides_the_horizons_where_no_change_is_not_beaten(quiet_since_2011, monkeypatch):
    con = duckdb.connect(str(quiet_since_2011), read_only=True)
    try:
        scores = outlook.part(outlook.backtest_summary(con, Filters(1989, 2021)), "score")
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
