"""A real Streamlit server on a free loopback port (tests/support/, shared with the benchmarks and
`make screenshots`), Debian's Chromium driven by Playwright, and the one way browser tests wait for
the app: Streamlit's own script-run messages and state, never a sleep."""
from __future__ import annotations

import os

import pytest

from tests.helpers import SERVER_OPTIONS
from tests.support.app import StreamlitApp
from tests.support.chromium import CHROMIUM_ARGS, chromium
from tests.support.server import streamlit

CHROMIUM = chromium()


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI=true but Debian's chromium is not installed: `.ci/chromium` (run by "
                                "`make test` and .ci/run) installs it.")
    skip = pytest.mark.skip(reason="no /usr/bin/chromium: `make test` installs it (or `sudo apt-get install -y "
                                   "chromium fonts-dejavu-core`)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture()
def app(page, server) -> StreamlitApp:
    """The browser's page on the session's server (`server`), driven through tests.support.app.StreamlitApp."""
    return StreamlitApp(page, server)


@pytest.fixture(scope="session")
def server(built, tmp_path_factory):
    """URL of a Streamlit server running app.py on the session's warehouse."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit(built.warehouse, SERVER_OPTIONS, log=log) as (url, _):
        yield url
