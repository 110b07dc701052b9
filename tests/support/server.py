"""A real Streamlit server on loopback: `streamlit run app.py` on a warehouse, started and stopped
around a `with` block."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

from deploy.cluster import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]


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
        wait_healthy(url, proc, log and Path(log), time.monotonic() + 60)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            output.close()
