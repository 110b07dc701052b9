"""Reconciliation with the publishers' own totals: files written in the real conventions of
../shared/FORMATS.md (GTD from R with `NA` and fractional counts, an ACLED South Asia export with
protests and strategic developments, UCDP rows whose low/best/high are out of order, an original
Kaggle release with a stray Windows byte) load every row of the region, and deaths per year equal
the file's own sums, computed here straight from the file with the csv module."""
import csv
import datetime as dt
import math
from collections import defaultdict

import duckdb
import pytest

from etl.imports import import_file
from tests.helpers import FIXTURES, TODAY

pytestmark = pytest.mark.slow  # each test imports into the bundled warehouse

IMPORTS = FIXTURES / "imports"
UNKNOWN = {"", "NA", "-99", "-9"}


def imported(data_dir, name):
    return import_file(IMPORTS / name, data_dir, data_dir / "warehouse.duckdb", original=name, today=TODAY)


def per_year(data_dir, stored):
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        return {y: (n, d) for y, n, d in con.execute(
            "SELECT year(event_date), count(*), sum(fatalities) FROM events WHERE source_file = ? "
            "GROUP BY 1", [stored]).fetchall()}
    finally:
        con.close()


def from_file(name, year, deaths, keep=lambda r: True, encoding="utf-8"):
    """{year: (rows, sum of deaths)} straight from the file; unknown deaths add nothing and an
    infinite value is unknown (the import flags it)."""
    out = defaultdict(lambda: [0, 0.0])
    with open(IMPORTS / name, encoding=encoding, newline="") as handle:
        for r in csv.DictReader(handle):
            if not keep(r):
                continue
            y = year(r)
            out[y][0] += 1
            value = r[deaths].strip()
            if value not in UNKNOWN and math.isfinite(float(value)):
                out[y][1] += float(value)
    return {y: (n, d) for y, (n, d) in out.items()}


def test_gtd_from_r_loads_every_row_and_its_deaths_are_the_files_nkill_sums(data_dir):
    s = imported(data_dir, "gtd_r_export.csv")
    c = s.counts
    assert (c.rows_read, c.loaded, c.rejected, c.out_of_scope) == (6, 6, 0, 0)
    ours = per_year(data_dir, s.stored)
    theirs = from_file("gtd_r_export.csv", lambda r: int(r["iyear"]), "nkill")
    assert ours.keys() == theirs.keys()
    for year in theirs:
        assert ours[year][0] == theirs[year][0]
        assert ours[year][1] == pytest.approx(theirs[year][1], abs=1e-9)  # 0.25 + 0.25 + 53.5
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    fractions = con.execute("SELECT event_id, fatalities, injured, qa_flags FROM events WHERE "
                            "source_file = ? ORDER BY event_id", [s.stored]).fetchall()
    assert fractions[0] == ("gtd:201601010001", 0.25, 1.5, None)  # GTD's own fractions: no flag
    assert fractions[2][1:3] == (None, None)  # NA: unknown, not 0
    assert fractions[5][1] is None and "'inf' is not a finite number" in fractions[5][3]


def test_acled_south_asia_loads_every_row_of_the_region_and_counts_the_rest_out_of_scope(data_dir):
    s = imported(data_dir, "acled_south_asia.csv")
    c = s.counts
    assert (c.rows_read, c.loaded, c.out_of_scope, c.rejected) == (10, 7, 3, 0)
    assert "Out of scope (countries the dashboard does not cover, not errors): India 2, Bangladesh 1." \
        in s.lines()
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    categories = dict(con.execute("SELECT event_id, category FROM events WHERE source_file = ?",
                                  [s.stored]).fetchall())
    con.close()
    assert categories == {
        "acled:PAK3001": "protest", "acled:PAK3002": "organisation",  # a militant group's change
        "acled:PAK3003": "strategic_development", "acled:PAK3004": "state_violence",
        "acled:PAK3005": "armed_clash", "acled:PAK3006": "attack", "acled:AFG3007": "organisation"}
    ours = per_year(data_dir, s.stored)
    theirs = from_file("acled_south_asia.csv", lambda r: int(r["year"]), "fatalities",
                       keep=lambda r: r["country"] in ("Pakistan", "Afghanistan"))
    assert ours == theirs


def test_ucdp_deaths_are_best_and_inconsistent_ranges_load_with_flags(data_dir):
    s = imported(data_dir, "ucdp_release_inconsistent.csv")
    assert (s.counts.rows_read, s.counts.loaded, s.counts.flagged) == (3, 3, 2)  # 201, and 202: low > best
    ours = per_year(data_dir, s.stored)
    theirs = from_file("ucdp_release_inconsistent.csv", lambda r: int(r["year"]), "best")
    assert ours == theirs  # 74 + 3 in 2016 (not high's 75), 90 in 2017
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    row = con.execute("SELECT fatalities, fatalities_low, fatalities_high, qa_flags FROM events "
                      "WHERE event_id = 'ucdp:201'").fetchone()
    con.close()
    assert row[:3] == (74, 72, 70)  # as published
    assert row[3] == ("fatalities_low > fatalities_high; the publisher's figures are kept as they "
                      "are; fatalities > fatalities_high; the publisher's figures are kept as they are")



