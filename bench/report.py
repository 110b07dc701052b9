"""The section `make bench` (bench/run.py) writes into bench/RESULTS.md: the targets at a glance,
then a table per size with each figure beside its target (met or missed) and, for each target
missed, by how much and the measured reason (WHY)."""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from bench.results import RUN, stamp, table, write_section
from bench.stats import summary

M, TEN_M = 10 ** 6, 10 ** 7


@dataclass(frozen=True)
class Target:
    """A limit on one measure: `limits` maps a size (rows generated; 0 the bundled data; None
    every size) to the limit there; sizes it does not name have no limit."""

    label: str  # the limit as RESULTS.md says it
    limits: dict
    what: str = ""  # the measure, for the targets at a glance
    at_least: bool = False  # a minimum (the ratio to the naive page), not a maximum

    def limit(self, rows: int) -> float | None:
        return self.limits.get(rows, self.limits.get(None))

    def met(self, value: float, rows: int) -> bool:
        return value >= self.limit(rows) if self.at_least else value <= self.limit(rows)


# Issue 29's table, the targets the summary lists.
TARGETS = {
    "import_s": Target("<= 5 s at 1M, <= 60 s at 10M", {M: 5.0, TEN_M: 60.0}, what="import"),
    "import_ratio": Target("<= 3x at 1M", {M: 3.0}, what="import / DuckDB's read_csv"),
    "second_s": Target("<= 2 s", {M: 2.0}, what="100k added to the 1M warehouse"),
    "import_rss_mb": Target("<= 3 GB at 10M", {TEN_M: 3 * 1024}, what="import peak RSS"),
    "recompute_ms": Target("<= 100 ms at 1M, every page", {M: 100}, what="page query work (in-process)"),
    "browser_p50_s": Target("p50 <= 0.7 s at 1M and 10M, every page", {M: 0.7, TEN_M: 0.7},
                            what="filter change -> redrawn"),
    "cold_start_s": Target("<= 3 s", {None: 3.0}, what="cold start (streamlit run -> first chart)"),
    "naive_ratio": Target(">= 50x at 1M", {M: 50}, at_least=True, what="ours vs naive pandas, Overview"),
}
# Limits of the earlier speed issue, still checked in the tables but not among the targets.
LIMITS = {
    "gtd_ratio": Target("within 1.5x of ACLED's", {None: 1.5}),
    "payload_mb": Target("<= 2 MB", {None: 2.0}),
    "server_rss_mb": Target("<= 1.5 GB", {None: 1.5 * 1024}),
    "outlook_s": Target("<= 300 s at 1M", {M: 300.0}),
}

# What profiling showed for the targets still missed (py-spy and cProfile, November 2026), matched
# to a row's name by its start, most specific first.
WHY = {
    "import peak RSS": "The import holds about two parts of 250,000 rows (one read ahead, one being "
                       "placed and checked) and what DuckDB uses up to the build's memory limit "
                       "(ETL_MEMORY_LIMIT, 2 GB by default), beyond which it spills to disk.",
    "import of the same events GTD-shaped": "A GTD-shaped file has 135 columns and two-line "
                                            "summaries: DuckDB's read_csv of it takes 2-2.5x as "
                                            "long as of the ACLED file, and its adapter maps more "
                                            "columns.",
    "import": "Each part of 250,000 rows is read by DuckDB (about 0.5 s) and mapped by its adapter "
              "(0.45 s: the mapped values are spread to the rows in Arrow, the adapters' column "
              "logic is still pandas) in a thread one part ahead, while the main thread places it "
              "in districts (0.5 s, 0.2-0.35 s of it testing every distinct point against prepared "
              "polygons: the synthetic points are all distinct), checks the contract in SQL "
              "(0.35 s) and writes the cache (0.25 s); both cores are busy, and a third thread "
              "(placing apart) gave nothing. Adding the rows to the warehouse: DuckDB's insert of "
              "1M rows in date order (2.3-2.8 s: 1.1-1.2 s unsorted; parts sorted by date as they are "
              "checked make DuckDB's sort 1.1 s faster but cost the main thread 0.25 s each, which "
              "slowed the read by 1 s), linking duplicates (0.5 s), points_rank and the derived "
              "tables (about 1.5 s). At 10M: hashing and copying the 4.3 GB file 6-13 s; reading, "
              "mapping, placing and checking 56 s; the insert in date order 28 s (12 s unsorted: "
              "the sort spills under the 2 GB limit); linking 2.2 s; points_rank 5 s; the cube and "
              "the other derived tables 3 s. Reaching the target needs the adapters' mapping as SQL "
              "over DuckDB's own scan and an insert that does not sort the whole import.",
    "second import": "The new file is added to a copy of the warehouse (etl/append.py, copying "
                     "0.25 s at 1M), but its 100k rows are read, mapped, placed and checked "
                     "(about 1.2 s; parts of 32k rows, to overlap the stages, were slower), "
                     "inserted (0.7-0.9 s: DuckDB's cost per row group written, and the commit's "
                     "checkpoint, not per row), points_rank is numbered again over every event "
                     "(0.5 s), the groups of the yearly cube and event_firsts the new and changed "
                     "events joined or left are computed again (0.3 s; 0.6 s for the whole tables) "
                     "and the events compared with the previous version of the dataset and the "
                     "revisions written (0.4 s).",
    "in-process recompute": "Every page reads the yearly cube (250,000 rows at 1M synthetic "
                            "events, spread evenly) four to eight times at 3-5 ms each; the "
                            "Overview's capped points read the points rank of every event "
                            "(15-25 ms) and the Trends page scores escalation alerts over the "
                            "events of its last years and the 36 months before them (20-60 ms).",
    "browser cold start": "Streamlit's server answers after about 0.9 s; the first run's "
                          "imports take 0.7 s and its sidebar is sent 0.85 s after the page "
                          "opens its websocket, but the browser shows it 1.5 s later: its main "
                          "thread compiles plotly's 4.7 MB of JavaScript (fetched early, while "
                          "the server runs) and Streamlit's widget chunks, then draws the first "
                          "charts and tile map without a GPU (measured on the bundled data).",
    "browser: filter change": "st.plotly_chart keys each chart by a hash of the whole figure, so "
                              "every filter change unmounts and redraws every chart, and a tile "
                              "map gets a new WebGL context (0.6-1.2 s of the browser's main "
                              "thread for the Overview's map with 2,000 points); keeping one map "
                              "alive and updating its data needs a custom component.",
}


