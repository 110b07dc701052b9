"""Load test: a real Streamlit server on loopback and N concurrent sessions changing the year filter
for a bounded time, with a rebuild of the warehouse (`etl build` into the served file) half-way.
Reports p50/p95/max from the filter change to the updated page, the errors (exception elements,
st.error boxes, timeouts, a wrong "Militant violence" KPI), the payload per rerun, and the server's CPU
seconds and peak RSS, and writes them as the section of bench/RESULTS.md named by the run's
configuration (clients, sessions, servers, what happens half-way). Each session measures for
--seconds after its first page load.

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

The sessions and what happens half-way are in bench/load_sessions.py.

Usage: .venv/bin/python bench/load.py [--sessions 20] [--seconds 60] [--client ws|browser]
       [--replicas N [--kill-one]] [--no-rebuild] [--seed 1] [--server-option NAME=VALUE ...] [--profile FILE [--profile-gil]]
       [--output FILE]
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load_sessions import Results, run_browser, run_ws  # noqa: E402
from bench.process import cpu_seconds, peak_rss_mb  # noqa: E402
from bench.results import RESULTS, stamp, table, write_section  # noqa: E402
from bench.stats import percentile  # noqa: E402
from indicators.filters import Filters  # noqa: E402
from indicators.overview import scope_counts  # noqa: E402
from tests.support.server import streamlit  # noqa: E402


def build(warehouse: Path) -> subprocess.CompletedProcess:
    """`python -m etl build` of the bundled data into `warehouse`, the one the server serves."""
    return subprocess.run([sys.executable, "-m", "etl", "build", "--out", str(warehouse)], cwd=ROOT,
                          capture_output=True, text=True, check=False)


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
    """py-spy recording the server `pid` for the measured window (--profile)."""
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


def configuration(args) -> str:
    """The run's configuration in words: what names its section of the results file."""
    servers = (f"through nginx to {args.replicas} replicas" if args.replicas else "on one server")
    halfway = [] if args.no_rebuild else ["a publish half-way" if args.replicas else "a rebuild half-way"]
    if args.kill_one:
        halfway.append("one replica killed half-way")
    options = [f"--server-option {o}" for o in args.server_option]
    return ", ".join([f"{args.sessions} {args.client} sessions {servers}", *halfway, *options])


def figures(args, res: Results, server_stats: dict) -> list[tuple[str, str]]:
    """(measure, figure) of the run, in the order they are printed and written."""
    times = [c[1] for c in res.changes]
    out = [("filter changes measured", f"{len(times)} in {args.seconds:.0f} s per session")]
    if res.loads:
        loads = [s for s, _ in res.loads]
        kb = statistics.median(b for _, b in res.loads) / 1024
        out.append(("first page load (all sessions at once)",
                    f"p50 {statistics.median(loads):.1f} s, max {max(loads):.1f} s"
                    + (f", {kb:,.0f} KB" if kb else "")))
    if res.failed_loads:
        out.append(("sessions that never loaded", f"{res.failed_loads}"))
    out.append(("filter change -> page updated", f"p50 {percentile(times, 0.5):.2f} s, "
                f"p95 {percentile(times, 0.95):.2f} s, max {percentile(times, 1.0):.2f} s"))
    if args.client == "ws" and res.changes:
        msgs = statistics.mean(c[2] for c in res.changes)
        kb = statistics.mean(c[3] for c in res.changes) / 1024
        refs = statistics.mean(c[4] for c in res.changes)
        out.append(("per rerun", f"{msgs:.0f} forward messages ({refs:.1f} of them cache references), "
                    f"{kb:,.0f} KB"))
    window = server_stats.get("window_end", 0) - server_stats.get("window_start", 0)
    if "cpu_window_start" in server_stats:
        cpu = server_stats["cpu_end"] - server_stats["cpu_window_start"]
        per = f", {1000 * cpu / len(times):.0f} ms CPU per rerun" if times else ""
        out.append(("server CPU after the first loads", f"{cpu:.1f} s in {window:.0f} s "
                    f"({cpu / window:.2f} cores){per}"))
    out.append(("server CPU in all, peak RSS",
                f"{server_stats['cpu_end'] - server_stats['cpu_start']:.1f} s, "
                f"{server_stats['peak_rss_mb']:.0f} MB"))
    out.append(("load client CPU", f"{time.process_time():.1f} s"
                + (" (Chromium not counted)" if args.client == "browser" else "")))
    if res.rebuild:
        start, end, code = res.rebuild
        after = [c for c in res.changes if c[0] > end]
        errors_after = [e for e in res.errors if e[0] > end]
        during = [c[1] for c in res.changes if start <= c[0] <= end + 5]
        what = "publish" if args.replicas else "rebuild"
        out.append((f"{what} during the run", f"exit {code}, {end - start:.1f} s; filter changes during "
                    f"it and 5 s after: {len(during)} (max {max(during, default=float('nan')):.2f} s); "
                    f"after it: {len(after)}, with {len(errors_after)} errors"))
    if res.killed_at is not None:
        rec = res.recoveries
        after = [c[1] for c in res.changes if c[0] > res.killed_at + 10]
        out.append(("replica killed (SIGKILL) half-way",
                    f"{len(rec)} sessions lost their connection and worked again through nginx after "
                    f"p50 {percentile(rec, 0.5):.1f} s, max {percentile(rec, 1.0):.1f} s; from 10 s "
                    f"after the kill: {len(after)} changes"
                    + (f", p95 {percentile(after, 0.95):.2f} s" if after else "")))
    out.append(("errors", f"{len(res.errors)}"))
    return out


def error_lines(res: Results) -> list[str]:
    """The ten commonest errors, most frequent first."""
    messages = [m for _, m in res.errors]
    return [f"{messages.count(m)} x {m}" for m in sorted(set(messages), key=messages.count, reverse=True)[:10]]


def report(args, res: Results, server_stats: dict) -> None:
    """Print the figures and write them as the configuration's section of the results file."""
    rows, errors = figures(args, res, server_stats), error_lines(res)
    print(configuration(args))
    for measure, figure in rows:
        print(f"{measure}: {figure}")
    for line in errors:
        print(f"  {line}")
    key = f"bench/load.py: {configuration(args)}"
    lines = [f"## Load: {configuration(args)}", "", stamp(" ".join(["bench/load.py", *sys.argv[1:]])), "",
             *table(("measure", "figure"), rows), ""]
    if errors:
        lines += ["Errors, commonest first:", "", *(f"- {line}" for line in errors), ""]
    write_section(key, lines, args.output)
    print(f"wrote the section \"{key}\" of {args.output}")


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
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="the results file whose section of this configuration is written")
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
