"""The Data page under AppTest: upload a file, see the summary and the rejects, and the Overview
count the new events; a bad file gives its message and changes nothing."""
import os

import pytest

import dashboard.data
import dashboard.uploads
from etl.build import build_warehouse
from tests.helpers import DATA, FIXTURES, HEADLINE, TODAY, app_test, metric_number, metrics


@pytest.fixture()
def data_app(data_dir, monkeypatch):
    """app.py under AppTest (not yet run) on a data folder of its own (`data_dir`, which uploads
    change)."""
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", data_dir / "warehouse.duckdb")
    monkeypatch.setattr(dashboard.data, "DATA_DIR", data_dir)
    at = app_test(timeout=90)
    at.query_params["years"] = "2014-2026"  # the imported GTD events are of 2015
    return at


@pytest.mark.slow
def test_uploading_a_gtd_export_imports_it_and_the_overview_counts_it(data_app):
    at = data_app.run()
    before = metric_number(at, HEADLINE)
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert any("Nothing imported yet" in c.value for c in at.caption)
    content = (FIXTURES / "imports" / "gtd_latin1.csv").read_bytes()
    at.file_uploader(key="upload").set_value(("gtd_latin1.csv", content, "text/csv")).run()
    at.button(key="import_button").click().run()
    assert not at.exception
    assert "gtd_latin1.csv: imported as imports/gtd-" in at.success[0].value
    shown = metrics(at)
    assert (shown["Rows read"], shown["Loaded"], shown["Out of scope"], shown["Rejected"]) == (
        "6", "4", "1", "1")
    assert any(c.value == "Out of scope (countries the dashboard does not cover, not errors): India 1."
               for c in at.caption)
    rejects, imported = at.dataframe[0].value, at.dataframe[1].value
    assert rejects["reason"].tolist() == [
        "iyear/imonth/iday 2015/4/31 is not a date (month 0-12, day 0-31; 0 = unknown)"]
    assert imported["imported_as"].tolist() == ["gtd_latin1.csv"]
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    assert metric_number(at, HEADLINE) == before + 4  # four GTD attacks
    at.switch_page("app_pages/data.py").run()
    at.selectbox(key="remove_choice").set_value("gtd_latin1.csv").run()
    at.button(key="remove_button").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Removed imports/gtd-")
    at.switch_page("app_pages/overview.py").run()
    assert metric_number(at, HEADLINE) == before


@pytest.mark.slow
def test_a_bad_upload_shows_its_message_and_changes_nothing(data_app):
    at = data_app.run()
    at.switch_page("app_pages/data.py").run()
    version = dashboard.data.version()
    at.file_uploader(key="upload").set_value(("notes.csv", b"name,when\nx,2020\n", "text/csv")).run()
    at.button(key="import_button").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("notes.csv: the header matches no format the dashboard reads")
    assert "unchanged" in at.error[0].value
    assert dashboard.data.version() == version


def test_template_downloads_are_the_schema_and_real_curated_rows():
    header = dashboard.uploads.template_csv().decode().strip().split(",")
    assert header[:3] == ["event_id", "dataset", "event_date"] and "source_line" not in header
    example = dashboard.uploads.example_csv().decode()
    assert example.splitlines()[0].split(",") == header
    first_real = (DATA / "raw" / "isis_network_events.csv").read_text(encoding="utf-8").splitlines()[1]
    assert first_real.split(",")[0] in example.splitlines()[1]
    assert "https://www.dawn.com/news/1129775" in example  # the real cited source of that row


@pytest.mark.slow
def test_a_failed_build_after_a_change_serves_the_last_warehouse_with_a_warning(data_app, data_dir):
    """An imported file the build cannot read (here: its registry line names a file that is not
    there) makes `python -m etl build` fail; the dashboard keeps serving the last good
    warehouse and every page says so."""
    at = data_app.run()
    assert not at.exception and not at.warning
    imports = data_dir / "imports"
    imports.mkdir()
    (imports / "imports.csv").write_text("file,format,dataset,short_name,title,author_publisher,"
                                         "origin,licence\nacled-0123.csv,acled,acled,x.csv,x,x,x,x\n")
    with pytest.raises(Exception, match="acled-0123.csv"):
        build_warehouse(data_dir, data_dir / "warehouse.duckdb", today=TODAY)
    dashboard.data.stale_warning.clear()
    at = data_app.run()
    assert not at.exception
    assert at.warning[0].value.startswith("1 data file(s) changed since this warehouse was built "
                                          "(imports/imports.csv) and no build has finished since")
    assert int(at.metric[0].value.replace(",", "")) > 0  # the previous data, still served


@pytest.mark.slow
def test_the_latest_change_of_a_dataset_is_shown_with_its_events(data_dir, tmp_path, monkeypatch):
    """Version 1 then version 2 of a UCDP export (tests/etl/test_revisions.py): the page says
    what changed and lists the changed events and fields."""
    from etl.imports import import_file
    from tests.etl.test_revisions import V1, version_2

    data = data_dir
    warehouse = data / "warehouse.duckdb"
    import_file(V1, data, warehouse, "ucdp", original="ged.csv", today=TODAY)
    version_2(tmp_path / "v2.csv")
    import_file(tmp_path / "v2.csv", data, warehouse, "ucdp", original="ged.csv", today=TODAY)
    monkeypatch.setattr(dashboard.data, "WAREHOUSE", warehouse)
    monkeypatch.setattr(dashboard.data, "DATA_DIR", data)
    at = app_test(timeout=90).run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    shown = [t.value for t in at.text]
    assert len(shown) == 1 and shown[0].startswith("ucdp since ")
    assert "1 added, 1 removed, 2 revised: description" in shown[0]
    changed = next(d.value for d in at.dataframe if "change" in d.value.columns)
    assert sorted(set(changed["event_id"])) == ["ucdp:101", "ucdp:102", "ucdp:103", "ucdp:106"]
    assert changed.loc[changed["field"] == "fatalities", ["old_value", "new_value"]].values.tolist() \
        == [["5", "9"]]


def test_a_changed_yardstick_file_is_named_by_the_stale_warning(data_dir, monkeypatch):
    """The published totals are a build input (the Makefile rebuilds on them): a yardsticks file
    newer than the warehouse is named like any other input."""
    monkeypatch.setattr(dashboard.data, "DATA_DIR", data_dir)
    built_at = (data_dir / "warehouse.duckdb").stat().st_mtime_ns
    dashboard.data.stale_warning.clear()
    assert dashboard.data.stale_warning(built_at) is None
    (data_dir / "yardsticks").mkdir(exist_ok=True)
    changed = data_dir / "yardsticks" / "published_totals_pak_afg.csv"
    changed.write_text("publisher,year\n")
    os.utime(changed, ns=(built_at + 10**9, built_at + 10**9))
    dashboard.data.stale_warning.clear()
    assert "(yardsticks/published_totals_pak_afg.csv)" in dashboard.data.stale_warning(built_at)