def why(name: str) -> str:
    """The reason of a miss: the first key of WHY (most specific first) that starts `name`."""
    return next((text for key, text in WHY.items() if name.startswith(key)),
                "No reason measured yet: profile it (py-spy, cProfile) and add what it shows to "
                "WHY in bench/report.py.")


def size_heading(r: dict) -> str:
    """The heading of one size's table."""
    if "failed" in r:
        return f"{r['rows']:,} generated rows"
    if r["rows"]:
        return f"{r['rows']:,} generated rows ({r['events']:,} events in the warehouse with the bundled data)"
    return f"The bundled data ({r['events']:,} events)"


def short(rows: int) -> str:
    """A size as the targets at a glance name it: bundled, 100k, 1M."""
    return {0: "bundled"}.get(rows) or (f"{rows // M}M" if rows % M == 0 else f"{rows // 1000}k")


@dataclass
class Size:
    """The table of one size, as it is written, and what it found against the targets."""

    rows: int
    lines: list = field(default_factory=list)  # the table's rows
    missed: list = field(default_factory=list)  # "- name: figure against target. why"
    checked: list = field(default_factory=list)  # (target key, name, figure, met)
    reasons: dict = field(default_factory=dict)  # a reason given -> the row it was given for

    def row(self, name: str, p50: str, p95: str, key: str | None = None, value: float | None = None) -> None:
        """A line of the table; `key` a key of TARGETS or LIMITS, `value` the figure it limits."""
        target = TARGETS.get(key) or LIMITS.get(key)
        if target is None or target.limit(self.rows) is None or value is None:
            self.lines.append((name, p50, p95, "-", "-"))
            return
        ok = target.met(value, self.rows)
        self.lines.append((name, p50, p95, target.label, "met" if ok else "**missed**"))
        if key in TARGETS:
            self.checked.append((key, name, p50, ok))
        if not ok:
            reason = why(name)
            told = self.reasons.setdefault(reason, name)
            said = reason if told == name else f"As for {told}."
            self.missed.append(f"- {name}: {p50} against {target.label}. {said}")


