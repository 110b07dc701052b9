"""Measuring an import (`etl.imports.import_file`) of a generated CSV into a data folder holding
the bundled files, each run in a fresh process with its own peak RSS, beside DuckDB's own
read_csv of the same file (the floor an import cannot beat)."""
from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from bench.process import in_child, peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent


def data_folder(base: Path) -> Path:
    """A data folder holding the bundled inputs (what `python -m etl build` reads)."""
    data = base / "data"
    for part in ("raw", "reference", "population"):
        shutil.copytree(ROOT / "data" / part, data / part)
    return data


def import_once(csv: Path, keep: Path | None, second: Path | None) -> dict:
    """One import in this (fresh) process into the bundled warehouse (built first, untimed, as
    `make run` leaves it): seconds, counts, peak RSS; with `second`, the time of importing it
    into the warehouse just built (an analyst's next file); with `keep`, the warehouse copied
    there."""
    from etl.build import build_warehouse
    from etl.imports import import_file

    out = {}
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        data = data_folder(Path(tmp))
        build_warehouse(data, data / "warehouse.duckdb")
        start = time.perf_counter()
        result = import_file(csv, data, data / "warehouse.duckdb", original=csv.name, max_bytes=1 << 50)
        out["seconds"] = time.perf_counter() - start
        # VmHWM, not ru_maxrss: a spawned child's ru_maxrss starts at its parent's RSS (Linux keeps
        # it across exec), and the parent may have grown generating a large file
        out["rss_mb"] = peak_rss_mb(os.getpid())
        c = result.counts
        out["counts"] = {"read": c.rows_read, "loaded": c.loaded, "out of scope": c.out_of_scope,
                         "rejected": c.rejected, "flagged": c.flagged, "unplaced": c.unplaced}
        if keep is not None:
            shutil.copy2(data / "warehouse.duckdb", keep)
        if second is not None:
            start = time.perf_counter()
            import_file(second, data, data / "warehouse.duckdb", original=second.name, max_bytes=1 << 50)
            out["second_seconds"] = time.perf_counter() - start
    return out


def read_csv_floor(csv: Path) -> float:
    """Seconds DuckDB's own reader takes to read every column of the file into a table: the
    floor an import cannot beat."""
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        start = time.perf_counter()
        con.execute("CREATE TEMP TABLE floor AS SELECT * FROM read_csv(?, all_varchar = true)", [str(csv)])
        return time.perf_counter() - start
    finally:
        con.close()


def measure_import(csv: Path, runs: int, keep: Path | None, second: Path | None = None) -> dict:
    """Each run's seconds (each in a fresh process), peak RSS, DuckDB's read_csv of the same file
    (median of the same number of runs) and, in the last run, the second import's seconds; the
    last run's warehouse is copied to `keep`."""
    runs_out = [in_child(import_once, csv, keep if i == runs - 1 else None,
                         second if i == runs - 1 else None) for i in range(runs)]
    return {"times": [r["seconds"] for r in runs_out], "rss_mb": max(r["rss_mb"] for r in runs_out),
            "counts": runs_out[-1]["counts"], "second": runs_out[-1].get("second_seconds"),
            "floor": statistics.median(read_csv_floor(csv) for _ in range(runs)),
            "mb": csv.stat().st_size / 1e6}
