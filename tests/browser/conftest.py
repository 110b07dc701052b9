"""A real Streamlit server on a free loopback port, Debian's Chromium driven by Playwright, and the
one way browser tests wait for the app: Streamlit's own script-run state, never a sleep."""
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
from playwright.sync_api import Page

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


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


# Streamlit has run the script and drawn it: connected, not running, nothing greyed out as stale
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
}"""


def _script_finished(payload) -> bool:
    """A websocket frame that is Streamlit's script_finished message."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    if not isinstance(payload, bytes):
        return False
    try:
        return ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished"
    except Exception:  # noqa: BLE001 - not a ForwardMsg
        return False


class StreamlitApp:
    """A Playwright page on the dashboard that knows when Streamlit has finished running, the
    way Streamlit's e2e suite does: from the server's script_finished messages on the app's
    websocket and the app's script-run state, never from sleeps or network idleness. (The
    page's state attribute alone is not enough: it reads 'notRunning' before the first run.)"""

    def __init__(self, page: Page, base_url: str, timeout: float = 60_000):
        self.page, self.base_url, self.timeout = page, base_url, timeout
        self._socket = None
        self._finished = 0  # script runs the server has reported finished on the current socket
        page.on("websocket", self._watch)

    def _watch(self, socket) -> None:
        if socket.url.endswith("/_stcore/stream"):  # counted from its first frame on
            self._socket, self._finished = socket, 0
            socket.on("framereceived", lambda payload: self._count(socket, payload))

    def _count(self, socket, payload) -> None:
        if socket is self._socket and _script_finished(payload):
            self._finished += 1

    def _wait_for_run(self, before: int) -> None:
        """Until more than `before` runs have finished, then until the page has drawn them.
        Playwright hands events over only inside its calls, so nothing slips between the check
        and the wait."""
        if self._socket is None:
            self.page.wait_for_event("websocket", lambda ws: ws.url.endswith("/_stcore/stream"),
                                     timeout=self.timeout)
        if self._finished <= before:
            self._socket.wait_for_event("framereceived", _script_finished, timeout=self.timeout)
        self.page.wait_for_function(IDLE, timeout=self.timeout)

    def open(self, path: str = "") -> Page:
        """Go to base_url/path; return the page once its first script run is finished and drawn."""
        self._socket = None
        self.page.goto(f"{self.base_url}/{path.lstrip('/')}")
        self._wait_for_run(0)
        return self.page

    @contextmanager
    def rerun(self):
        """`with app.rerun(): <click, type...>` returns once the script run the block caused has
        finished and is drawn."""
        assert self._socket is not None, "open() the app first"
        before = self._finished
        yield
        self._wait_for_run(before)


@pytest.fixture()
def app(page, server) -> StreamlitApp:
    return StreamlitApp(page, server)


@pytest.fixture(scope="session")
def server(built, tmp_path_factory):
    """URL of a Streamlit server running app.py on the session's warehouse."""
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    with streamlit_server({"DASHBOARD_WAREHOUSE": str(built.warehouse)}, log) as started:
        yield started.url
