"""The test OpenID Connect provider (npm's oidc-provider, configured by provider.js beside this
file) on a loopback port, and Streamlit's [auth] secrets naming it, for the sign-in flows of
tests/browser/."""
from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CLIENT_SECRET = "a-test-secret-of-the-dashboard-client"  # provider.js's client


def _install() -> None:
    """`npm ci` here when oidc-provider is missing, one test process at a time (pytest-xdist's
    workers share this folder): the lock is held on package-lock.json, which every copy has."""
    with open(HERE / "package-lock.json", "rb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (HERE / "node_modules" / "oidc-provider").exists():
            return
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                raise pytest.UsageError("CI=true but npm is missing: apt-get install -y nodejs npm")
            pytest.skip("no npm to install the test OpenID provider (apt-get install -y nodejs npm)")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True, capture_output=True)


@contextlib.contextmanager
def provider(port: int, redirect: str, log: Path):
    """oidc-provider on 127.0.0.1:`port` accepting `redirect`; installed by `npm ci` when missing."""
    _install()
    with open(log, "w") as errors:
        proc = subprocess.Popen(["node", "provider.js", str(port), redirect], cwd=HERE,
                                stdout=subprocess.PIPE, stderr=errors, text=True)
        try:
            line = proc.stdout.readline()  # the provider says when it listens (or exits)
            if not line.startswith("provider ready"):
                raise RuntimeError(f"the OpenID provider did not start: {line}{log.read_text()}")
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def secrets_home(home: Path, redirect: str, issuer: str) -> Path:
    """A home folder whose ~/.streamlit/secrets.toml has the [auth] of the test provider (pass it
    as HOME to the server: Streamlit reads that file)."""
    (home / ".streamlit").mkdir(parents=True)
    (home / ".streamlit" / "secrets.toml").write_text(f"""[auth]
redirect_uri = "{redirect}"
cookie_secret = "a-long-random-string-for-the-test-cookies"
client_id = "dashboard"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{issuer}/.well-known/openid-configuration"
client_kwargs = {{ prompt = "login" }}
""")
    return home


def sign_in(app, account: str) -> None:
    """Open the dashboard (a StreamlitApp), which asks for sign-in and shows nothing else, and sign
    in as `account` on the provider's own login form."""
    from playwright.sync_api import expect

    page = app.page
    app.open("")
    expect(page.get_by_text("Sign in with your organisation's account")).to_be_visible()
    expect(page.get_by_test_id("stMetric")).to_have_count(0)  # must NOT happen: data before sign-in
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=login]").fill(account)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    # back on the dashboard through /oauth2callback, signed in
    expect(page.get_by_text(f"Signed in as {account}@example.org ({account})")).to_be_visible(timeout=30_000)
