"""Load test: a real Streamlit server on loopback and N concurrent sessions changing the year filter
for a bounded time, with a rebuild of the warehouse (`etl build` into the served file) half-way.
Reports p50/p95/max from the filter change to the updated page, the errors (exception elements,
st.error boxes, timeouts, a wrong "Militant violence" KPI), the payload per rerun, and the server's CPU
seconds and peak RSS. Each session measures for --seconds after its first page load.

Clients (both on the same machine as the server):
- `ws` (default): each session is a websocket speaking Streamlit's protocol (tests/support/st_client.py),
  like a browser tab without the rendering: it loads the Overview page, reads the id of the
  sidebar's "Years" slider from the deltas and sets a random year range every 1-3 s. Timed from
  sending the rerun to `script_finished`; the "Militant violence" KPI must equal indicators.overview.scope_counts.
- `browser`: Playwright pages in Debian's Chromium pressing an arrow key on the slider, timed
  until the KPI shows the new value (two year ranges only). Too heavy for 20 sessions on 2 cores.

--profile FILE records the server with py-spy during the measured window (`pip install py-spy`;
.svg flame graph, .json speedscope, .txt collapsed stacks).

With --replicas N the sessions go through nginx in front of N replicas (deploy/cluster.py, as
`make cluster REPLICAS=N`) reading a published folder, a publish half-way; CPU and memory are
those of all replicas together. --kill-one (with --replicas 2 or more, best with --no-rebuild)
kills one replica with SIGKILL half-way: the sessions that lose their connection open a new one
through nginx, as Streamlit's frontend does, and the time until a rerun works again is reported.

Usage: .venv/bin/python bench/load.py [--sessions 20] [--seconds 60] [--client ws|browser]
       [--replicas N [--kill-one]] [--no-rebuild] [--seed 1] [--server-option NAME=VALUE ...] [--profile FILE [--profile-gil]]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from indicators.filters import Filters  # noqa: E402
from indicators.overview import scope_counts  # noqa: E402
from bench.process import cpu_seconds, peak_rss_mb  # noqa: E402
from tests.support.chromium import CHROMIUM_ARGS, chromium  # noqa: E402
from tests.support.server import streamlit  # noqa: E402
from indicators.filters import default_years  # noqa: E402

@dataclass
class Results:
    changes: list[tuple[float, float, int, int, int]] = field(default_factory=list)
    """(finished at, seconds, messages, bytes, refs) per measured filter change"""
    errors: list[tuple[float, str]] = field(default_factory=list)  # (at, message)
    loads: list[tuple[float, int]] = field(default_factory=list)  # (seconds, bytes) of first loads
    failed_loads: int = 0
    rebuild: tuple[float, float, int] | None = None  # (started, finished, exit code)
    killed_at: float | None = None  # --kill-one: when a replica got SIGKILL
    recoveries: list[float] = field(default_factory=list)  # seconds from a lost connection to a good rerun

    def error(self, message: str) -> None:
        self.errors.append((time.monotonic(), message))


def build(warehouse: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "build", "--out", str(warehouse)], cwd=ROOT,
                          capture_output=True, text=True, check=False)


async def rebuild_halfway(args, res: Results, warehouse: Path) -> None:
    """`etl build` into the served file half-way through the measured window (with --replicas:
    `etl publish`, a build published as a new version into the cluster's published folder)."""
    while len(res.loads) + res.failed_loads < args.sessions:
        await asyncio.sleep(0.2)
    await asyncio.sleep(args.seconds / 2)
    start = time.monotonic()
    command = (["publish", "--to", str(args.published)] if args.published else ["build"])
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "etl", *command, "--out",
                                                str(warehouse), cwd=ROOT,
                                                stdout=asyncio.subprocess.DEVNULL,
                                                stderr=asyncio.subprocess.DEVNULL)
    code = await proc.wait()
    res.rebuild = (start, time.monotonic(), code)


async def kill_halfway(args, res: Results, servers: list[subprocess.Popen]) -> None:
    """--kill-one: SIGKILL the last replica half-way through the measured window (failover)."""
    while len(res.loads) + res.failed_loads < args.sessions:
        await asyncio.sleep(0.2)
    await asyncio.sleep(args.seconds / 2)
    servers[-1].kill()
    res.killed_at = time.monotonic()


