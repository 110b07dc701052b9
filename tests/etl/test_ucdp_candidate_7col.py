"""UCDP Candidate 2025 cut to 7 columns (etl/sources/ucdp_candidate_7col.py): the bundled file
against its own counts (read here with the csv module), every event known only to its country,
the actor from the conflict's name, and a GED event replacing the Candidate event of its id."""
import csv
from collections import Counter

import duckdb
import pandas as pd
import pytest

from etl.build import build_warehouse
from etl.imports import detect, import_file
from etl.sources.registry import FORMATS
from tests.helpers import DATA, FIXTURES, TODAY, fixture_data_dir, tables_equal

FILE = "ucdp_candidate_2025_7col_pak_afg.csv"
ISO = {"Pakistan": "PAK", "Afghanistan": "AFG"}
SMALL = "ucdp_candidate_7col_small.csv"  # tests/data/make_fixtures.py says what each line is
GED = "ucdp_ged_2025_small.csv"


def read(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_conflict_name_of_the_file_is_in_the_reference_table():
    table = {r["conflict_name"]: r for r in read(DATA / "reference" / "ucdp_conflicts.csv")}
    assert {r["conflict_name"] for r in read(DATA / "raw" / FILE)} - set(table) == set()
    assert all(r["actor"].strip() and r["reason"].strip() for r in table.values())


def test_the_2025_file_reconciles_per_country_month_and_category(con):
    """Counted from the file: types 1 and 2 are armed clashes; type 3 is an attack, or state
    violence when the conflict's actor (data/reference/ucdp_conflicts.csv) is a government.
    Pakistan: 1,132 events, 3,351 deaths (sum of `best`); Afghanistan 160 and 335 (the MANIFEST's)."""
    actor = {r["conflict_name"]: r["actor"] for r in read(DATA / "reference" / "ucdp_conflicts.csv")}
    expected, deaths, events = Counter(), Counter(), Counter()
    for r in read(DATA / "raw" / FILE):
        kind = r["type_of_violence"]
        category = "armed_clash" if kind in ("1", "2") else \
            "state_violence" if actor[r["conflict_name"]].startswith("Government of") else "attack"
        expected[(ISO[r["country"]], r["date"][:7], category)] += 1
        deaths[ISO[r["country"]]] += int(r["best"])
        events[ISO[r["country"]]] += 1
    assert events == {"PAK": 1132, "AFG": 160} and deaths == {"PAK": 3351, "AFG": 335}
    ours = {(c, m, k): n for c, m, k, n in con.execute(
        "SELECT country, strftime(event_date, '%Y-%m'), category, count(*) FROM events "
        "WHERE source_file = ? GROUP BY ALL", [f"raw/{FILE}"]).fetchall()}
    assert ours == dict(expected)
    ours_deaths = dict(con.execute("SELECT country, sum(fatalities) FROM events WHERE source_file = ? "
                                   "GROUP BY 1", [f"raw/{FILE}"]).fetchall())
    assert ours_deaths == {"PAK": 3351, "AFG": 335}
    run = con.execute("SELECT dataset, rows_read, loaded, out_of_scope, rejected, duplicates FROM etl_runs "
                      "WHERE file = ?", [f"raw/{FILE}"]).fetchone()
    assert run == ("ucdp_candidate", 1292, 1292, 0, 0, 0)


def test_no_2025_candidate_event_has_a_place_and_the_country_is_the_publishers(con):
    """Nothing made up: no district, province, place or point; a 'Pakistan: Government' event
    that UCDP puts in Afghanistan stays in Afghanistan (8 in the file)."""
    n, placed = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE district_id IS NOT NULL OR admin1 IS NOT NULL OR "
        "admin2 IS NOT NULL OR location IS NOT NULL OR latitude IS NOT NULL OR longitude IS NOT NULL "
        "OR geo_precision <> 'country') FROM events "
        "WHERE dataset = 'ucdp_candidate' AND year(event_date) = 2025").fetchone()
    assert (n, placed) == (1292, 0)
    in_afghanistan = sum(1 for r in read(DATA / "raw" / FILE)
                         if r["conflict_name"] == "Pakistan: Government" and r["country"] == "Afghanistan")
    assert in_afghanistan == 8
    assert con.execute("SELECT count(*) FROM events WHERE source_file = ? AND country = 'AFG' AND "
                       "description LIKE 'Pakistan: Government (%'", [f"raw/{FILE}"]).fetchone()[0] == 8


