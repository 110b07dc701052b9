"""The Data page in a real browser: upload a GTD export, see the summary; then the Overview counts
the new events. Runs its own server on a copy of data/ so that the upload never touches data/."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.app import StreamlitApp
from tests.support.server import streamlit
from tests.helpers import FIXTURES, ROOT, SERVER_OPTIONS

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def import_server(built_dir, tmp_path_factory):
    data = shutil.copytree(built_dir, tmp_path_factory.mktemp("import_flow") / "data")
    # files read in parts of 1,000 rows (ETL_PART_ROWS), so that a small upload shows its progress
    with streamlit(data / "warehouse.duckdb", SERVER_OPTIONS,
                   env={"DASHBOARD_DATA_DIR": str(data), "ETL_PART_ROWS": "1000"},
                   log=data.parent / "streamlit.log") as (url, _):
        yield url, data


def metric(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_upload_a_gtd_export_and_see_it_counted(page: Page, import_server):
    url, data = import_server
    app = StreamlitApp(page, url)
    page.set_viewport_size({"width": 1400, "height": 1400})
    app.open("?years=2014-2026")  # the imported GTD events are of 2015
    before = int(metric(page, "Militant violence").inner_text().replace(",", ""))

    app.open("data?years=2014-2026")
    with app.rerun():  # an upload reruns the page
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            str(FIXTURES / "imports" / "gtd_latin1.csv"))
    with app.rerun():
        page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("gtd_latin1.csv: imported as imports/gtd-")).to_be_visible(timeout=60_000)
    expect(metric(page, "Loaded")).to_have_text("4")
    expect(metric(page, "Out of scope")).to_have_text("1")  # the Indian row: not an error
    expect(metric(page, "Rejected")).to_have_text("1")  # 31 April
    expect(page.get_by_test_id("stException")).to_have_count(0)  # never a traceback
    assert (data / "imports" / "imports.csv").exists()

    with app.rerun():
        page.get_by_test_id("stSidebarNav").get_by_text("Overview").click()
    expect(metric(page, "Militant violence")).to_have_text(f"{before + 4:,}", timeout=30_000)


def test_an_upload_shows_the_share_of_the_file_read_while_it_imports(page: Page, import_server,
                                                                    tmp_path):
    url, _ = import_server
    made = subprocess.run([sys.executable, "bench/generate.py", "--rows", "10000", "--out", str(tmp_path),
                           "--seed", "3", "--first-id", str(5 * 10 ** 8)],
                          cwd=ROOT, capture_output=True, text=True, check=True)
    csv = Path(made.stdout.splitlines()[-2])  # synthetic ACLED rows, 4 MB (the script prints CSV, Parquet)
    app = StreamlitApp(page, url)
    app.open("data")
    with app.rerun():
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(csv))
    page.get_by_role("button", name="Import").click()
    bar = page.get_by_test_id("stProgress")
    expect(bar).to_contain_text(re.compile(r"Importing acled_10000_\w+\.csv: imports/acled-\w+\.csv "
                                           r"\(\d+ MB\): [\d,]+ rows read \(\d+%\), [\d,]+ rows/s, "
                                           r"[\d.]+ MB/s"), timeout=60_000)
    expect(page.get_by_text(f"{csv.name}: imported as imports/acled-")).to_be_visible(timeout=60_000)
    expect(bar).to_have_count(0)  # gone with the import
    expect(page.get_by_test_id("stException")).to_have_count(0)