def test_an_event_keeps_its_publishers_country_when_its_point_lies_across_the_border(data_dir):
    """tests/data/imports/ucdp_border.csv: 301 (UCDP's Imal Khel post, North Waziristan) and 305
    are Pakistani events whose points the district layer puts in Afghanistan (Barmal, Tani), 302
    one that names no district (in Khost(Matun)); 303 an Afghan event whose point lies in Khyber
    Agency; 304 a point in Peshawar. Each keeps its publisher's country (counted here straight from
    the file), gets the district its source names in that country or none, keeps its point, and
    carries a flag that names the disagreement."""
    s = imported(data_dir, "ucdp_border.csv")
    assert (s.counts.rows_read, s.counts.loaded, s.counts.flagged) == (5, 5, 4)
    iso = {"Pakistan": "PAK", "Afghanistan": "AFG"}
    with open(IMPORTS / "ucdp_border.csv", encoding="utf-8", newline="") as handle:
        published = {f"ucdp:{r['id']}": (iso[r["country"]], float(r["latitude"]), float(r["longitude"]))
                     for r in csv.DictReader(handle)}
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        rows = {r[0]: r[1:] for r in con.execute(
            "SELECT event_id, country, latitude, longitude, admin2, geo_precision, qa_flags "
            "FROM events WHERE source_file = ?", [s.stored]).fetchall()}
        flags = con.execute("SELECT event_id, \"column\", \"value\", flag FROM quality_flags "
                            "WHERE source_file = ? ORDER BY event_id", [s.stored]).fetchall()
        # must NOT happen: an event in a district of another country than its own
        crossed = con.execute("SELECT count(*) FROM events e JOIN districts d USING (district_id) "
                              "WHERE e.source_file = ? AND d.country <> e.country", [s.stored]).fetchone()[0]
    finally:
        con.close()
    assert {e: r[:3] for e, r in rows.items()} == published
    assert {e: r[3:5] for e, r in rows.items()} == {
        "ucdp:301": ("North Waziristan Agency", "point"), "ucdp:302": (None, "point"),
        "ucdp:303": ("Jalalabad", "point"), "ucdp:304": ("Peshawar", "point"),
        "ucdp:305": (None, "point")}
    assert crossed == 0
    kept = "by the district layer; the publisher's country"
    assert flags == [
        ("ucdp:301", "latitude", "32.85185, 69.47642",
         f"the point (32.85185, 69.47642) lies in Afghanistan (district Barmal) {kept} Pakistan is "
         "kept and the district taken from its name (North Waziristan Agency)"),
        ("ucdp:302", "latitude", "33.34, 69.92",
         f"the point (33.34, 69.92) lies in Afghanistan (district Khost(Matun)) {kept} Pakistan is "
         "kept and no district given (the source names none)"),
        ("ucdp:303", "latitude", "34.1, 71.1",
         f"the point (34.1, 71.1) lies in Pakistan (district Khyber Agency) {kept} Afghanistan is "
         "kept and the district taken from its name (Jalalabad)"),
        ("ucdp:305", "latitude", "33.2, 69.85",
         f"the point (33.2, 69.85) lies in Afghanistan (district Tani) {kept} Pakistan is kept and "
         "no district given ('Datta Khel' is not a district of Pakistan)"),
    ]
    assert rows["ucdp:301"][5] == flags[0][3] and rows["ucdp:304"][5] is None

def test_an_original_kaggle_release_with_a_stray_byte_and_abbreviated_months_loads_whole(data_dir):
    s = imported(data_dir, "suicide_release_stray_byte.csv")
    assert (s.counts.rows_read, s.counts.loaded, s.counts.rejected) == (2, 2, 0)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    rows = con.execute("SELECT event_date, location, qa_flags FROM events WHERE source_file = ? "
                       "ORDER BY event_date", [s.stored]).fetchall()
    con.close()
    assert [r[0] for r in rows] == [dt.date(2016, 1, 29), dt.date(2016, 2, 7)]
    assert rows[0][1].startswith("Razmak town\ufffds bazaar")
    assert rows[0][2] == "location: a byte that is not text in the file's encoding was replaced by U+FFFD"
    assert rows[1][1].startswith("Café Quetta") and rows[1][2] is None  # Windows-1252 read as such


def test_importing_an_acled_copy_of_a_bundled_attack_leaves_every_kpi_unchanged(data_dir, tmp_path):
    """The Sehwan shrine bombing of 2017-02-16 is in the curated file and the suicide-attack file;
    ACLED records no injuries. Its ACLED copy joins the cluster but never becomes the counted event,
    and the cluster keeps the deaths and injured of its best members."""
    from etl.build import build_warehouse
    from indicators import overview
    from indicators.filters import Filters

    build_warehouse(data_dir, data_dir / "warehouse.duckdb", today=TODAY)

    def kpis():
        con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
        try:
            return [overview.kpis(con, Filters(2017, 2017, **kw)).to_dict("records")
                    for kw in ({}, {"provinces": ("Sindh",)})]
        finally:
            con.close()

    before = kpis()
    path = tmp_path / "acled_sehwan.csv"
    header = ["event_id_cnty", "event_date", "year", "time_precision", "event_type", "sub_event_type",
              "actor1", "inter1", "country", "admin1", "admin2", "location", "latitude", "longitude",
              "geo_precision", "source", "notes", "fatalities"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerow(["PAK9999", "16 February 2017", "2017", "1", "Explosions/Remote violence",
                         "Suicide bomb", "Islamic State (Pakistan)", "Rebel group", "Pakistan", "Sindh",
                         "Jamshoro", "Sehwan", "26.4243", "67.8617", "1", "Dawn",
                         "Suicide bombing at the shrine of Lal Shahbaz Qalandar.", "88"])
    s = import_file(path, data_dir, data_dir / "warehouse.duckdb", original=path.name, today=TODAY)
    assert s.probable_duplicates == 1
    assert kpis() == before
