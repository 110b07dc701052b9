"""The warehouse built from the bundled data, and from fixtures: counts, reconciliation, placement,
idempotence, and that a failed build loses nothing."""
import csv
import io
import fcntl
import hashlib
import subprocess
import sys
from collections import Counter

import duckdb
import pytest

from etl import geo
from etl.build import BuildError, build_warehouse
from tests.helpers import DATA, ROOT, TODAY, fixture_data_dir, warehouse_tables


def test_every_bundled_event_is_loaded_or_accounted_for(built, con):
    counts = {c.file: c for c in built.files}
    assert counts["raw/pakistan_suicide_attacks.csv"].loaded == 496
    assert counts["raw/pakistan_drone_attacks.csv"].loaded == 404
    assert counts["raw/pakistan_drone_attacks.csv"].rejected == 1  # the totals row
    assert counts["raw/isis_network_events.csv"].loaded == 105
    assert counts["raw/caps_2018_events.csv"].loaded >= 1
    assert counts["raw/ucdp_ged_pak_1989_2021_hdx.csv"].loaded == 6416  # the HXL row is no event
    assert counts["raw/ucdp_candidate_26_0_2_pak_afg.csv"].loaded == 105
    for c in built.files:
        assert c.rows_read == c.loaded + c.out_of_scope + c.rejected + c.duplicates
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    assert total == sum(c.loaded for c in built.files)
    assert con.execute("SELECT count(*) FROM events WHERE source_name IS NULL OR source_file IS NULL "
                       "OR source_line IS NULL").fetchone()[0] == 0


def _raw_years(name, date_column, year_of):
    text = (DATA / "raw" / name).read_bytes().decode("cp1252" if "drone" in name else "utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text, newline=""))
            if r[date_column].strip() and not r[date_column].startswith("#")]  # HDX's tag row
    return Counter(year_of(r[date_column].strip()) for r in rows)


@pytest.mark.parametrize("name, dataset, date_column, year_of", [
    ("pakistan_suicide_attacks.csv", "pk_suicide_attacks", "Date", lambda d: int(d[-4:])),
    ("pakistan_drone_attacks.csv", "pk_drone_strikes", "Date", lambda d: int(d[-4:])),
    ("isis_network_events.csv", "curated", "event_date", lambda d: int(d[:4])),
    ("ucdp_ged_pak_1989_2021_hdx.csv", "ucdp", "date_start", lambda d: int(d[:4])),
    ("ucdp_candidate_26_0_2_pak_afg.csv", "ucdp_candidate", "date_start", lambda d: int(d[:4])),
])
def test_events_per_year_reconcile_with_the_raw_file(con, name, dataset, date_column, year_of):
    """Counted straight from the CSV with the csv module, independently of the adapters."""
    expected = _raw_years(name, date_column, year_of)
    got = dict(con.execute("SELECT year(event_date), count(*) FROM events WHERE source_file = ? "
                           "GROUP BY 1", [f"raw/{name}"]).fetchall())
    assert got == dict(expected)


def test_ucdp_deaths_reconcile_with_ucdps_best_per_year(con):
    """The bundled UCDP GED file: deaths per year are the sum of `best`, UCDP's own figure (43,225
    in all), computed straight from the file."""
    text = (DATA / "raw" / "ucdp_ged_pak_1989_2021_hdx.csv").read_text(encoding="utf-8")
    expected = Counter()
    for r in csv.DictReader(io.StringIO(text, newline="")):
        if not r["id"].startswith("#") and r["id"]:
            expected[int(r["year"])] += int(r["best"])
    got = dict(con.execute("SELECT year(event_date), sum(fatalities)::INTEGER FROM events WHERE "
                           "dataset = 'ucdp' GROUP BY 1").fetchall())
    assert got == dict(expected) and sum(expected.values()) == 43225


