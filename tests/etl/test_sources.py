"""Each adapter on small fixtures with the awkward cases (see tests/data/make_fixtures.py)."""
import datetime as dt

import pandas as pd
import pytest

from etl import schema
from etl.sources import curated, pk_drone_strikes, pk_suicide_attacks
from tests.conftest import FIXTURES, TODAY


def test_curated_reads_bom_and_urdu_and_quarantines_bad_cells():
    events, rejects = curated.load(FIXTURES / "curated_awkward.csv", "curated_awkward.csv")
    assert len(events) + len(rejects) == 8
    assert "event_date" in events.columns  # the BOM did not stick to the first header
    assert events.iloc[0]["location"].startswith("خانیوال")
    bad_date = rejects[rejects["source_line"] == 3].iloc[0]
    assert (bad_date["column"], bad_date["value"]) == ("event_date", "2017-13-01")
    assert "is not a date" in bad_date["reason"]
    negative = rejects[rejects["source_line"] == 4].iloc[0]
    assert (negative["column"], negative["value"]) == ("killed", "-2")


def test_curated_unknown_toll_is_null_not_zero():
    events, _ = curated.load(FIXTURES / "curated_awkward.csv", "x.csv")
    first = events.iloc[0]
    assert pd.isna(first["fatalities"]) and pd.isna(first["injured"])


def test_curated_duplicate_rows_get_the_same_stable_id():
    events, _ = curated.load(FIXTURES / "curated_awkward.csv", "x.csv")
    pledges = events[events["description"].str.startswith("Pledge")]
    assert len(pledges) == 2 and pledges["event_id"].nunique() == 1
    assert pledges["event_id"].iloc[0].startswith("curated:")
    again, _ = curated.load(FIXTURES / "curated_awkward.csv", "x.csv")
    assert again["event_id"].tolist() == events["event_id"].tolist()


def test_validate_quarantines_unknown_category_and_future_date_with_line_numbers():
    events, _ = curated.load(FIXTURES / "curated_awkward.csv", "curated_awkward.csv")
    events["geo_precision"] = "district"
    good, rejects = schema.validate(events, today=TODAY)
    reasons = {(r.source_line, r.column): r.reason for r in rejects.itertuples()}
    assert reasons[(5, "category")].startswith("category must be one of attack")
    assert reasons[(8, "event_date")] == "event_date is in the future"
    assert set(good["source_line"]) == {2, 6, 7, 9}


def test_suicide_original_release_latin1_weekday_dates_and_swapped_min_max():
    events, rejects = pk_suicide_attacks.load(FIXTURES / "suicide_original_latin1.csv", "s.csv")
    assert len(events) + len(rejects) == 6
    by_id = events.set_index("event_id")
    karachi = by_id.loc["pk_suicide_attacks:2"]
    assert karachi["event_date"] == dt.date(2016, 11, 26)
    assert karachi["location"] == "Café René, Karachi"
    assert (karachi["fatalities"], karachi["fatalities_low"]) == (9, 4)
    assert "swapped" in karachi["qa_flags"]
    assert karachi["target"] == "Civilian (Shia)"
    assert by_id.loc["pk_suicide_attacks:1", "admin1"] == "Islamabad Capital Territory"
    assert rejects.iloc[0]["source_line"] == 5 and rejects.iloc[0]["column"] == "Date"
    # the out-of-range latitude is caught by the contract, not the reader
    _, invalid = schema.validate(events.assign(geo_precision="point"), today=TODAY)
    assert invalid.iloc[0]["source_line"] == 6 and invalid.iloc[0]["column"] == "latitude"


def test_drone_totals_row_is_quarantined_not_loaded_and_strikes_are_state_action():
    events, rejects = pk_drone_strikes.load(FIXTURES / "drone_small.csv", "d.csv")
    assert len(events) == 2
    assert rejects.iloc[0]["source_line"] == 4 and "totals row" in rejects.iloc[0]["reason"]
    assert set(events["category"]) == {"state_strike"}
    assert "state_strike" not in schema.EXTREMIST_CATEGORIES
    second = events.set_index("event_id").loc["pk_drone_strikes:2"]
    assert (second["fatalities"], second["fatalities_low"]) == (26, 17)  # 'Total Died Mix' is Max
    assert second["source_url"] == "http://a.example/1"
    first = events.set_index("event_id").loc["pk_drone_strikes:1"]
    assert first["fatalities"] == 5 and pd.isna(first["fatalities_low"])


def test_missing_column_names_the_file_and_the_column(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("Date,City\n1/1/2010,Quetta\n")
    with pytest.raises(ValueError, match=r"wrong.csv line 1: missing column 'S#'"):
        pk_suicide_attacks.load(path, "wrong.csv")
