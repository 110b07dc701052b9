"""Debian's Chromium, and the flags every headless launch of it uses (tests, benchmarks,
screenshots)."""
from __future__ import annotations

import shutil

CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium() -> str:
    """The Chromium executable: the one on PATH, else Debian's path (which may not exist yet)."""
    return shutil.which("chromium") or "/usr/bin/chromium"
