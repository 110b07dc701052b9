"""The sessions of bench/load.py and what happens half-way through them: websocket sessions
speaking Streamlit's protocol (tests/support/st_client.py) or Chromium pages, each changing the
year filter for a bounded time; a rebuild (or a publish) of the served warehouse, or a replica
killed, half-way; what they saw, in `Results`."""
from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from indicators.filters import default_years
from tests.support.chromium import CHROMIUM_ARGS, chromium
from tests.support.st_client import Session, slider_state

ROOT = Path(__file__).resolve().parent.parent


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