async def reconnect(url: str, res: Results, lost_at: float, give_up: float = 60):
    """A new session through the load balancer after the old one's connection was lost (what
    Streamlit's frontend does); returns (session, first run) once a run comes back without error."""
    from tests.support.st_client import Session

    while time.monotonic() - lost_at < give_up:
        session = None
        try:
            session = await Session.open(url)
            run = await session.rerun(timeout=30)
            if not run.errors():
                res.recoveries.append(time.monotonic() - lost_at)
                return session, run
        except Exception:  # noqa: BLE001 - still failing over: try again
            pass
        if session is not None:
            await session.close()
        await asyncio.sleep(0.5)
    raise TimeoutError(f"no working session within {give_up:.0f} s of the lost connection")


# --- websocket clients -------------------------------------------------------------------------

async def ws_session(url: str, expected, years: tuple[int, int], seconds: float, rng: random.Random,
                     res: Results) -> None:
    """Load the Overview page, then set random year ranges with 1-3 s of think time."""
    from tests.support.st_client import Session, slider_state

    lo, hi = years
    first = default_years({"years": years})  # the years a new session opens on
    session, loaded = None, False
    try:
        session = await Session.open(url)
        run = await session.rerun(timeout=300)
        for message in run.errors():
            res.error(f"first load: {message}")
        slider = run.widget_id("slider", "Years")
        if slider is None or run.metric("Militant violence") != expected(*first):
            res.error(f"first load: slider {slider!r}, Events {run.metric('Events')!r} "
                      f"(expected {expected(*first)!r} for {first[0]}-{first[1]})")
            return
        loaded = True
        res.loads.append((run.seconds, run.bytes))
        current = first
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(1, 3))
            chosen = current
            while chosen == current:
                chosen = tuple(sorted(rng.sample(range(lo, hi + 1), 2)))
            current = chosen
            try:
                run = await session.rerun([slider_state(slider, chosen)], timeout=30)
            except TimeoutError:
                res.error("no script_finished within 30 s")
                continue
            except Exception as err:  # noqa: BLE001 - the connection is gone
                if res.killed_at is None:
                    raise
                lost = time.monotonic()
                res.error(f"connection lost after the kill ({type(err).__name__}): reconnected")
                await session.close()
                session, run = await reconnect(url, res, lost)
                slider = run.widget_id("slider", "Years")
                current = default_years({"years": years})  # a new session opens on the default
                continue
            res.changes.append((time.monotonic(), run.seconds, run.messages, run.bytes, run.refs))
            for message in run.errors():
                res.error(message)
            shown, wanted = run.metric("Militant violence"), expected(*chosen)
            if shown != wanted:
                res.error(f"Events KPI for {chosen[0]}-{chosen[1]} is {shown!r}, expected {wanted!r}")
    except Exception as err:  # noqa: BLE001 - ProtocolError, a closed connection...: counted, reported
        res.error(f"{type(err).__name__}: {str(err)[:160]}")
    finally:
        res.failed_loads += not loaded
        if session is not None:
            await session.close()


async def run_ws(args, res: Results, url: str, expected, years: tuple[int, int],
                 warehouse: Path) -> None:
    tasks = [asyncio.create_task(ws_session(url, expected, years, args.seconds,
                                            random.Random(args.seed * 1000 + i), res))
             for i in range(args.sessions)]
    if not args.no_rebuild:
        tasks.append(asyncio.create_task(rebuild_halfway(args, res, warehouse)))
    if args.kill_one:
        tasks.append(asyncio.create_task(kill_halfway(args, res, args.servers)))
    await asyncio.gather(*tasks)


# --- browser clients ---------------------------------------------------------------------------

async def browser_session(browser, url: str, expected, seconds: float, res: Results) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    kpi = page.get_by_test_id("stMetric").filter(has_text="Militant violence").get_by_test_id("stMetricValue")
    loaded = False
    try:
        start = time.monotonic()
        await page.goto(url, timeout=300_000)
        await expect(kpi).to_have_text(expected(1995, 2019), timeout=300_000)
        res.loads.append((time.monotonic() - start, 0))
        loaded = True
        deadline = time.monotonic() + seconds
        thumb = page.get_by_test_id("stSidebar").get_by_role("slider").first
        year = 1995
        while time.monotonic() < deadline:
            await thumb.focus()
            key, year = ("ArrowRight", year + 1) if year == 1995 else ("ArrowLeft", year - 1)
            start = time.monotonic()
            await thumb.press(key)
            try:
                await expect(kpi).to_have_text(expected(year, 2019), timeout=20_000)
                res.changes.append((time.monotonic(), time.monotonic() - start, 0, 0, 0))
            except AssertionError:
                res.error(f"KPI did not become {expected(year, 2019)} within 20 s")
            if await page.get_by_test_id("stException").count():
                res.error("exception box shown")
    except Exception as err:  # noqa: BLE001 - counted and reported
        res.error(f"{type(err).__name__}: {str(err)[:120]}")
    finally:
        res.failed_loads += not loaded
        await context.close()


