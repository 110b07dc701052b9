"""A real Streamlit server on loopback, Debian's Chromium, and waiting for the app's script runs,
for the benchmark scripts, the browser tests (tests/browser/conftest.py) and `make screenshots`
(docs/screenshots.py)."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# counts the script runs the page has seen finish (add it with page.add_init_script)
COUNT_RUNS = """window.__runs = 0;
new MutationObserver(records => { for (const r of records)
  if (r.target.getAttribute('data-test-script-state') === 'notRunning' && r.oldValue === 'running')
    window.__runs += 1; }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
  attributeFilter: ['data-test-script-state']});"""
# the script has run, nothing is greyed out as stale, and a frame has been painted since
DONE = """() => new Promise(resolve => {
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stSkeleton"]');
  if (!idle) return resolve(false);
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)));
})"""


def chromium() -> str:
    return shutil.which("chromium") or "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# every figure of the page drawn, and every tile map done loading and painting
MAPS_DRAWN = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(chart => {
  const gd = chart.querySelector('.js-plotly-plot');
  const map = gd && gd._fullLayout && gd._fullLayout.map;
  return !!(gd && gd._fullLayout) && (!map || (map._subplot.map.loaded() && !map._subplot.map.isMoving()));
})"""


@contextlib.contextmanager
def streamlit(warehouse: Path, options: tuple[str, ...] | list[str] = (), env: dict | None = None,
              log: Path | None = None, root: Path = ROOT, port: int | None = None):
    """Yield (url, process) of `streamlit run app.py` serving `warehouse`, once it answers;
    `options` are extra `section.name=value` settings, `env` extra environment variables, `root`
    the project folder to run (a read-only view of it, say), `port` a port chosen beforehand (one
    that a sign-in provider's redirect names, say; default a free one). The
    server's output goes to the file `log` (default: nowhere), never to a pipe nobody reads,
    which a chatty server would fill and block on."""
    port = port or free_port()
    env = {**os.environ, **(env or {}), "DASHBOARD_WAREHOUSE": str(warehouse)}
    extra = [arg for option in options for arg in (f"--{option.split('=', 1)[0]}", option.split("=", 1)[1])]
    output = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(root / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra],
                            cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    said = f":\n{Path(log).read_text()[-4000:]}" if log else ""
                    raise RuntimeError(f"streamlit did not start{said}") from None
                time.sleep(0.05)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
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

    @contextlib.contextmanager
    def rerun(self):
        """`with app.rerun(): <click, type...>` returns once the script run the block caused has
        finished and is drawn."""
        assert self._socket is not None, "open() the app first"
        before = self._finished
        yield
        self._wait_for_run(before)


class Socket:
    """What the server sends a page over its websocket: bytes, and the script runs it reports
    finished (Streamlit's script_finished messages)."""

    def __init__(self, page):
        self.bytes, self.finished = 0, 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.bytes += len(data)
        self.finished += _script_finished(data)


def runs(page, socket: Socket | None = None) -> tuple[int, int]:
    """Script runs finished so far: as the page saw them (COUNT_RUNS) and as the server announced
    them (the page's attribute can skip a very short run when React draws both changes at once)."""
    return page.evaluate("window.__runs") or 0, socket.finished if socket else 0


def wait_until_done(page, after: tuple[int, int] = (-1, -1), timeout: float = 120,
                    socket: Socket | None = None) -> None:
    """Block until a script run has finished since `after` (a runs() reading) and the page's
    elements are drawn."""
    deadline = time.monotonic() + timeout
    while True:
        seen, announced = runs(page, socket)
        if (seen > after[0] or (socket and announced > after[1])) and page.evaluate(DONE):
            return
        if time.monotonic() > deadline:
            raise TimeoutError("the page did not finish its rerun")
        time.sleep(0.01)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
