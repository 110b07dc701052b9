"""bench/RESULTS.md, the one file of figures: each benchmark script writes its own section of it
(`make bench` = bench/run.py, bench/load.py per configuration, bench/deck.py), between two markers
that name the section, and a run replaces its own section and keeps the others. The one writer of
Markdown tables (`table`) and the one description of the machine (`machine`) are here too.

A file written before the sections existed (no markers) is kept whole as the section of
bench/run.py, which wrote it."""
from __future__ import annotations

import os
import platform
import re
import subprocess
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
TITLE = "# Benchmark results"
INTRO = ("Written by the benchmark scripts, never by hand: each writes its own section (between "
         "markers naming it) and keeps the others. How each figure is made: "
         "[docs/performance.md](../docs/performance.md).")
RUN = "bench/run.py"  # the section of `make bench`, and of a file written before sections existed
_SECTION = re.compile(r"<!-- section: (?P<key>[^\n]+?) -->\n(?P<body>.*?)<!-- end of section -->\n?", re.S)


def table(header: Sequence[str], rows: Iterable[Sequence]) -> list[str]:
    """The lines of a Markdown table: `header`, then one line per row (cells as str, a `|` in a
    cell escaped)."""
    def line(cells) -> str:
        return "| " + " | ".join(str(cell).replace("|", "\\|") for cell in cells) + " |"

    return [line(header), "|" + "---|" * len(header), *(line(row) for row in rows)]


def sections(text: str) -> dict[str, str]:
    """The sections of a results file's text, in order: key -> body (a file without markers:
    everything after its title, as bench/run.py's)."""
    found = {m["key"]: m["body"] for m in _SECTION.finditer(text)}
    if found or not text.strip():
        return found
    legacy = text.split("\n", 1)[1] if text.startswith(TITLE) else text
    return {RUN: legacy.strip("\n") + "\n"}


def write_section(key: str, lines: Sequence[str], path: Path = RESULTS) -> None:
    """Replace the section `key` of the results file at `path` by `lines` (a new key goes last),
    keeping every other section as it was; written to a temporary file and renamed over it."""
    found = sections(path.read_text(encoding="utf-8")) if path.exists() else {}
    found[key] = "\n".join(lines).strip("\n") + "\n"
    parts = [TITLE, "", INTRO, ""]
    for name, body in found.items():
        parts += [f"<!-- section: {name} -->", body.rstrip("\n"), "<!-- end of section -->", ""]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(parts), encoding="utf-8")
    tmp.replace(path)


def machine() -> str:
    """The machine and the versions that shape the figures, in one sentence."""
    import pandas
    import plotly
    import streamlit

    from tests.support.chromium import chromium

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) / 1024 / 1024
    try:
        browser = subprocess.run([chromium(), "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        browser = ""
    return (f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB RAM, {platform.platform()}; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, pandas "
            f"{pandas.__version__}, Streamlit {streamlit.__version__}, plotly {plotly.__version__}, "
            f"{browser or 'no chromium'}")


def load_average() -> str:
    """The machine's load when the figures were taken (1, 5 and 15 minutes), to read them by."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f} on {os.cpu_count()} cores"


def stamp(command: str) -> str:
    """The first line of a section: which command wrote it, when, on what."""
    return f"`{command}` on {time.strftime('%Y-%m-%d %H:%M')}, {machine()}; {load_average()} at the end."