async def run_browser(args, res: Results, url: str, expected, years, warehouse: Path) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=chromium(), args=CHROMIUM_ARGS)
        tasks = [asyncio.create_task(browser_session(browser, url, expected, args.seconds, res))
                 for _ in range(args.sessions)]
        if not args.no_rebuild:
            tasks.append(asyncio.create_task(rebuild_halfway(args, res, warehouse)))
        await asyncio.gather(*tasks)
        await browser.close()


# --- the run -----------------------------------------------------------------------------------

async def measure(args, run, servers: list[subprocess.Popen], *run_args) -> tuple[Results, dict]:
    """Run the sessions; sample the servers' CPU (all replicas of a cluster together) from the
    moment all first loads are done."""
    res = Results()
    server = servers[0]
    last: dict[int, float] = {}

    def cpu() -> float:  # a killed replica counts with its last reading
        for s in servers:
            try:
                last[s.pid] = cpu_seconds(s.pid)
            except (FileNotFoundError, ProcessLookupError, IndexError):
                pass
        return sum(last.values())

    server_stats: dict = {"cpu_start": cpu()}
    task = asyncio.create_task(run(args, res, *run_args))
    profiler = None
    while not task.done():
        await asyncio.sleep(0.2)
        if "window_start" not in server_stats and len(res.loads) + res.failed_loads >= args.sessions:
            server_stats["window_start"] = time.monotonic()
            server_stats["cpu_window_start"] = cpu()
            if args.profile:
                profiler = await start_profiler(args, server.pid)
    await task
    server_stats["cpu_end"] = cpu()
    server_stats["window_end"] = time.monotonic()
    server_stats["peak_rss_mb"] = max(peak_rss_mb(s.pid) for s in servers
                                      if s.poll() is None)
    if profiler is not None:
        await profiler.wait()
    return res, server_stats