def size_table(r: dict) -> Size:
    """Every figure of one size beside its target."""
    s, rows = Size(r["rows"]), r["rows"]
    imports, b = r["imports"], r["browser"]
    if imports:
        imp = statistics.median(imports["times"])
        s.row("import into the bundled warehouse (read, districts, validate, link, write)",
              f"{imp:.1f} s = {rows / imp:,.0f} rows/s", f"max {max(imports['times']):.1f} s", "import_s", imp)
        s.row(f"DuckDB read_csv of the same file ({imports['mb']:,.0f} MB, every column)",
              f"{imports['floor']:.1f} s", "")
        s.row("import / read_csv", f"{imp / imports['floor']:.1f}x", "", "import_ratio", imp / imports["floor"])
        s.row("import peak RSS", f"{imports['rss_mb']:,.0f} MB", "", "import_rss_mb", imports["rss_mb"])
        if imports["second"]:
            s.row("second import: 100k new rows into this warehouse", f"{imports['second']:.1f} s", "",
                  "second_s", imports["second"])
        if r["gtd"]:
            g = r["gtd"]["times"][0]
            s.row("import of the same events GTD-shaped (135 columns, two-line summaries)",
                  f"{g:.1f} s ({g / imp:.1f}x ACLED's; read_csv {r['gtd']['floor']:.1f} s; peak RSS "
                  f"{r['gtd']['rss_mb']:,.0f} MB)", "", "gtd_ratio", g / imp)
    for page, times in r["recompute"].items():
        p50, p95 = summary(times)
        s.row(f"in-process recompute, {page} ({r['calls'][page]} queries)", f"{p50:.0f} ms", f"{p95:.0f} ms",
              "recompute_ms", p50)
    n50, n95 = summary(r["naive"]["times"])
    s.row("naive Overview (pandas mask + groupby + all points)", f"{n50:,.0f} ms", f"{n95:,.0f} ms")
    s.row("ours vs naive, Overview", f"{r['ratio']:,.0f}x faster", "", "naive_ratio", r["ratio"])
    s.row("naive: payload per rerun / DataFrame memory / load",
          f"{r['naive']['bytes'] / 1e6:,.1f} MB", f"{r['naive']['memory_mb']:,.0f} MB, {r['naive']['load']:.1f} s")
    o = r["outlook"]
    s.row(f"Outlook computed once per version (backtests of events and deaths as of {o['as_of']}, "
          f"{o['district_months']:,} district-months per horizon; forecast)", f"{o['seconds']:.1f} s", "",
          "outlook_s", o["seconds"])
    if b:
        s.row("browser cold start (streamlit run -> first chart)", f"{b['cold_start']:.1f} s", "",
              "cold_start_s", b["cold_start"])
        for page, p in b["pages"].items():
            p50, p95 = summary(p["times"])
            s.row(f"browser: filter change -> redrawn, {page}", f"{p50:.2f} s", f"{p95:.2f} s", "browser_p50_s", p50)
            s.row(f"browser: bytes per rerun, {page}", f"{p['bytes'] / 1e6:.2f} MB", "", "payload_mb",
                  p["bytes"] / 1e6)
        s.row("server peak RSS", f"{b['rss_mb']:,.0f} MB", "", "server_rss_mb", b["rss_mb"])
    return s


def at_a_glance(sizes: list[Size]) -> list[str]:
    """One row per target and size: the figures (every page's, for a target per page) and
    whether all of them meet it; a size the target names that this run did not measure says so."""
    rows = []
    measured = {s.rows for s in sizes}
    for key, target in TARGETS.items():
        label = f"{target.what} {target.label}"
        lines = [(size, (label, short(size), "not measured in this run", "-"))
                 for size in target.limits if size is not None and size not in measured]
        for s in sizes:
            found = [(name, figure, ok) for k, name, figure, ok in s.checked if k == key]
            if not found:
                continue
            pages = [name.rsplit(", ", 1)[-1].split(" (")[0] for name, _, _ in found]
            figures = ", ".join(f"{page} {figure}" if len(found) > 1 else figure
                                for page, (_, figure, _) in zip(pages, found))
            lines.append((s.rows, (label, short(s.rows), figures,
                                   "met" if all(ok for _, _, ok in found) else "**missed**")))
        rows += [line for _, line in sorted(lines, key=lambda pair: pair[0])]
    return table(("target (issue 29)", "size", "measured", ""), rows)


def section(report: list[dict], args, command: str) -> list[str]:
    """The lines of bench/run.py's section of RESULTS.md."""
    sizes = [size_table(r) for r in report if "failed" not in r]
    lines = ["## The speed benchmark (`make bench`)", "", stamp(command), "",
             "Synthetic ACLED-format events from bench/generate.py (not real data). Times are the "
             f"median (p50) and 95th percentile of {args.runs} filter changes per page; import over "
             f"{args.import_runs} runs (1 at 10M). Targets are issue 29's; the other limits the "
             "earlier speed issue's; \"-\" where none applies at that size."
             + (f" {args.note}" if args.note else ""), "",
             "### Targets at a glance", "", *at_a_glance(sizes), ""]
    tables = iter(sizes)
    for r in report:
        lines += [f"### {size_heading(r)}", ""]
        if "failed" in r:
            lines += [f"The import did not run: {r['failed']}", ""]
            continue
        s = next(tables)
        lines += [*table(("measure", "p50", "p95", "target", ""), s.lines), ""]
        if s.missed:
            lines += ["Missed, by how much and why:", "", *s.missed, ""]
    return lines


def write_results(path, report: list[dict], args, command: str) -> None:
    """bench/run.py's section of the results file at `path`, the other sections kept."""
    write_section(RUN, section(report, args, command), path)
