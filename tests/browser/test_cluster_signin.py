"""Sign-in behind nginx (deploy/cluster.py with deploy/nginx/dashboard.conf, the real nginx in
front of 2 replicas): the pages carry the security headers and Streamlit's XSRF cookie; a browser
signs in through the test OpenID provider (tests/access/provider.js) across the replicas, and the
Overview and the Map render under the Content-Security-Policy with no violation reported."""
from __future__ import annotations

import urllib.request

import pytest
from playwright.sync_api import expect

from deploy.cluster import cluster, free_port
from tests.access import oidc
from tests.support.app import StreamlitApp
from tests.support.page_state import MAPS_DRAWN

pytestmark = pytest.mark.browser
# every violation the browser reports, kept on the page from its first script on
WATCH_CSP = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""


@pytest.fixture(scope="module")
def front(built, nginx, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cluster_signin")
    issuer_port, port = free_port(), free_port()
    redirect = f"http://127.0.0.1:{port}/oauth2callback"
    with oidc.provider(issuer_port, redirect, tmp / "provider.log") as issuer:
        home = oidc.secrets_home(tmp / "home", redirect, issuer)
        with cluster(2, port, env={"HOME": str(home), "DASHBOARD_WAREHOUSE": str(built.warehouse),
                                   "DASHBOARD_AUDIT": str(tmp / "audit.jsonl")},
                     nginx=nginx, work=tmp) as running:
            yield running


def test_the_pages_carry_the_security_headers_and_the_xsrf_cookie(front):
    with urllib.request.urlopen(front.url + "/", timeout=10) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert headers["X-Frame-Options"] == "SAMEORIGIN"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    cookies = headers.get_all("Set-Cookie")
    assert any(c.startswith("dashboard_route=") for c in cookies)  # the affinity cookie


def test_a_browser_signs_in_behind_nginx_and_the_pages_pass_the_csp(front, page):
    messages = []
    page.on("console", lambda m: messages.append(m.text))
    page.add_init_script(WATCH_CSP)
    page.set_viewport_size({"width": 1400, "height": 1200})
    app = StreamlitApp(page, front.url)
    oidc.sign_in(app, "analyst")
    xsrf = [c for c in page.context.cookies() if c["name"] == "_streamlit_xsrf"]
    assert xsrf, "Streamlit's XSRF cookie is missing: its protection is off"
    for path in ("", "map"):
        app.open(path)
        expect(page.get_by_text("Signed in as analyst@example.org (analyst)")).to_be_visible()
        expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()
        page.wait_for_function(MAPS_DRAWN, timeout=60_000)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        assert page.evaluate("window.__csp") == [], f"/{path}"
    assert [m for m in messages if "Content Security Policy" in m] == []
