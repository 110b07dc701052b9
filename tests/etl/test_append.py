"""An import added to the last build's warehouse (etl/append.py) gives the tables a full build of
the same files gives: with new rows that take the place of bundled ones (a newer copy of bundled
UCDP events), rows whose ids an earlier import holds, and probable duplicates of bundled events."""
import csv
import datetime as dt

import duckdb
import pytest

from etl.build import build_warehouse
from etl.imports import import_file
from tests.helpers import DATA, FIXTURES, TODAY, tables_equal

pytestmark = pytest.mark.slow  # each test compares with a full build of the bundled data


def _bundled_ucdp(ids: set[str]) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the bundled UCDP file with these ids (UCDP's `id`)."""
    with open(DATA / "raw" / "ucdp_ged_pak_1989_2021_hdx.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [r for r in rows[2:] if r[0] in ids]


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header] + rows)
    return path


def test_an_import_added_to_the_warehouse_gives_the_tables_of_a_full_build(data_dir, tmp_path):
    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, warehouse, today=TODAY)
    con = duckdb.connect(str(warehouse), read_only=True)
    linked = {r[0] for r in con.execute(  # bundled UCDP events linked to events of other datasets
        "SELECT event_id FROM duplicate_links WHERE event_id LIKE 'ucdp:%' UNION "
        "SELECT linked_event_id FROM duplicate_links WHERE linked_event_id LIKE 'ucdp:%' "
        "ORDER BY 1 LIMIT 4").fetchall()}
    other = {r[0] for r in con.execute("SELECT event_id FROM events WHERE dataset = 'ucdp' "
                                       "ORDER BY event_id LIMIT 6").fetchall()}
    con.close()
    assert len(linked) == 4
    header, rows = _bundled_ucdp({i.split(":", 1)[1] for i in linked | other})
    best = header.index("best")
    rows[0][best] = str(int(float(rows[0][best])) + 3)  # a revised figure
    newer = _write(tmp_path / "ucdp_newer.csv", header, rows)  # takes the bundled rows' place
    # ids the first import holds, one of them twice in the file
    again = _write(tmp_path / "ucdp_again.csv", header, rows[:2] + rows[:1])
    acled = FIXTURES / "imports" / "acled_south_asia.csv"
    for n, path in enumerate((newer, acled, again)):
        steps = []
        import_file(path, data_dir, warehouse, today=TODAY, progress=steps.append)
        assert any(s.startswith("adding imports/") for s in steps), steps
        full = data_dir / f"full-{n}.duckdb"  # beside it: the same cache, every file
        steps.clear()
        build_warehouse(data_dir, full, today=TODAY, progress=steps.append)
        assert "writing warehouse" in steps
        assert tables_equal(warehouse, full) == []
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        displaced = con.execute("SELECT count(*) FROM duplicates WHERE source_file LIKE 'raw/ucdp_ged%' "
                                "AND source_file_kept LIKE 'imports/ucdp-%'").fetchone()[0]
        held = con.execute("SELECT count(*) FROM duplicates WHERE source_file LIKE 'imports/ucdp-%' "
                           "AND source_file_kept LIKE 'imports/ucdp-%'").fetchone()[0]
        linked = con.execute("SELECT count(*) FROM duplicate_links l JOIN events e ON e.event_id IN "
                             "(l.event_id, l.linked_event_id) WHERE e.source_file LIKE 'imports/%'").fetchone()[0]
        revised = con.execute("SELECT count(*) FROM revisions WHERE change = 'revised' "
                              "AND field = 'fatalities'").fetchone()[0]
        # the added rows are stored in date order, as a full build stores all (what lets the
        # date-bounded queries skip row groups)
        added = [r[0] for r in con.execute("SELECT event_date FROM events WHERE source_file LIKE "
                                           "'imports/acled-%' ORDER BY rowid").fetchall()]
    finally:
        con.close()
    assert (displaced, held) == (len(rows), 3)
    assert linked > 0 and revised == 1
    assert len(added) > 1 and added == sorted(added)


def test_a_changed_bundled_file_or_a_removed_import_rebuilds_whole(data_dir):
    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, warehouse, today=TODAY)
    steps = []
    import_file(FIXTURES / "imports" / "acled_south_asia.csv", data_dir, warehouse, today=TODAY,
                progress=steps.append)
    assert any(s.startswith("adding imports/") for s in steps)
    from etl.imports import remove_file
    steps.clear()
    remove_file("acled_south_asia.csv", data_dir, warehouse, progress=steps.append)
    assert "writing warehouse" in steps and not any(s.startswith("adding") for s in steps)


def test_an_import_on_a_day_that_changes_an_earlier_outcome_rebuilds_whole(data_dir, tmp_path):
    # tomorrow's event is rejected in the warehouse of today; once the file's outcome has been
    # made again tomorrow (here by a build of another warehouse beside it, as a build that failed
    # after reading the files would), an import tomorrow must not add to today's warehouse
    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, warehouse, today=TODAY)
    tomorrow = TODAY + dt.timedelta(days=1)
    with open(FIXTURES / "imports" / "acled_south_asia.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[:4]
    rows[3][rows[0].index("event_date")] = tomorrow.isoformat()
    import_file(_write(tmp_path / "acled_tomorrow.csv", rows[0], rows[1:]), data_dir, warehouse,
                today=TODAY)
    build_warehouse(data_dir, data_dir / "other.duckdb", today=tomorrow)
    steps = []
    import_file(FIXTURES / "imports" / "ucdp_ged.csv", data_dir, warehouse, today=tomorrow,
                progress=steps.append)
    assert "writing warehouse" in steps and not any(s.startswith("adding") for s in steps)
    full = data_dir / "full.duckdb"
    build_warehouse(data_dir, full, today=tomorrow)
    assert tables_equal(warehouse, full) == []


def test_an_import_that_makes_a_bundled_event_secondary_gives_the_tables_of_a_full_build(data_dir, tmp_path):
    """The event cube's rows of the bundled file are counted again where an event of it changed:
    an ACLED attack on the day and at the point of a bundled UCDP clash with no duplicate makes
    the clash a secondary of the attack (the more specific category counts)."""
    warehouse = data_dir / "warehouse.duckdb"
    build_warehouse(data_dir, warehouse, today=TODAY)
    with open(FIXTURES / "imports" / "acled_south_asia.csv", encoding="utf-8", newline="") as handle:
        header, row = list(csv.reader(handle))[:2]
    row = dict(zip(header, row)) | {
        "event_id_cnty": "PAK9901", "event_date": "4 January 2015", "year": "2015",
        "event_type": "Violence against civilians", "sub_event_type": "Attack",
        "actor1": "TTP", "inter1": "Rebel group", "admin1": "Balochistan",
        "admin2": "Killa Saifullah", "location": "Killa Saifullah", "latitude": "30.953922",
        "longitude": "68.339962", "fatalities": "3", "notes": "An attack."}
    import_file(_write(tmp_path / "acled_attack.csv", header, [[row[h] for h in header]]),
                data_dir, warehouse, today=TODAY)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        flags = con.execute("SELECT event_id, is_secondary FROM events WHERE event_id IN "
                            "('ucdp:194560', 'acled:PAK9901') ORDER BY 1").fetchall()
    finally:
        con.close()
    assert flags == [("acled:PAK9901", False), ("ucdp:194560", True)]
    full = data_dir / "full.duckdb"
    build_warehouse(data_dir, full, today=TODAY)
    assert tables_equal(warehouse, full) == []