def test_fatalities_reconcile_with_the_raw_maximum(con):
    text = (DATA / "raw" / "pakistan_suicide_attacks.csv").read_text(encoding="utf-8")
    expected = 0
    for r in csv.DictReader(text.splitlines()):
        figures = [int(float(r[c])) for c in ("Killed Min", "Killed Max") if r[c].strip()]
        expected += max(figures) if figures else 0
    got = con.execute("SELECT sum(fatalities) FROM events WHERE dataset = 'pk_suicide_attacks'").fetchone()[0]
    assert got == expected


@pytest.mark.parametrize("where, params, district", [
    ("dataset = 'curated' AND location LIKE ?", ["Sohrab Goth%"], "Karachi"),
    ("dataset = 'curated' AND location = ?", ["Khanewal district"], "Khanewal"),
    ("dataset = 'curated' AND location LIKE ?", ["Taxila%"], "Rawalpindi"),
    ("dataset = 'curated' AND location LIKE ?", ["Shrine of Lal Shahbaz%"], "Jamshoro"),
    ("dataset = 'curated' AND location LIKE ?", ["Civil Hospital%"], "Quetta"),
    ("dataset = 'pk_suicide_attacks' AND location LIKE ?", ["%Sehwan Town"], "Jamshoro"),
    ("dataset = 'pk_suicide_attacks' AND location LIKE ?", ["Khanewal"], "Khanewal"),
    ("dataset = 'pk_suicide_attacks' AND location LIKE ?", ["Quetta cantt military Check post, Quetta"], "Quetta"),
    ("dataset = 'pk_suicide_attacks' AND location LIKE ?", ["%, Karachi"], "Karachi"),
])
def test_places_land_in_the_right_district(con, where, params, district):
    found = con.execute(f"SELECT DISTINCT admin2 FROM events WHERE {where}", params).fetchall()
    assert found == [(district,)]


@pytest.mark.parametrize("lat, lon, district", [
    (33.7463, 72.7874, "Rawalpindi"),   # Taxila
    (26.4243, 67.8617, "Jamshoro"),     # Sehwan
    (30.3012, 71.9321, "Khanewal"),
    (24.8607, 67.0011, "Karachi"),
    (30.1798, 66.9750, "Quetta"),
    (34.5553, 69.2075, "Kabul"),
])
def test_spatial_join_of_known_towns(lat, lon, district):
    import pandas as pd

    districts = geo.load_districts(DATA / "raw" / "boundaries")
    got = geo.spatial_join(pd.DataFrame({"latitude": [lat], "longitude": [lon]}), districts)
    names = districts.set_index("district_id")["admin2"]
    assert names[got["district_id"].iloc[0]] == district


def test_placing_a_part_whose_text_comes_in_several_arrow_chunks():
    """A part DuckDB read arrives in chunks of 131,072 rows; a province column kept as the file
    gives it (the curated adapter's) is placed like any other, and a row without a point gets
    its district from its name."""
    import pandas as pd
    import pyarrow as pa

    from etl import schema

    def chunked(*parts):
        cells = pa.chunked_array([pa.array(p, type=pa.large_string()) for p in parts])
        return schema.arrow_text(cells, None)

    districts = geo.load_districts(DATA / "raw" / "boundaries")
    events = pd.DataFrame({
        "country": chunked(["PAK", "PAK"], ["PAK"]),
        "admin1": chunked(["Punjab", None], ["Sindh"]),
        "admin2": chunked([None, None], ["Karachi"]),
        "latitude": [33.7463, 30.3012, float("nan")],
        "longitude": [72.7874, 71.9321, float("nan")],
        "geo_precision": chunked(["point", "point"], ["district"]),
    })
    placed, flags = geo.place_events(events, districts)
    assert not len(flags)
    names = districts.set_index("district_id")["admin2"]
    assert [names[d] for d in placed["district_id"]] == ["Rawalpindi", "Khanewal", "Karachi"]
    assert placed["admin1"].tolist() == ["Punjab", "Punjab", "Sindh"]
    assert placed["geo_precision"].tolist() == ["point", "point", "district"]



