"""A real Streamlit server on loopback and Debian's Chromium, for the benchmark scripts."""
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


@contextlib.contextmanager
def streamlit(warehouse: Path, options: tuple[str, ...] | list[str] = ()):
    """Yield (url, process) of `streamlit run app.py` serving `warehouse`, once it answers;
    `options` are extra `section.name=value` settings."""
    port = free_port()
    env = {**os.environ, "DASHBOARD_WAREHOUSE": str(warehouse)}
    extra = [arg for option in options for arg in (f"--{option.split('=', 1)[0]}", option.split("=", 1)[1])]
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false", *extra],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("streamlit exited at start") from None
                time.sleep(0.05)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Socket:
    """What the server sends a page over its websocket: bytes, and the script runs it reports
    finished (Streamlit's script_finished messages)."""

    def __init__(self, page):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.bytes, self.finished, self._parse = 0, 0, ForwardMsg.FromString
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _frame(self, payload) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.bytes += len(data)
        try:
            if self._parse(data).WhichOneof("type") == "script_finished":
                self.finished += 1
        except Exception:  # noqa: BLE001 - not a ForwardMsg: counted as bytes only
            pass


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
