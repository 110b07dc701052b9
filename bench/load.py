"""Load test: a real Streamlit server on loopback and N concurrent browser sessions (Playwright
pages in Debian's Chromium) changing the year filter for a bounded time, with a rebuild of the
warehouse half-way. Reports p50/p95 from the filter change to the updated KPI, and the errors
(exception boxes, timeouts, wrong numbers). Each session measures for --seconds after its first
page load. The browser doing the load runs on the same machine as the server.

Usage: .venv/bin/python bench/load.py [--sessions 20] [--seconds 60] [--no-rebuild]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from indicators.filters import Filters  # noqa: E402
from indicators.overview import kpis  # noqa: E402

ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(warehouse: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "DASHBOARD_WAREHOUSE": str(warehouse)}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


async def session(browser, url, expected, seconds, times, errors, loads):
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    kpi = page.get_by_test_id("stMetric").filter(has_text="Events").get_by_test_id("stMetricValue")
    try:
        start = time.monotonic()
        await page.goto(url, timeout=300_000)
        await expect(kpi).to_have_text(expected[1995], timeout=300_000)
        loads.append(time.monotonic() - start)
        deadline = time.monotonic() + seconds
        thumb = page.get_by_test_id("stSidebar").get_by_role("slider").first
        year = 1995
        while time.monotonic() < deadline:
            await thumb.focus()
            key, year = ("ArrowRight", year + 1) if year == 1995 else ("ArrowLeft", year - 1)
            start = time.monotonic()
            await thumb.press(key)
            try:
                await expect(kpi).to_have_text(expected[year], timeout=20_000)
                times.append(time.monotonic() - start)
            except AssertionError:
                errors.append(f"KPI did not become {expected[year]} within 20 s")
            if await page.get_by_test_id("stException").count():
                errors.append("exception box shown")
    except Exception as err:  # noqa: BLE001 - counted and reported
        errors.append(f"{type(err).__name__}: {str(err)[:120]}")
    finally:
        await context.close()


async def run(args, url, expected, warehouse):
    from playwright.async_api import async_playwright

    times, errors, loads = [], [], []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                          args=ARGS)
        tasks = [asyncio.create_task(session(browser, url, expected, args.seconds, times, errors, loads))
                 for _ in range(args.sessions)]
        rebuilt = None
        if not args.no_rebuild:
            while len(loads) + len(errors) < args.sessions:
                await asyncio.sleep(0.5)
            await asyncio.sleep(args.seconds / 2)
            start = time.monotonic()
            proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "etl", "build", "--out",
                                                        str(warehouse), cwd=ROOT,
                                                        stdout=asyncio.subprocess.DEVNULL,
                                                        stderr=asyncio.subprocess.DEVNULL)
            rebuilt = (await proc.wait(), time.monotonic() - start)
        await asyncio.gather(*tasks)
        await browser.close()
    return times, errors, rebuilt, loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--no-rebuild", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "warehouse.duckdb"
        subprocess.run([sys.executable, "-m", "etl", "build", "--out", str(warehouse)], cwd=ROOT,
                       check=True, capture_output=True)
        con = duckdb.connect(str(warehouse), read_only=True)
        expected = {y: f"{kpis(con, Filters(y, 2019)).set_index('period').loc['current', 'events']:,}"
                    for y in (1995, 1996)}
        con.close()
        port = free_port()
        server = start_server(warehouse, port)
        try:
            times, errors, rebuilt, loads = asyncio.run(run(args, f"http://127.0.0.1:{port}/", expected, warehouse))
        finally:
            server.terminate()
    times.sort()
    p = (lambda q: times[min(len(times) - 1, int(q * len(times)))]) if times else (lambda q: float("nan"))
    print(f"sessions: {args.sessions}, duration: {args.seconds:.0f} s, filter changes measured: {len(times)}")
    loads.sort()
    if loads:
        print(f"first page load (all sessions at once): p50 {statistics.median(loads):.1f} s, "
              f"max {loads[-1]:.1f} s")
    print(f"filter change -> KPI updated: p50 {p(0.5):.2f} s, p95 {p(0.95):.2f} s, max {p(1.0):.2f} s")
    if rebuilt:
        print(f"rebuild during the run: exit {rebuilt[0]}, {rebuilt[1]:.1f} s")
    print(f"errors: {len(errors)}")
    for message in sorted(set(errors))[:10]:
        print(f"  {errors.count(message)} x {message}")


if __name__ == "__main__":
    main()