def start_profiler(args, pid: int):
    exe = shutil.which("py-spy") or args.py_spy
    if not exe:
        sys.exit("--profile needs py-spy: `pip install py-spy`, then put it on PATH or pass --py-spy")
    fmt = {".svg": "flamegraph", ".json": "speedscope", ".txt": "raw"}.get(Path(args.profile).suffix,
                                                                          "flamegraph")
    return asyncio.create_subprocess_exec(
        exe, "record", "--pid", str(pid), "--duration", str(int(args.seconds)), "--rate", "50",
        "--format", fmt, "--output", args.profile, "--nonblocking",
        *(["--gil"] if args.profile_gil else []),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


def quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(args, res: Results, server_stats: dict) -> None:
    times = [c[1] for c in res.changes]
    print(f"client: {args.client}, sessions: {args.sessions}, duration: {args.seconds:.0f} s, "
          f"filter changes measured: {len(times)}"
          + "".join(f", --{o.replace('=', ' ', 1)}" for o in args.server_option))
    if res.loads:
        loads = sorted(s for s, _ in res.loads)
        kb = statistics.median(b for _, b in res.loads) / 1024
        print(f"first page load (all sessions at once): p50 {statistics.median(loads):.1f} s, "
              f"max {loads[-1]:.1f} s" + (f", {kb:,.0f} KB" if kb else ""))
    if res.failed_loads:
        print(f"sessions that never loaded: {res.failed_loads}")
    print(f"filter change -> page updated: p50 {quantile(times, 0.5):.2f} s, "
          f"p95 {quantile(times, 0.95):.2f} s, max {quantile(times, 1.0):.2f} s")
    if args.client == "ws" and res.changes:
        msgs = statistics.mean(c[2] for c in res.changes)
        kb = statistics.mean(c[3] for c in res.changes) / 1024
        refs = statistics.mean(c[4] for c in res.changes)
        print(f"per rerun: {msgs:.0f} forward messages ({refs:.1f} of them cache references), "
              f"{kb:,.0f} KB")
    window = server_stats.get("window_end", 0) - server_stats.get("window_start", 0)
    if "cpu_window_start" in server_stats:
        cpu = server_stats["cpu_end"] - server_stats["cpu_window_start"]
        per = f", {1000 * cpu / len(times):.0f} ms CPU per rerun" if times else ""
        print(f"server CPU after the first loads: {cpu:.1f} s in {window:.0f} s "
              f"({cpu / window:.2f} cores){per}")
    print(f"server CPU in all: {server_stats['cpu_end'] - server_stats['cpu_start']:.1f} s, "
          f"peak RSS {server_stats['peak_rss_mb']:.0f} MB; load client CPU {time.process_time():.1f} s"
          + (" (Chromium not counted)" if args.client == "browser" else ""))
    if res.rebuild:
        start, end, code = res.rebuild
        after = [c for c in res.changes if c[0] > end]
        errors_after = [e for e in res.errors if e[0] > end]
        during = [c[1] for c in res.changes if start <= c[0] <= end + 5]
        print(f"rebuild during the run: exit {code}, {end - start:.1f} s; filter changes during it and "
              f"5 s after: {len(during)} (max {max(during, default=float('nan')):.2f} s); "
              f"after it: {len(after)}, with {len(errors_after)} errors")
    if res.killed_at is not None:
        rec = sorted(res.recoveries)
        after = [c[1] for c in res.changes if c[0] > res.killed_at + 10]
        print(f"replica killed (SIGKILL) half-way: {len(rec)} sessions lost their connection and "
              f"worked again through nginx after p50 {quantile(rec, 0.5):.1f} s, max "
              f"{quantile(rec, 1.0):.1f} s; from 10 s after the kill: {len(after)} changes, p95 "
              f"{quantile(after, 0.95):.2f} s")
    print(f"errors: {len(res.errors)}")
    messages = [m for _, m in res.errors]
    for message in sorted(set(messages), key=messages.count, reverse=True)[:10]:
        print(f"  {messages.count(message)} x {message}")


@contextlib.contextmanager
def serve(args, warehouse: Path, tmp: Path):
    """(url, server processes): one Streamlit server on `warehouse`, or with --replicas nginx in
    front of that many replicas reading a folder where `warehouse` is published."""
    args.published = None
    if not args.replicas:
        with streamlit(warehouse, args.server_option) as (url, server):
            yield url, [server]
        return
    from deploy.cluster import cluster
    from etl.publish import publish

    args.published = tmp / "published"
    publish(warehouse, args.published)
    with cluster(args.replicas, env={"DASHBOARD_WAREHOUSE_DIR": str(args.published)}) as running:
        print(f"through nginx ({running.url}) in front of {args.replicas} replica(s)", flush=True)
        yield running.url, running.replicas


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60, help="measured time per session")
    parser.add_argument("--client", choices=("ws", "browser"), default="ws",
                        help="websocket protocol clients (default) or Chromium pages")
    parser.add_argument("--no-rebuild", action="store_true", help="no `etl build` half-way")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random year ranges")
    parser.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                        help="a Streamlit setting for the server, e.g. runner.postScriptGC=false "
                             "(repeatable)")
    parser.add_argument("--replicas", type=int, default=0,
                        help="measure through nginx in front of this many replicas (deploy/cluster.py, "
                             "as `make cluster`) reading a published folder; half-way, `etl publish` "
                             "instead of the rebuild")
    parser.add_argument("--kill-one", action="store_true",
                        help="with --replicas 2 or more: kill -9 one replica half-way; its sessions "
                             "reconnect through nginx (failover), the recovery times are reported")
    parser.add_argument("--profile", metavar="FILE", help="py-spy record the server into FILE")
    parser.add_argument("--profile-gil", action="store_true",
                        help="sample only the thread holding the GIL (py-spy --gil)")
    parser.add_argument("--py-spy", default=None, help="path to py-spy if it is not on PATH")
    args = parser.parse_args()
    if args.kill_one and args.replicas < 2:
        parser.error("--kill-one needs --replicas 2 or more")
    for option in args.server_option:
        if "=" not in option or "." not in option.split("=", 1)[0]:
            parser.error(f"--server-option {option!r}: expected section.name=value, "
                         "e.g. runner.postScriptGC=false")
    with tempfile.TemporaryDirectory() as tmp:
        warehouse = Path(tmp) / "warehouse.duckdb"
        built = build(warehouse)
        if built.returncode:
            sys.exit(f"`python -m etl build` failed:\n{built.stdout}{built.stderr}")
        reference = Path(tmp) / "reference.duckdb"  # the expected numbers come from a copy
        shutil.copy(warehouse, reference)
        con = duckdb.connect(str(reference), read_only=True)
        years = con.execute("SELECT min(year(event_date)), max(year(event_date)) FROM events").fetchone()

        @functools.cache
        def expected(year_from: int, year_to: int) -> str:
            events = scope_counts(con, Filters(year_from, year_to))["militant_violence"]
            return f"{events:,}"

        run = run_ws if args.client == "ws" else run_browser
        try:
            with serve(args, warehouse, Path(tmp)) as (url, servers):
                args.servers = servers
                res, server_stats = asyncio.run(measure(args, run, servers, url + "/", expected, years,
                                                        warehouse))
        finally:
            con.close()
    report(args, res, server_stats)


if __name__ == "__main__":
    main()
