"""Measuring the dashboard in a real browser: a real Streamlit server and Debian's Chromium
(Playwright). Cold start (from `streamlit run` to the first chart), then per page a series of
year-slider changes, each to a year range not seen before, timed from the key press until the
script has finished, no element is stale and the next frame is painted, with the websocket bytes
each rerun sends; the server's peak RSS (VmHWM)."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb

from bench.measure_pages import PAGES
from bench.process import peak_rss_mb
from tests.support.chromium import CHROMIUM_ARGS, chromium
from tests.support.page_state import COUNT_RUNS
from tests.support.runs import Socket, runs, wait_until_done
from tests.support.server import streamlit


def measure_browser(warehouse: Path, changes: int) -> dict:
    """Cold start, and per page the filter change -> redrawn times and websocket bytes."""
    from playwright.sync_api import sync_playwright

    from indicators.overview import filter_options

    results: dict = {"pages": {}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.add_init_script(COUNT_RUNS)
        socket = Socket(page)
        start = time.perf_counter()
        with streamlit(warehouse, ["server.fileWatcherType=none"]) as (url, proc):
            page.goto(url, timeout=600_000)
            page.locator(".js-plotly-plot").first.wait_for(timeout=600_000)
            results["cold_start"] = time.perf_counter() - start
            wait_until_done(page)
            con = duckdb.connect(str(warehouse), read_only=True)
            lo, hi = filter_options(con)["years"]
            con.close()
            for k, name in enumerate(PAGES):
                # on all years (the default view is the last ten): room for every slider step
                page.goto(f"{url}/{'' if name == 'overview' else name}?years={lo}-{hi}",
                          timeout=600_000)
                wait_until_done(page)
                # every change a state not seen before (no cache of the server or the browser
                # answers it): a page opens a new session on all years; page k first moves the
                # upper year down k + 1 times, then walks the lower year up one year at a time
                sliders = page.get_by_test_id("stSidebar").get_by_role("slider")
                high, low = sliders.nth(1), sliders.first
                for _ in range(k + 1):
                    high.focus()
                    seen = runs(page, socket)
                    high.press("ArrowLeft")
                    wait_until_done(page, after=seen, socket=socket)
                times, sizes = [], []
                for i in range(changes):
                    low.focus()
                    before, seen = socket.bytes, runs(page, socket)
                    t = time.perf_counter()
                    low.press("ArrowRight")
                    wait_until_done(page, after=seen, socket=socket)
                    times.append(time.perf_counter() - t)
                    sizes.append(socket.bytes - before)
                    if page.get_by_test_id("stException").count():
                        raise RuntimeError(f"{name}: an exception box after a filter change")
                results["pages"][name] = {"times": times, "bytes": statistics.median(sizes)}
            results["rss_mb"] = peak_rss_mb(proc.pid)
        browser.close()
    return results
