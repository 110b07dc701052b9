"""An air-gapped deployment: no page asks anything of a host other than the dashboard's own
server (favicons included: a `:material/...:` page icon is fetched from fonts.gstatic.com; the
dashboard's is static/favicon.png)."""
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from dashboard.navigation import FAVICON, PAGES
from tests.support.page_state import MAPS_DRAWN

pytestmark = pytest.mark.browser
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _outside(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme not in ("data", "blob", "about") and parsed.hostname not in LOOPBACK


def test_no_request_leaves_loopback_on_any_page(app):
    requests = []
    app.page.context.on("request", lambda request: requests.append(request.url))
    for page in PAGES:
        app.open(page.url_path)
        expect(app.page.get_by_test_id("stException")).to_have_count(0)
        app.page.wait_for_function(MAPS_DRAWN, timeout=60_000)
        favicon = app.page.evaluate("document.querySelector(\"link[rel='shortcut icon']\").href")
        assert favicon.startswith(f"{app.base_url}/media/"), f"{page.title}: favicon {favicon}"
    assert requests and [url for url in requests if _outside(url)] == []
    icon = app.page.request.get(favicon)  # the project's own icon, served by the dashboard
    assert icon.ok and icon.body() == FAVICON.read_bytes()