def test_the_adapter_maps_each_row_and_flags_a_conflict_the_table_lacks():
    """(The row without a date, line 8, leaves the adapter with no date; the contract rejects it
    in the build: see the next tests.)"""
    out = FORMATS["ucdp_candidate_7col"].load(FIXTURES / SMALL, SMALL)
    assert (out.rows_read, len(out.events), len(out.rejects), len(out.out_of_scope)) == (7, 6, 0, 1)
    assert out.events.set_index("source_line")["event_date"].isna().to_dict()[8]
    assert out.out_of_scope.iloc[0][["source_line", "value"]].tolist() == [7, "India"]
    ev = out.events.set_index("event_id")
    afg = ev.loc["ucdp_candidate:561722"]
    assert (afg["dataset"], afg["country"], afg["actor"], afg["category"], afg["geo_precision"],
            afg["fatalities"]) == ("ucdp_candidate", "AFG", "TTP", "armed_clash", "country", 2)
    assert afg["description"] == "Pakistan: Government (UCDP Candidate 2025, 7-column reduction: no place given)"
    assert afg["source_name"] == FORMATS["ucdp_candidate_7col"].publisher
    assert all(c not in ev or ev[c].isna().all() for c in ("admin1", "admin2", "latitude", "longitude",
                                                          "fatalities_low", "fatalities_high"))
    assert ev.loc["ucdp_candidate:558821", ["actor", "category"]].tolist() == [
        "Government of Afghanistan", "state_violence"]
    assert ev.loc["ucdp_candidate:566067", ["actor", "category"]].tolist() == ["TTP", "attack"]
    unknown = ev.loc["ucdp_candidate:999001"]
    assert pd.isna(unknown["actor"]) and unknown["actor_group"] == "Unknown"
    flag = out.flags.set_index("source_line").loc[6]
    assert flag["column"] == "conflict_name" and flag["value"] == "Pakistan: Sindh"
    assert "not in data/reference/ucdp_conflicts.csv" in flag["reason"]
    assert "add a line 'Pakistan: Sindh',<actor" in flag["reason"]


def test_the_format_is_detected_by_its_header():
    assert detect(FIXTURES / SMALL, SMALL) == "ucdp_candidate_7col"
    assert FORMATS["ucdp_candidate_7col"].dataset == "ucdp_candidate"


def _duplicates(warehouse) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT event_id, source_file, source_line, source_file_kept, source_line_kept, "
                           "reason FROM duplicates ORDER BY ALL").fetchall()
    finally:
        con.close()


def _ids(warehouse, like: str) -> set[str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {r[0] for r in con.execute("SELECT event_id FROM events WHERE event_id LIKE ?", [like]).fetchall()}
    finally:
        con.close()


@pytest.mark.slow
def test_a_ged_event_replaces_the_candidate_event_of_its_id(tmp_path):
    """UCDP's id 561377 is in both fixtures. The Candidate file comes first in the build (file
    order alone would keep its row), yet the GED event `ucdp:561377` loads and the Candidate row
    counts as a duplicate id whose reason names it; every row is accounted for."""
    data = fixture_data_dir(tmp_path, {SMALL: "ucdp_candidate_7col", GED: "ucdp"})
    result = build_warehouse(data, tmp_path / "w.duckdb", today=TODAY)
    counts = {c.file: (c.rows_read, c.loaded, c.out_of_scope, c.rejected, c.duplicates) for c in result.files}
    assert counts == {f"raw/{SMALL}": (7, 4, 1, 1, 1), f"raw/{GED}": (2, 2, 0, 0, 0)}
    [(event_id, file, line, kept_file, kept_line, reason)] = _duplicates(tmp_path / "w.duckdb")
    assert (event_id, file, line, kept_file, kept_line) == ("ucdp_candidate:561377", f"raw/{SMALL}", 2,
                                                            f"raw/{GED}", 2)
    assert reason.startswith("replaced by ucdp:561377")
    assert "ucdp:561377" in _ids(tmp_path / "w.duckdb", "ucdp:%")
    assert "ucdp_candidate:561377" not in _ids(tmp_path / "w.duckdb", "ucdp_candidate:%")


@pytest.mark.slow
def test_an_imported_ged_file_displaces_the_bundled_candidate_event_as_a_full_build_does(tmp_path):
    """The import is added to the last build's warehouse (etl/append.py): it meets the bundled
    Candidate event of its id (`ucdp_candidate:561377`, loaded until then), which becomes a
    duplicate id; the tables are those of a full build of the same files."""
    data = fixture_data_dir(tmp_path, {SMALL: "ucdp_candidate_7col"})
    warehouse = data / "warehouse.duckdb"
    build_warehouse(data, warehouse, today=TODAY)
    assert "ucdp_candidate:561377" in _ids(warehouse, "ucdp_candidate:%")
    steps = []
    summary = import_file(FIXTURES / GED, data, warehouse, original=GED, today=TODAY, progress=steps.append)
    assert any(s.startswith("adding imports/") for s in steps), steps
    [(event_id, file, _, kept_file, _, reason)] = _duplicates(warehouse)
    assert (event_id, file, kept_file) == ("ucdp_candidate:561377", f"raw/{SMALL}", summary.stored)
    assert reason.startswith("replaced by ucdp:561377")
    assert "ucdp_candidate:561377" not in _ids(warehouse, "ucdp_candidate:%")
    full = data / "full.duckdb"
    build_warehouse(data, full, today=TODAY)
    assert tables_equal(warehouse, full) == []
