"""The speed benchmark (`make bench`): each size measured and written into bench/RESULTS.md.

    .venv/bin/python bench/run.py [--rows 0 100000 1000000] [--runs 15] [--no-browser]
    .venv/bin/python bench/run.py --rows 1000000 --outlook-only   (prints the Outlook's time only)

Sizes are synthetic ACLED exports (bench/generate.py); 0 = the bundled data, for its cold start
and timings; 10M rows: --rows 10000000, about 4.3 GB of CSV under bench/.data and several minutes
of import. For each size, one module per measure:
- bench/measure_import.py: `etl.imports.import_file` of the CSV into a fresh data folder holding
  the bundled files (read, map, assign districts, validate, link duplicates, write the warehouse),
  beside DuckDB's read_csv of the same file; at 1M a second import of 100k; the GTD-shaped file;
- bench/measure_pages.py: every indicator call one rerun of a page makes (recorded under
  Streamlit's AppTest) replayed, uncached, for a series of filter changes;
- bench/measure_naive.py: the Overview page the way a typical Streamlit dashboard does it;
- bench/measure_outlook.py: the Outlook's backtests and forecast, computed once;
- bench/measure_browser.py: a real server and Debian's Chromium: cold start, then per page
  year-slider changes timed until the page is redrawn, the websocket bytes, the server's peak RSS.
bench/report.py writes its section of RESULTS.md (issue 29's targets at a glance, then each figure
beside its target, met or missed, and why) after each size, so a failure at 10M keeps the smaller
sizes.
"""
from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402
from bench.measure_browser import measure_browser  # noqa: E402
from bench.measure_import import import_once, measure_import  # noqa: E402
from bench.measure_naive import measure_naive  # noqa: E402
from bench.measure_outlook import measure_outlook  # noqa: E402
from bench.measure_pages import filter_changes, in_fresh_process  # noqa: E402
from bench.process import in_child  # noqa: E402
from bench.report import write_results  # noqa: E402
from bench.results import RESULTS  # noqa: E402
from bench.stats import summary  # noqa: E402


def imported(rows: int, args, warehouse: Path) -> tuple[dict | None, dict | None]:
    """(the ACLED import's figures, the GTD-shaped import's) of `rows` generated events, the
    warehouse kept at `warehouse`; (None, None) with --reuse of a warehouse already there."""
    csv, _ = generate.generate(rows, progress=lambda m: print(m, flush=True))
    if args.reuse and warehouse.exists():
        return None, None
    second = None
    if rows == 1_000_000:  # an analyst's next file: 100k new events
        second, _ = generate.generate(100_000, first_id=10 ** 9, progress=lambda m: None)
    imports = measure_import(csv, args.import_runs if rows <= 1_000_000 else 1, warehouse, second)
    print(f"  import: median {statistics.median(imports['times']):.1f} s, read_csv "
          f"{imports['floor']:.1f} s, peak RSS {imports['rss_mb']:,.0f} MB, {imports['counts']}"
          + (f"; second import of 100k {imports['second']:.1f} s" if imports["second"] else ""))
    gtd = None
    if rows <= 1_000_000 and not args.no_gtd:
        gtd_csv, _ = generate.generate(rows, shape="gtd", progress=lambda m: None)
        gtd = measure_import(gtd_csv, 1, None)
        print(f"  GTD-shaped import: {gtd['times'][0]:.1f} s, read_csv {gtd['floor']:.1f} s, "
              f"peak RSS {gtd['rss_mb']:,.0f} MB, {gtd['counts']}")
    return imports, gtd


def bundled_warehouse() -> Path:
    from etl.build import build_warehouse

    warehouse = generate.OUT / "warehouse_bundled.duckdb"
    generate.OUT.mkdir(parents=True, exist_ok=True)
    build_warehouse(ROOT / "data", warehouse)
    return warehouse


def measure_size(rows: int, warehouse: Path, args, imports: dict | None, gtd: dict | None) -> dict:
    """Every measure but the import's on the warehouse of one size; printed as it goes."""
    con = duckdb.connect(str(warehouse), read_only=True)
    events = con.execute("SELECT count(*) FROM events").fetchone()[0]
    changes = filter_changes(con, args.runs)
    con.close()
    recompute, calls = in_fresh_process(warehouse, changes)
    for page, times in recompute.items():
        print(f"  in-process {page}: p50 {summary(times)[0]:.0f} ms, p95 {summary(times)[1]:.0f} ms "
              f"({calls[page]} queries)")
    naive = measure_naive(warehouse, changes[: max(3, args.runs // 3)])
    ratio = summary(naive["times"])[0] / summary(recompute["overview"])[0]
    print(f"  naive overview: p50 {summary(naive['times'])[0]:,.0f} ms, {naive['bytes'] / 1e6:.1f} MB "
          f"-> ours {ratio:,.0f}x faster")
    outlook = measure_outlook(warehouse)
    browser = None if args.no_browser else measure_browser(warehouse, args.runs)
    if browser:
        print(f"  browser cold start {browser['cold_start']:.1f} s, server peak RSS {browser['rss_mb']:,.0f} MB")
        for page, r in browser["pages"].items():
            print(f"  browser {page}: p50 {summary(r['times'])[0]:.2f} s, p95 {summary(r['times'])[1]:.2f} s, "
                  f"{r['bytes'] / 1e6:.2f} MB per rerun")
    return dict(rows=rows, events=events, imports=imports, gtd=gtd, calls=calls, recompute=recompute,
                naive=naive, ratio=ratio, browser=browser, outlook=outlook)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[0, 100_000, 1_000_000],
                        help="sizes to generate; 0 = the bundled data (no import)")
    parser.add_argument("--runs", type=int, default=15, help="filter changes per page")
    parser.add_argument("--import-runs", type=int, default=3, help="imports per size up to 1M (1 above)")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser's measures")
    parser.add_argument("--no-gtd", action="store_true", help="skip the GTD-shaped import")
    parser.add_argument("--note", default="", help="a sentence for RESULTS.md about the run's "
                        "conditions (another job on the machine, ...)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the warehouses of an earlier run (no import measured)")
    parser.add_argument("--output", type=Path, default=RESULTS,
                        help="the results file whose bench/run.py section is written")
    parser.add_argument("--outlook-only", action="store_true",
                        help="import each size once (or --reuse) and time only the Outlook; prints, writes nothing")
    args = parser.parse_args()
    command = " ".join(["bench/run.py", *sys.argv[1:]])

    report = []
    for rows in args.rows:
        print(f"== {rows:,} generated events" if rows else "== the bundled data")
        warehouse = generate.OUT / f"warehouse_{rows}.duckdb" if rows else bundled_warehouse()
        if args.outlook_only:
            if rows and not (args.reuse and warehouse.exists()):
                csv, _ = generate.generate(rows, progress=lambda m: print(m, flush=True))
                in_child(import_once, csv, warehouse, None)
            measure_outlook(warehouse)
            continue
        imports = gtd = None
        if rows:
            try:
                imports, gtd = imported(rows, args, warehouse)
            except Exception as err:  # refused (memory) or failed: said in RESULTS.md
                print(f"  import failed: {err}")
                report.append(dict(rows=rows, failed=str(err)))
                write_results(args.output, report, args, command)
                continue
        report.append(measure_size(rows, warehouse, args, imports, gtd))
        write_results(args.output, report, args, command)  # after each size: a crash later keeps this one
        print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
