"""Outcomes kept between builds (etl/filecache.py): a build from the cache gives the same tables as
a fresh one, an import reads only its own file, and a damaged entry is read again from the file."""
import duckdb
import pytest

from etl.build import build_warehouse
from etl.imports import import_file
from tests.helpers import FIXTURES, TODAY, tables_equal

pytestmark = pytest.mark.slow  # each test builds the bundled data again, afresh


def test_a_build_from_the_cache_gives_the_same_tables_as_a_fresh_one(data_dir, tmp_path):
    first = tmp_path / "out" / "first.duckdb"
    build_warehouse(data_dir, first, today=TODAY)
    steps = []
    second = tmp_path / "out" / "second.duckdb"
    build_warehouse(data_dir, second, today=TODAY, progress=steps.append)
    files = [s for s in steps if s.startswith(("raw/", "imports/"))]
    assert files and all(s.endswith("(unchanged: from the cache)") for s in files)
    assert tables_equal(first, second) == []
    fresh = tmp_path / "out" / "fresh.duckdb"
    steps.clear()
    build_warehouse(data_dir, fresh, today=TODAY, fresh=True, progress=steps.append)
    assert not any("from the cache" in s for s in steps)
    assert tables_equal(first, fresh) == []


def test_an_import_reads_only_its_own_file_and_a_damaged_entry_is_read_again(data_dir, tmp_path):
    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, warehouse, today=TODAY)
    steps = []
    import_file(FIXTURES / "imports" / "acled_south_asia.csv", data_dir, warehouse, today=TODAY,
                progress=steps.append)
    files = [s for s in steps if s.startswith(("raw/", "imports/"))]
    fresh = [s for s in files if not s.endswith("(unchanged: from the cache)")]
    assert len(fresh) == 1 and fresh[0].startswith("imports/acled-")
    cache = data_dir / ".etl-cache"
    entries = [p for p in cache.iterdir() if p.is_dir()]
    assert len(entries) == len(files)  # one entry per file, no leftovers (and the hashes)
    for entry in cache.iterdir():
        for part in entry.glob("events-*.parquet"):
            part.write_bytes(b"not parquet")
    steps.clear()
    rebuilt = data_dir / "rebuilt.duckdb"  # beside the first: the same cache
    build_warehouse(data_dir, rebuilt, today=TODAY, progress=steps.append)
    assert not any("from the cache" in s for s in steps)
    assert sum("from the cache" not in s for s in steps if s.startswith(("raw/", "imports/"))) == len(files)
    # (revisions: the rebuilt warehouse has no predecessor of its own to compare with)
    assert set(tables_equal(warehouse, rebuilt)) <= {"revisions"}


def test_an_outcome_holds_on_later_days_unless_one_of_its_dates_was_in_the_future(data_dir, tmp_path):
    import csv
    import datetime as dt

    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, warehouse, today=TODAY)
    tomorrow = TODAY + dt.timedelta(days=1)
    with open(FIXTURES / "imports" / "acled_south_asia.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    date = rows[0].index("event_date")
    rows = rows[:4]
    rows[3][date] = tomorrow.isoformat()  # in the future today, not tomorrow
    path = tmp_path / "acled_tomorrow.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    import_file(path, data_dir, warehouse, today=TODAY)
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM rejects WHERE reason = 'event_date is in the future'").fetchone()[0] == 1
    con.close()

    steps = []
    build_warehouse(data_dir, warehouse, today=tomorrow, progress=steps.append)
    files = [s for s in steps if s.startswith(("raw/", "imports/"))]
    assert all(s.endswith("(unchanged: from the cache)") for s in files if s.startswith("raw/"))
    assert [s for s in files if not s.endswith("(unchanged: from the cache)")] == \
        [s for s in files if s.startswith("imports/")]  # the file with tomorrow's event only
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM rejects WHERE reason = 'event_date is in the future'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM events WHERE event_date = ?", [tomorrow]).fetchone()[0] == 1
    con.close()

    # a day later still, nothing read again, and the next import adds to the warehouse
    steps.clear()
    import_file(FIXTURES / "imports" / "ucdp_ged.csv", data_dir, warehouse,
                today=tomorrow + dt.timedelta(days=1), progress=steps.append)
    read = [s for s in steps if s.startswith(("raw/", "imports/")) and not s.endswith("from the cache)")]
    assert len(read) == 1 and read[0].startswith("imports/ucdp-")
    assert any(s.startswith("adding imports/ucdp-") for s in steps)


def test_the_district_layer_is_kept_as_it_was_read_and_a_damaged_one_is_read_again(data_dir):
    from etl import boundaries, filecache

    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, warehouse, today=TODAY)
    cache = data_dir / ".etl-cache"
    kept = list(cache.glob("districts-*.parquet"))
    assert len(kept) == 1
    key = kept[0].name.removeprefix("districts-").removesuffix(".parquet")
    read = filecache.district_layer(cache, key)
    loaded = boundaries.load_district_layer(data_dir / "raw" / "boundaries")
    assert read.crs == loaded.crs and dict(read.dtypes) == dict(loaded.dtypes)
    assert read.drop(columns="geometry").equals(loaded.drop(columns="geometry"))
    assert list(read.geometry.to_wkb()) == list(loaded.geometry.to_wkb())  # every coordinate

    # an import places its file with the kept layer (not written again) as a fresh build does
    written = kept[0].stat().st_mtime_ns
    import_file(FIXTURES / "imports" / "acled_south_asia.csv", data_dir, warehouse, today=TODAY)
    assert kept[0].stat().st_mtime_ns == written
    full = data_dir / "full.duckdb"  # beside the first: the same cache
    build_warehouse(data_dir, full, today=TODAY, fresh=True)
    assert set(tables_equal(warehouse, full)) <= {"revisions"}

    kept[0].write_bytes(b"not parquet")
    assert filecache.district_layer(cache, key) is None
    steps = []
    imported = import_file(FIXTURES / "imports" / "ucdp_ged.csv", data_dir, warehouse, today=TODAY,
                           progress=steps.append)
    assert imported.status == "imported" and "boundaries" in steps
    assert filecache.district_layer(cache, key).equals(read)  # read from the files, kept again
    build_warehouse(data_dir, full, today=TODAY, fresh=True)
    assert set(tables_equal(warehouse, full)) <= {"revisions"}
