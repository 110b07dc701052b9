"""indicators/outlook*.py: the scores against values worked out by hand, the as-of month of the
bundled data, and no leakage (an event planted in the future changes no forecast made before it)."""
import csv
import datetime as dt
import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from etl.build import build_warehouse
from indicators import outlook, outlook_backtest, outlook_forecast
from indicators.outlook_model import Counts
from indicators.filters import Filters
from tests.helpers import FIXTURES, TODAY, fixture_data_dir

PLACES = {  # district -> (latitude, longitude, UCDP adm_1); points well inside the districts
    "Peshawar": (34.01, 71.56, "Khyber Pakhtunkhwa province"),
    "Nowshera": (34.0, 71.98, "Khyber Pakhtunkhwa province"),
    "Quetta": (30.19, 67.0, "Balochistan province"),
}


def ged_rows(specs: list[dict]) -> list[dict]:
    """UCDP GED rows (the first row of tests/data/militant_rules_ucdp.csv, a TTP event, as the
    template) with the given day, district (a name of PLACES or 'Peshawar district') and sides."""
    with open(FIXTURES / "militant_rules_ucdp.csv", newline="") as handle:
        template = next(csv.DictReader(handle))
    rows = []
    for i, spec in enumerate(specs):
        place = spec.get("district", "Peshawar").replace(" district", "")
        lat, lon, province = PLACES[place]
        day = spec["day"]
        rows.append({**template, "id": str(800000 + i), "year": str(day.year),
                     "date_start": f"{day} 00:00:00.000", "date_end": f"{day} 00:00:00.000",
                     "latitude": str(lat), "longitude": str(lon), "geom_wkt": f"POINT ({lon} {lat})",
                     "adm_1": province, "adm_2": f"{place} district", "where_coordinates": place,
                     "side_a": spec.get("side_a", template["side_a"]), "side_b": spec.get("side_b", template["side_b"])})
    return rows


