"""Sign-in through a real OpenID Connect provider on loopback (npm's oidc-provider, configured by
tests/access/provider.js with a viewer, an analyst and an admin): every page asks for sign-in first;
the viewer sees no import and exports a CSV, which the audit trail records under the viewer's
name; the analyst imports a file, recorded under the analyst's name; the admin reads both rows on
the Data page."""
from __future__ import annotations

import json
import shutil

import pytest
from playwright.sync_api import Page, expect

from etl.build import build_warehouse
from tests.access import oidc
from tests.helpers import SERVER_OPTIONS
from tests.helpers import DATA, FIXTURES, TODAY, fixture_data_dir
from tests.support.app import StreamlitApp
from deploy.cluster import free_port
from tests.support.server import streamlit

pytestmark = pytest.mark.browser
IMPORT = FIXTURES / "imports" / "gtd_latin1.csv"


@pytest.fixture(scope="module")
def signin(tmp_path_factory):
    """(url, data folder, audit file) of a dashboard whose [auth] names the provider."""
    tmp = tmp_path_factory.mktemp("signin")
    data = fixture_data_dir(tmp, {"indicator_events.csv": "curated"})
    shutil.copy(DATA / "raw" / "isis_network_events.csv", data / "raw")  # the Data page's example
    build_warehouse(data, data / "warehouse.duckdb", today=TODAY)
    issuer_port, app_port = free_port(), free_port()
    redirect = f"http://127.0.0.1:{app_port}/oauth2callback"
    trail = tmp / "audit.jsonl"
    with oidc.provider(issuer_port, redirect, tmp / "provider.log") as issuer:
        home = oidc.secrets_home(tmp / "home", redirect, issuer)
        with streamlit(data / "warehouse.duckdb", SERVER_OPTIONS, port=app_port, log=tmp / "streamlit.log",
                       env={"HOME": str(home), "DASHBOARD_DATA_DIR": str(data),
                            "DASHBOARD_AUDIT": str(trail)}) as (url, _):
            yield url, data, trail


def sign_in(page: Page, url: str, account: str) -> StreamlitApp:
    app = StreamlitApp(page, url)
    page.set_viewport_size({"width": 1400, "height": 1200})
    oidc.sign_in(app, account)
    return app


def _trail(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_a_viewer_sees_every_page_but_no_import_and_an_export_is_recorded(page: Page, signin):
    url, data, trail = signin
    app = sign_in(page, url, "viewer")
    app.open("data")
    expect(page.get_by_text("Signed in as viewer@example.org (viewer)")).to_be_visible()
    expect(page.get_by_text("You are signed in as viewer@example.org, a viewer: importing needs "
                            "the analyst role.")).to_be_visible()
    expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
    expect(page.get_by_text("Audit trail", exact=True)).to_have_count(0)  # admins only

    app.open("")
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    page.get_by_role("button", name="Briefing & data").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Events (CSV)").click()
    assert download.value.suggested_filename == "events.csv"
    download.value.path()  # the file arrived, so its row was written before it was sent
    rows = [r for r in _trail(trail) if r["action"] == "export"]
    assert [(r["who"], r["role"], r["what"]["export"], r["outcome"]) for r in rows] == [
        ("viewer@example.org", "viewer", "events csv", "ok")]
    assert rows[0]["what"]["filters"]


def test_an_analyst_imports_and_the_admin_reads_who_did_it(page: Page, signin, browser):
    url, data, trail = signin
    app = sign_in(page, url, "analyst")
    app.open("data")
    expect(page.get_by_text("Signed in as analyst@example.org (analyst)")).to_be_visible()
    with app.rerun():
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(IMPORT))
    with app.rerun():
        page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("gtd_latin1.csv: imported as imports/gtd-")).to_be_visible(timeout=60_000)
    (row,) = [r for r in _trail(trail) if r["action"] == "import"]
    assert (row["who"], row["role"], row["what"]["file"], row["outcome"]) == (
        "analyst@example.org", "analyst", "gtd_latin1.csv", "ok")
    assert row["what"]["rows_loaded"] == int(page.get_by_test_id("stMetric").filter(
        has_text="Loaded").get_by_test_id("stMetricValue").inner_text())
    expect(page.get_by_text("Audit trail", exact=True)).to_have_count(0)

    admin = sign_in(browser.new_page(), url, "admin")  # a browser of its own: another person
    admin.open("data")
    expect(admin.page.get_by_text("Signed in as admin@example.org (admin)")).to_be_visible()
    expect(admin.page.get_by_text("Audit trail", exact=True)).to_be_visible()
    table = admin.page.get_by_test_id("stDataFrame").last
    expect(table).to_contain_text("analyst@example.org")
    expect(table).to_contain_text("import")