def test_ucdp_events_keep_ucdps_country_whatever_the_district_layer_says(con):
    """UCDP codes all 6,416 events of the bundled GED file as Pakistan (counted here with the csv
    module, without HDX's tag row); 29 of their points lie across the simplified border of the
    district layer (the Imal Khel post, North Waziristan, lies in Barmal, Paktika). They stay
    Pakistani, in the district their source names, with a flag each."""
    with open(DATA / "raw" / "ucdp_ged_pak_1989_2021_hdx.csv", encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if not r["country"].startswith("#")]  # the tag row
    pakistan = sum(1 for r in rows if r["country"] == "Pakistan")
    name = "raw/ucdp_ged_pak_1989_2021_hdx.csv"
    stored = dict(con.execute("SELECT country, count(*) FROM events WHERE dataset = 'ucdp' "
                              "AND source_file = ? GROUP BY 1", [name]).fetchall())
    assert stored == {"PAK": pakistan} == {"PAK": 6416}
    assert con.execute("SELECT count(*) FROM events WHERE dataset = 'ucdp' AND country = 'PAK'"
                       ).fetchone()[0] == 6416
    assert con.execute("SELECT country, admin2, latitude, longitude FROM events WHERE event_id = "
                       "'ucdp:187761'").fetchone() == ("PAK", "North Waziristan Agency", 32.85185, 69.47642)
    assert con.execute("SELECT count(*) FROM quality_flags WHERE source_file = ? AND \"column\" = "
                       "'latitude' AND flag LIKE '%lies in Afghanistan (district %) by the district "
                       "layer; the publisher''s country Pakistan is kept%'", [name]).fetchone()[0] == 29
    # must NOT happen, in any dataset: an event in a district of another country than its own
    assert con.execute("SELECT count(*) FROM events e JOIN districts d USING (district_id) "
                       "WHERE d.country <> e.country").fetchone()[0] == 0

def test_coordinates_win_over_a_wrong_city_field(con):
    """Three rows of the suicide file say City=Quetta but their coordinates (and their own text:
    'Town of Mastung', 'Parachinar', 'Jhal Magsi') are elsewhere; the point decides."""
    rows = dict(con.execute("SELECT event_id, admin2 FROM events WHERE event_id IN "
                            "('pk_suicide_attacks:484', 'pk_suicide_attacks:486', "
                            "'pk_suicide_attacks:492')").fetchall())
    assert rows == {"pk_suicide_attacks:484": "Mastung", "pk_suicide_attacks:486": "Kurram Agency",
                    "pk_suicide_attacks:492": "Jhal Magsi"}


def test_nearly_every_event_with_coordinates_has_a_district(con):
    placed, total = con.execute("SELECT count(district_id), count(*) FROM events "
                                "WHERE geo_precision = 'point'").fetchone()
    assert placed / total >= 0.95


def test_unknown_tolls_stay_null(con):
    assert con.execute("SELECT count(*) FROM events WHERE dataset = 'curated' AND fatalities IS NULL"
                       ).fetchone()[0] > 0
    assert con.execute("SELECT count(*) FROM events WHERE fatalities < 0 OR injured < 0").fetchone()[0] == 0


@pytest.mark.slow
def test_rebuilding_gives_identical_tables(built, tmp_path):
    again = build_warehouse(DATA, tmp_path / "again.duckdb", today=TODAY)
    assert again.version == built.version
    first, second = warehouse_tables(built.warehouse), warehouse_tables(again.warehouse)
    assert first.keys() == second.keys() >= {"events", "districts", "sources", "rejects", "etl_runs"}
    for name in first:
        assert first[name].equals(second[name]), name