def write_ged(data, rows: list[dict]) -> None:
    """rows as data/raw/ged_fixture.csv, declared in sources.csv as format ucdp."""
    with open(data / "raw" / "ged_fixture.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with open(data / "raw" / "sources.csv", "a", newline="") as handle:
        csv.writer(handle).writerow(["ged_fixture.csv", "ucdp", "ucdp", "ged", "GED fixture", "tests", "tests",
                                     "test fixture"])


# --- the scores, by hand -------------------------------------------------------------------------

def test_crps_of_a_poisson_mean_one_against_two_events():
    """Poisson(1): F(0) = e^-1 = 0.367879, F(1) = 2e^-1 = 0.735759, F(2) = 2.5e^-1 = 0.919699,
    F(3) = 0.981012, F(4) = 0.996340, F(5) = 0.999406. Observed 2:
    CRPS = F(0)^2 + F(1)^2 + (1-F(2))^2 + (1-F(3))^2 + (1-F(4))^2 + (1-F(5))^2 + ...
         = 0.135335 + 0.541341 + 0.006448 + 0.000361 + 0.0000134 + 0.0000004 = 0.683499."""
    assert outlook_backtest.crps(Counts(1.0), [2])[0] == pytest.approx(0.683499, abs=1e-6)


def test_crps_of_point_masses_is_the_distance_in_events():
    """A point mass at 0 (zero baseline, or no change after a quiet month) against 3 events:
    (F(k) - 1[3 <= k])^2 is 1 for k = 0, 1, 2 and 0 after: CRPS = 3. Against 0 events: 0."""
    assert outlook_backtest.crps(Counts([0.0, 0.0]), [3, 0]).tolist() == [3.0, 0.0]


def test_brier_and_the_chance_of_at_least_one_event():
    """Poisson(1): P(>=1) = 1 - e^-1 = 0.632121; observed 2 (an event): (0.632121 - 1)^2 = e^-2
    = 0.135335; observed 0: 0.632121^2 = 0.399576. Negative binomial mean 2, alpha 0.5:
    P(0) = (1 / (1 + 0.5 * 2))^(1/0.5) = 0.25."""
    p_any = 1 - Counts(1.0).p_zero()
    assert outlook_backtest.brier(p_any, [2])[0] == pytest.approx(math.exp(-2), abs=1e-9)
    assert outlook_backtest.brier(p_any, [0])[0] == pytest.approx(0.399576, abs=1e-6)
    assert Counts(2.0, 0.5).p_zero()[0] == pytest.approx(0.25)


def test_central_intervals_of_a_poisson_mean_one():
    """F(0) = 0.368 >= 0.25 and >= 0.05: both intervals start at 0; F(1) = 0.736 < 0.75 <= F(2) =
    0.920: the 50% interval ends at 2; F(2) < 0.95 <= F(3) = 0.981: the 90% one ends at 3. So 2 is
    in both, 3 only in the 90% one, 4 in neither."""
    dist = Counts([1.0, 1.0, 1.0])
    assert outlook_backtest.covered(dist, [2, 3, 4], 0.5).tolist() == [True, False, False]
    assert outlook_backtest.covered(dist, [2, 3, 4], 0.9).tolist() == [True, True, False]


def test_crps_of_large_counts_against_the_sum_over_the_cdf():
    """The closed forms against the definition, sum over k of (F(k) - 1[y <= k])^2, summed with
    scipy's CDF far into the tail: Poisson(300) against 500 deaths (scoringrules' own Poisson form
    overflows there) and a negative binomial of mean 40, alpha 2 against 500."""
    from scipy import stats

    k = np.arange(0, 200_000)
    poisson = ((stats.poisson.cdf(k, 300.0) - (k >= 500)) ** 2).sum()
    nbinom = ((stats.nbinom.cdf(k, 0.5, 1 / (1 + 2 * 40)) - (k >= 500)) ** 2).sum()
    assert outlook_backtest.crps(Counts(300.0), [500])[0] == pytest.approx(poisson, rel=1e-9)
    assert outlook_backtest.crps(Counts(40.0, 2.0), [500])[0] == pytest.approx(nbinom, rel=1e-6)


def test_deaths_are_forecast_only_where_they_beat_no_change_on_crps_and_brier():
    """Horizon 1: the model wins on CRPS and Brier; horizon 2: on CRPS only (as deaths do on the
    bundled data): deaths are not forecast at 2 months, and the sentence gives the scores."""
    rows = [{"horizon": h, "method": m, "crps": c, "brier": b, "cover_50": 0.5, "cover_90": 0.9, "district_months": 10}
            for h, m, c, b in ((1, "model", 0.5, 0.05), (1, "no_change", 0.9, 0.06),
                               (2, "model", 0.6, 0.07), (2, "no_change", 1.0, 0.06))]
    scores = pd.DataFrame(rows)
    assert outlook.skilful_horizons(scores) == [1, 2]
    assert outlook.skilful_horizons(scores, outlook.DEATHS_SKILL) == [1]
    assert outlook.deaths_sentence(scores) == (
        "Deaths are not forecast at 2 months: in the backtest the model did not beat no change (last month's "
        "deaths) on both CRPS and the Brier score of at least one death (model against no change, 2 months: "
        "CRPS 0.600 against 1.000, Brier 0.0700 against 0.0600).")


def test_scores_of_a_tiny_backtest():
    """Two district-months, horizon 1: observed 2 and 0. The model says Poisson(1) for both; no
    change says 2 (Poisson(2)) then 0 (point mass); the 12-month mean 1 and 0; zero 0 and 0.
    Model CRPS: (0.683499 + CRPS(Poisson(1), 0)) / 2, CRPS(Poisson(1), 0) = sum (1 - F(k))^2 =
    0.399576 + 0.069824 + 0.006448 + 0.000361 + 0.0000134 + ... = 0.476223: mean 0.579861.
    Zero: CRPS (2 + 0) / 2 = 1; Brier (1 + 0) / 2 = 0.5; in both intervals 1 of 2."""
    frame = pd.DataFrame({"district_id": ["a", "b"], "month": [dt.date(2020, 1, 1)] * 2, "horizon": 1,
                          "observed": [2.0, 0.0], "model_mean": [1.0, 1.0], "model_alpha": 0.0,
                          "no_change_mean": [2.0, 0.0], "mean_12_mean": [1.0, 0.0], "zero_mean": 0.0})
    scores = outlook_backtest.scores_of(frame).set_index("method")
    assert scores.loc["model", "crps"] == pytest.approx(0.579861, abs=1e-6)
    assert scores.loc["zero", ["crps", "brier", "cover_50", "cover_90"]].tolist() == [1.0, 0.5, 0.5, 0.5]
    assert scores.loc["model", "brier"] == pytest.approx((math.exp(-2) + (1 - math.exp(-1)) ** 2) / 2)
    assert outlook.skilful_horizons(outlook_backtest.scores_of(frame)) == []  # no change: 0.5 * CRPS(Poisson(2), 2)


# --- the bundled data ----------------------------------------------------------------------------

def test_the_as_of_month_is_the_end_of_ucdp_ged(con):
    """UCDP GED (complete, final, with districts) ends 2021-12-31; the Candidate data after it are
    preliminary, the curated and Kaggle files not complete."""
    scope = outlook.outlook_scope(con, Filters(2016, 2025))
    assert scope["as_of"] == dt.date(2021, 12, 1) and scope["countries"] == ("PAK",)
    with pytest.raises(ValueError, match="No complete, final dataset with district-level events"):
        outlook.outlook_scope(con, Filters(2016, 2025, countries=("AFG",)))


def test_the_forecast_of_the_bundled_data(con):
    f = Filters(2016, 2025)
    frame = outlook_forecast.forecast(con, f)
    districts = con.execute("SELECT count(*) FROM districts WHERE country = 'PAK'").fetchone()[0]
    assert len(frame) == 6 * districts
    assert sorted(frame["month"].unique()) == [dt.date(2022, m, 1) for m in range(1, 7)]
    by = frame.sort_values(["district_id", "horizon"]).groupby("district_id")
    assert (by["p_within"].diff().dropna() >= -1e-12).all()  # the chance within H months grows with H
    assert ((frame["q05"] <= frame["q50"]) & (frame["q50"] <= frame["q95"])).all()
    history = outlook.district_history(con, f, "PAK-peshawar")
    where, params = outlook.outlook_filters(f).where()
    december = con.execute(f"SELECT count(*) FROM events WHERE {where} AND district_id = 'PAK-peshawar' "
                           "AND event_date >= DATE '2021-12-01' AND event_date < DATE '2022-01-01' "
                           "AND date_precision <> 'year'", params).fetchone()[0]
    assert len(history) == 24 and history["events"].iloc[-1] == december


# --- no leakage ----------------------------------------------------------------------------------

def _build(tmp_path, name: str, specs: list[dict]):
    data = fixture_data_dir(tmp_path / name, {})
    write_ged(data, ged_rows(specs))
    build_warehouse(data, tmp_path / name / "w.duckdb", today=TODAY)
    return duckdb.connect(str(tmp_path / name / "w.duckdb"), read_only=True)


@pytest.mark.slow
def test_an_event_planted_in_the_future_changes_no_forecast_made_before_it(tmp_path):
    """Two warehouses, the second with one more TTP event in Nowshera on 2015-06-15: every forecast
    made as of 2015-05 or earlier (the forecast and the backtest's rows of origin before June 2015)
    is the same; forecasts made later see it (so the test could fail)."""
    rng = np.random.default_rng(31)
    specs = [{"day": dt.date(y, m, int(d)), "district": place}
             for y in range(2008, 2022) for m in range(1, 13) for place in PLACES
             for d in rng.integers(1, 28, size=rng.poisson(1.5 if place == "Peshawar" else 0.5))]
    specs.append({"day": dt.date(2021, 12, 31), "district": "Quetta"})  # coverage to the end of 2021
    planted = {"day": dt.date(2015, 6, 15), "district": "Nowshera"}
    before, after = _build(tmp_path, "before", specs), _build(tmp_path, "after", [*specs, planted])
    try:
        f = Filters(2008, 2021, countries=("PAK",))
        as_of = dt.date(2015, 5, 1)
        pd.testing.assert_frame_equal(outlook_forecast.forecast(before, f, as_of),
                                      outlook_forecast.forecast(after, f, as_of))
        a, b = (outlook_backtest.backtest(c, f, 2014) for c in (before, after))
        origin = pd.to_datetime(a["month"]).dt.to_period("M") - a["horizon"]
        early = (origin < pd.Period("2015-06", "M")).to_numpy()
        predictions = ["district_id", "month", "horizon", "model_mean", "model_alpha", "no_change_mean",
                       "mean_12_mean"]
        assert early.sum() > 0
        pd.testing.assert_frame_equal(a.loc[early, predictions], b.loc[early, predictions])
        assert not np.allclose(a.loc[~early, "model_mean"], b.loc[~early, "model_mean"])
        later = dt.date(2015, 6, 1)
        assert not outlook_forecast.forecast(before, f, later).equals(outlook_forecast.forecast(after, f, later))
    finally:
        before.close()
        after.close()
