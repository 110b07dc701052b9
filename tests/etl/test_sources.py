"""Each adapter on small fixtures with the awkward cases (see tests/data/make_fixtures.py)."""

import pandas as pd
import pytest

from etl import schema
from etl.sources.registry import FORMATS
from tests.helpers import FIXTURES, TODAY


def test_curated_reads_bom_and_urdu_rejects_only_what_cannot_be_an_event():
    out = FORMATS["curated"].load(FIXTURES / "curated_awkward.csv", "curated_awkward.csv")
    events, rejects = out.events, out.rejects
    assert len(events) + len(rejects) == 8
    assert "event_date" in events.columns  # the BOM did not stick to the first header
    assert events.iloc[0]["location"].startswith("خانیوال")
    bad_date = rejects[rejects["source_line"] == 3].iloc[0]
    assert (bad_date["column"], bad_date["value"]) == ("event_date", "2017-13-01")
    assert "is not a date" in bad_date["reason"]
    # a negative toll is a flaw in a secondary field: the row loads, the toll unknown, flagged
    negative = events[events["source_line"] == 4].iloc[0]
    assert pd.isna(negative["fatalities"])
    flag = out.flags[out.flags["source_line"] == 4].iloc[0]
    assert (flag["column"], flag["value"]) == ("killed", "-2")


def test_curated_unknown_toll_is_null_not_zero():
    events = FORMATS["curated"].load(FIXTURES / "curated_awkward.csv", "x.csv").events
    first = events.iloc[0]
    assert pd.isna(first["fatalities"]) and pd.isna(first["injured"])


def test_curated_duplicate_rows_get_the_same_stable_id():
    events = FORMATS["curated"].load(FIXTURES / "curated_awkward.csv", "x.csv").events
    pledges = events[events["description"].str.startswith("Pledge")]
    assert len(pledges) == 2 and pledges["event_id"].nunique() == 1
    assert pledges["event_id"].iloc[0].startswith("curated:")
    again = FORMATS["curated"].load(FIXTURES / "curated_awkward.csv", "x.csv").events
    assert again["event_id"].tolist() == events["event_id"].tolist()


def test_validate_rejects_a_future_date_and_flags_an_unknown_category_with_line_numbers():
    events = FORMATS["curated"].load(FIXTURES / "curated_awkward.csv", "curated_awkward.csv").events
    events["geo_precision"] = "district"
    checked = schema.validate(events, today=TODAY)
    reasons = {(r.source_line, r.column): r.reason for r in checked.rejects.itertuples()}
    assert reasons == {(8, "event_date"): "event_date is in the future"}
    flags = {(r.source_line, r.column): r.reason for r in checked.flags.itertuples()}
    assert flags[(5, "category")].startswith("category is not one of the dashboard's categories")
    assert set(checked.events["source_line"]) == {2, 4, 5, 6, 7, 9}
    assert checked.events.set_index("source_line").loc[5, "category"] == "other"


def test_suicide_original_release_latin1_weekday_dates_and_swapped_min_max():
    out = FORMATS["pk_suicide_attacks"].load(FIXTURES / "suicide_original_latin1.csv", "s.csv")
    events, rejects = out.events, out.rejects
    assert len(events) + len(rejects) == 6
    by_id = events.set_index("event_id")
    karachi = by_id.loc["pk_suicide_attacks:2"]
    assert karachi["event_date"] == pd.Timestamp(2016, 11, 26)
    assert karachi["location"] == "Café René, Karachi"
    assert (karachi["fatalities"], karachi["fatalities_low"], karachi["fatalities_high"]) == (9, 4, 9)
    assert out.flags.iloc[0]["reason"] == "killed min > killed max (9 > 4): swapped"
    assert karachi["target"] == "Civilian (Shia)"
    assert by_id.loc["pk_suicide_attacks:1", "admin1"] == "Islamabad Capital Territory"
    assert rejects.iloc[0]["source_line"] == 5 and rejects.iloc[0]["column"] == "date"
    # the latitude 130.18 cannot be right: the row loads without its point, flagged
    line6 = events.set_index("source_line").loc[6]
    assert pd.isna(line6["latitude"]) and pd.isna(line6["longitude"])
    assert "is outside Pakistan and Afghanistan" in out.flags.set_index("source_line").loc[6, "reason"]


def test_drone_totals_row_is_quarantined_not_loaded_and_strikes_are_state_action():
    out = FORMATS["pk_drone_strikes"].load(FIXTURES / "drone_small.csv", "d.csv")
    events, rejects = out.events, out.rejects
    assert len(events) == 2
    assert rejects.iloc[0]["source_line"] == 4 and "totals row" in rejects.iloc[0]["reason"]
    assert set(events["category"]) == {"state_strike"}
    assert "state_strike" not in schema.DEFAULT_CATEGORIES
    second = events.set_index("event_id").loc["pk_drone_strikes:2"]
    assert (second["fatalities"], second["fatalities_low"]) == (26, 17)  # 'Total Died Mix' is Max
    assert second["source_url"] == "http://a.example/1"
    first = events.set_index("event_id").loc["pk_drone_strikes:1"]
    assert first["fatalities"] == 5 and pd.isna(first["fatalities_low"])


def test_missing_column_names_the_file_and_the_column(tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("Date,City\n1/1/2010,Quetta\n")
    with pytest.raises(ValueError, match=r"wrong.csv line 1: missing column 's#'"):
        FORMATS["pk_suicide_attacks"].load(path, "wrong.csv")
