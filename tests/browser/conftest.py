"""A real Streamlit server on a free loopback port, and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from typing import NamedTuple

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(config, items):
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI=true but Debian's chromium is not installed: .ci/run installs it "
                                "with `apt-get install -y chromium`.")
    skip = pytest.mark.skip(reason="no /usr/bin/chromium: `apt-get install -y chromium` to run browser tests")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server(NamedTuple):
    url: str
    process: subprocess.Popen
    log: Path


@contextmanager
def streamlit_server(env: dict, log: Path):
    """A Streamlit server running app.py with `env` on a free loopback port; yields it once it
    answers. Its output goes to the file `log` (a pipe nobody reads would block a chatty server)."""
    port = _free_port()
    output = open(log, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            output.close()
            raise RuntimeError(f"streamlit did not start ({log}):\n{Path(log).read_text()[-4000:]}")
        time.sleep(0.2)
    try:
        yield Server(url, proc, Path(log))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        output.close()


@pytest.fixture(scope="session")
def server(built, tmp_path_factory):
    """URL of a Streamlit server running app.py on the session's warehouse."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server({"DASHBOARD_WAREHOUSE": str(built.warehouse)}, log) as started:
        yield started.url