@pytest.mark.slow
def test_fixture_build_quarantines_with_reasons_and_keeps_duplicates(tmp_path):
    data = fixture_data_dir(tmp_path, {"curated_awkward.csv": "curated",
                                       "suicide_original_latin1.csv": "pk_suicide_attacks",
                                       "drone_small.csv": "pk_drone_strikes"})
    result = build_warehouse(data, tmp_path / "w.duckdb", today=TODAY)
    counts = {c.file: c for c in result.files}
    curated = counts["raw/curated_awkward.csv"]
    # line 3 (no usable date) and line 8 (in the future) cannot be events; the negative toll
    # (line 4) and the unknown category (line 5) load with a quality flag
    assert (curated.rows_read, curated.loaded, curated.rejected, curated.duplicates) == (8, 5, 2, 1)
    assert curated.flagged == 2
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    rejects = con.execute("SELECT source_file, source_line, \"column\", \"value\", reason FROM rejects "
                          "ORDER BY 1, 2").fetchall()
    assert ("raw/curated_awkward.csv", 3, "event_date", "2017-13-01",
            "event_date: '2017-13-01' is not a date (expected YYYY-MM-DD, M/D/YYYY, 'Friday, June 18, "
            "2004', 'Sunday-November 19-1995', 'Friday-Jan 29-2016' or '17 January 2017')") in rejects
    flags = con.execute("SELECT source_line, \"column\", \"value\", flag FROM quality_flags WHERE "
                        "source_file = 'raw/curated_awkward.csv' ORDER BY 1").fetchall()
    assert flags[0] == (4, "killed", "-2", "killed: '-2' is not a count >= 0; loaded as unknown")
    assert flags[1][:3] == (5, "category", "riot") and "loaded as 'other'" in flags[1][3]
    assert con.execute("SELECT category, fatalities, qa_flags FROM events WHERE source_line = 5 AND "
                       "source_file = 'raw/curated_awkward.csv'").fetchone()[0] == "other"
    assert con.execute("SELECT source_line, source_line_kept FROM duplicates").fetchall() == [(7, 6)]
    # the swapped min/max row and the Latin-1 text survive
    row = con.execute("SELECT location, fatalities, fatalities_low, qa_flags, admin2 FROM events "
                      "WHERE event_id = 'pk_suicide_attacks:2'").fetchone()
    assert row == ("Café René, Karachi", 9, 4, "killed min > killed max (9 > 4): swapped", "Karachi")
    # a row without coordinates is placed by its town name
    assert con.execute("SELECT admin2, geo_precision FROM events WHERE event_id = 'pk_suicide_attacks:6'"
                       ).fetchone()[0] == "Khanewal"
    assert con.execute("SELECT admin2 FROM events WHERE event_id = 'pk_drone_strikes:2'").fetchone() == (
        "Kurram Agency",)
    con.close()


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_failed_build_leaves_the_previous_warehouse_intact(tmp_path):
    data = fixture_data_dir(tmp_path, {"drone_small.csv": "pk_drone_strikes"})
    target = tmp_path / "w.duckdb"
    build_warehouse(data, target, today=TODAY)
    before = _sha(target)
    (data / "raw" / "drone_small.csv").write_text("Date,City\n1/1/2010,Quetta\n")
    with pytest.raises(BuildError, match=r"raw/drone_small.csv line 1: missing column 's#'"):
        build_warehouse(data, target, today=TODAY)
    assert _sha(target) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.slow
def test_a_memory_limit_duckdb_refuses_stops_the_build_before_anything_is_read(tmp_path, monkeypatch):
    import settings

    data = fixture_data_dir(tmp_path, {"drone_small.csv": "pk_drone_strikes"})
    target = tmp_path / "w.duckdb"
    build_warehouse(data, target, today=TODAY)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    monkeypatch.setattr(settings, "ETL_MEMORY_LIMIT", "2 GB'; SET threads = 1")
    with pytest.raises(BuildError, match=r"ETL_MEMORY_LIMIT=\"2 GB'; SET threads = 1\" is not a memory "
                                         r"size DuckDB accepts .*; set it to a size such as 2GB"):
        build_warehouse(data, target, today=TODAY, fresh=True)
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before


