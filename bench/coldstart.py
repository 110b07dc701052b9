"""Where a cold start's seconds go: `streamlit run app.py` on a warehouse, then a fresh Chromium
context opening the Overview, each step timed from the server's launch.

    .venv/bin/python bench/coldstart.py [--runs 5] [--warehouse data/warehouse.duckdb]
                                        [--root . --root ../other-checkout] [--server-only]

Per run: the server answering its health check; the page's websocket opened; its first frame; the
first script run's script_finished message (as the page's renderer reports it: late while its
main thread is busy); the first chart element as the page's own observer sees it (chart_in_dom)
and as Playwright's wait returns it (first_chart, what `make bench` calls the cold start); every
chart and tile map drawn (tests/support/page_state.py MAPS_DRAWN). `--server-only` leaves the browser out: a
websocket session (tests/support/st_client.py's protocol) asks for the first run as soon as the server
answers, and the steps are the first element, the first sidebar widget, the first chart's element
and script_finished as the server sends them.
With several `--root`s (checkouts of two versions) the runs alternate between them, so that both
see the same load; prints each run, then the medians per root and their ratio to the first.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.chromium import CHROMIUM_ARGS, chromium  # noqa: E402
from tests.support.page_state import IDLE, MAPS_DRAWN  # noqa: E402
from tests.support.runs import script_finished  # noqa: E402
from tests.support.server import streamlit  # noqa: E402

STEPS = ("health", "socket", "first_frame", "finished", "chart_in_dom", "first_chart", "all_drawn")
# the moment the page's own observer sees the first chart element (Date.now(), in ms)
SEE_CHART = """new MutationObserver((records, observer) => {
  if (document.querySelector('.js-plotly-plot')) { window.__chartAt = Date.now(); observer.disconnect(); }
}).observe(document, {subtree: true, childList: true});"""
SERVER_STEPS = ("health", "first_delta", "sidebar", "first_chart", "finished")


def server_only(warehouse: Path, root: Path, options: list[str]) -> dict[str, float]:
    """The server's part of a cold start, without a browser: `streamlit run`, its health check,
    then a websocket session (tests/support/st_client.py's protocol) asking for the first run as soon as
    the server answers; the seconds to the first element, the first sidebar widget, the first
    chart's element and script_finished."""
    import asyncio

    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    marks: dict[str, float] = {}
    start = time.perf_counter()

    def mark(name: str) -> None:
        marks.setdefault(name, time.perf_counter() - start)

    async def session(url: str) -> None:
        async with connect(url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                           max_size=None) as ws:
            back = BackMsg()
            back.rerun_script.query_string = ""
            back.rerun_script.page_script_hash = ""
            await ws.send(back.SerializeToString())
            while True:
                msg = ForwardMsg.FromString(await ws.recv(decode=False))
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    mark("first_delta")
                    element = msg.delta.new_element.WhichOneof("type")
                    if element == "slider":
                        mark("sidebar")
                    if element == "plotly_chart":
                        mark("first_chart")
                elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    mark("finished")
                    return

    with streamlit(warehouse, options, root=root) as (url, _):
        mark("health")
        asyncio.run(asyncio.wait_for(session(url), 120))
    return marks


def cold_start(browser, warehouse: Path, root: Path, options: list[str]) -> dict[str, float]:
    """One cold start: the seconds from `streamlit run` to each step of STEPS."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # an empty cache
    page = context.new_page()
    page.add_init_script(SEE_CHART)
    marks: dict[str, float] = {}
    start, epoch = time.perf_counter(), time.time()

    def mark(name: str) -> None:
        marks.setdefault(name, time.perf_counter() - start)

    def on_socket(ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            mark("socket")

            def frame(payload) -> None:
                mark("first_frame")
                if script_finished(payload):
                    mark("finished")
            ws.on("framereceived", frame)

    page.on("websocket", on_socket)
    try:
        with streamlit(warehouse, options, root=root) as (url, _):
            mark("health")
            page.goto(url, timeout=120_000)
            page.locator(".js-plotly-plot").first.wait_for(timeout=120_000)
            mark("first_chart")
            marks["chart_in_dom"] = page.evaluate("window.__chartAt") / 1000 - epoch
            page.wait_for_function(IDLE, timeout=120_000)
            page.wait_for_function(MAPS_DRAWN, timeout=120_000, polling=20)
            mark("all_drawn")
    finally:
        context.close()
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="cold starts per checkout (default 5)")
    parser.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb",
                        help="the warehouse served (default data/warehouse.duckdb)")
    parser.add_argument("--root", type=Path, action="append", help="a checkout to run (repeatable)")
    parser.add_argument("--option", action="append", metavar="SECTION.NAME=VALUE",
                        help="a server option (repeatable; default server.fileWatcherType=none, as make bench)")
    parser.add_argument("--server-only", action="store_true",
                        help="no browser: time the server's start and first run over a websocket")
    args = parser.parse_args()
    roots = [r.resolve() for r in (args.root or [ROOT])]
    options = args.option if args.option is not None else ["server.fileWatcherType=none"]
    if args.server_only:
        report(roots, args.runs, SERVER_STEPS, lambda root: server_only(args.warehouse.resolve(), root, options))
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        report(roots, args.runs, STEPS, lambda root: cold_start(browser, args.warehouse.resolve(), root, options))
        browser.close()


def report(roots: list[Path], runs: int, steps: tuple[str, ...], measure) -> None:
    """`measure(root)` once unkept (the OS's file cache), then `runs` times per root, alternating;
    prints every run and the medians, with each root's first-chart median over the first root's."""
    measure(roots[0])
    seen: dict[Path, list[dict]] = {r: [] for r in roots}
    for run in range(runs):
        for root in roots:
            marks = measure(root)
            seen[root].append(marks)
            print(f"{root.name:>18} run {run + 1}: "
                  + "  ".join(f"{s} {marks.get(s, float('nan')):.2f}" for s in steps), flush=True)
    medians = {r: {s: statistics.median(m.get(s, float("nan")) for m in seen[r]) for s in steps} for r in roots}
    print(f"medians (s from `streamlit run`; load average {os.getloadavg()[0]:.1f} at the end):")
    for root in roots:
        ratio = medians[root]["first_chart"] / medians[roots[0]]["first_chart"]
        print(f"{root.name:>18}: " + "  ".join(f"{s} {medians[root][s]:.2f}" for s in steps)
              + f"  (first chart x{ratio:.2f} of {roots[0].name})")


if __name__ == "__main__":
    main()