@pytest.mark.slow
def test_a_second_build_at_once_is_refused_clearly(tmp_path):
    data = fixture_data_dir(tmp_path, {"drone_small.csv": "pk_drone_strikes"})
    target = tmp_path / "w.duckdb"
    with open(target.with_suffix(".lock"), "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(BuildError, match="another build of .* is running"):
            build_warehouse(data, target, today=TODAY)
    assert not target.exists()


@pytest.mark.slow
def test_registry_naming_a_missing_file_says_how_to_fix(tmp_path):
    data = fixture_data_dir(tmp_path, {"drone_small.csv": "pk_drone_strikes"})
    (data / "raw" / "drone_small.csv").unlink()
    with pytest.raises(BuildError, match=r"sources.csv line 2: file='drone_small.csv' is not in .*copy it"):
        build_warehouse(data, tmp_path / "w.duckdb", today=TODAY)


@pytest.mark.slow
def test_cli_prints_the_summary_and_fails_with_the_message(tmp_path):
    data = fixture_data_dir(tmp_path, {"drone_small.csv": "pk_drone_strikes"})
    ok = subprocess.run([sys.executable, "-m", "etl", "build", "--data-dir", str(data), "--out",
                         str(tmp_path / "w.duckdb")], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stderr
    assert "raw/drone_small.csv" in ok.stdout and "rows read" in ok.stdout
    assert "totals row" in ok.stdout
    (data / "raw" / "drone_small.csv").write_text("Date,City\n1/1/2010,Quetta\n")
    bad = subprocess.run([sys.executable, "-m", "etl", "build", "--data-dir", str(data), "--out",
                          str(tmp_path / "w.duckdb")], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1
    assert "missing column 's#'" in bad.stderr and "previous warehouse" in bad.stderr
    helped = subprocess.run([sys.executable, "-m", "etl", "build", "--help"], capture_output=True,
                            text=True, cwd=ROOT)
    assert helped.returncode == 0 and "--data-dir" in helped.stdout


@pytest.mark.slow
def test_the_reference_tables_come_from_the_data_dir_the_build_was_given(data_dir, tmp_path):
    """Issue 15: editing a rule under another data dir changes both the warehouse version and
    what the build derives (it used to read the repository's tables whatever --data-dir said)."""
    data = data_dir
    first = build_warehouse(data, data / "warehouse.duckdb", today=TODAY)  # (from its cache)
    rules = data / "reference" / "target_classes.csv"
    with open(rules, encoding="utf-8") as handle:
        fields = next(csv.reader(handle))
    line = {"pattern": ".", "target_class": "other", "minority": "false"}
    with open(rules, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(fields)
        writer.writerow([line.get(f, "") for f in fields])  # first rule: every target is 'other'
    second = build_warehouse(data, tmp_path / "b.duckdb", today=TODAY)
    assert second.version != first.version
    con = duckdb.connect(str(tmp_path / "b.duckdb"), read_only=True)
    classes = con.execute("SELECT DISTINCT target_class FROM events WHERE target IS NOT NULL").fetchall()
    con.close()
    assert classes == [("other",)]


def test_parts_made_ahead_come_in_order_raise_their_error_and_are_closed():
    """stage._ahead: the parts a worker thread makes while the build works on the one before."""
    from etl import stage

    closed = []

    def parts(fail_after=None):
        try:
            n = 0
            while fail_after is None or n < fail_after:
                yield n
                n += 1
            raise ValueError(f"part {n} cannot be read")
        finally:
            closed.append(n)

    ahead = stage._ahead(parts(fail_after=3))
    assert [next(ahead) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(ValueError, match="part 3 cannot be read"):
        next(ahead)
    assert closed == [3]
    closed.clear()
    ahead = stage._ahead(parts())  # endless: the caller stops after two
    assert [next(ahead), next(ahead)] == [0, 1]
    ahead.close()
    assert len(closed) == 1  # the worker stopped and closed the generator
