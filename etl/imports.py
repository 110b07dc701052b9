"""Importing an analyst's file: detect its format, keep a copy under data/imports/, register it in
data/imports/imports.csv and rebuild the warehouse, all or nothing.

Rules:
- the copy's name is generated (`<format>-<first 12 hex of sha256>.<ext>`); the user's file name is
  kept only as text in the registry (short_name), never used as a path;
- the same bytes again (same sha256) change nothing;
- a file of the same format and the same original file name replaces the older one (a newer
  export of the same dataset): its events are replaced by the new file's;
- a whole-file problem (empty, binary, UTF-16, unknown header, no data rows, too large, a build
  that fails) raises ImportProblem naming the file and what to do; the registry, data/imports
  and the warehouse are then as they were.
"""
from __future__ import annotations

import csv
import datetime as dt
import fcntl
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl import build, inputs, schema
from etl.inputs import IMPORTS, IMPORTS_REGISTRY
from etl.progress import Progress, Reading, quiet  # noqa: F401 (Reading: for the Data page)
from etl.read.files import header_of, read_table
from etl.read.sniff import FileProblem, decode, empty_file, head, kind, not_text
from etl.sources.registry import ALIASES, FORMATS

MAX_BYTES = None  # no fixed limit for the CLI but the machine's memory; the Data page sets one
# Memory an import needs. A UTF-8 CSV is read in parts (etl/read/files.py CHUNK_ROWS) and built
# in DuckDB under its memory limit (settings.ETL_MEMORY_LIMIT, spilling beyond it): its size does
# not matter (bench/run.py measures the peak). JSON, XLSX and CSVs only Python's csv module reads
# are read whole: about MEMORY_PER_BYTE times their size (2.7 GB for 427 MB of CSV read whole).
MEMORY_PER_BYTE, MEMORY_BASE = 7, 600 * 1024 ** 2
REGISTRY_COLUMNS = ("file", "format", "dataset", "short_name", "title", "author_publisher",
                    "origin", "licence")
EXTENSIONS = {"csv", "json", "xlsx", "txt"}


class ImportProblem(ValueError):
    """The file cannot be imported as it is; nothing was changed. The message says what to do."""


@dataclass
class ImportSummary:
    original: str
    format: str
    status: str  # imported, replaced, unchanged
    stored: str = ""
    replaced: str = ""
    counts: build.FileCount | None = None
    rejects: pd.DataFrame = field(default_factory=schema.empty_rejects)
    flags: pd.DataFrame = field(default_factory=schema.empty_rejects)
    out_of_scope: pd.DataFrame = field(default_factory=schema.empty_rejects)
    probable_duplicates: int = 0

    def lines(self, first: int = 5) -> list[str]:
        """The summary in words (the CLI prints it, the Data page shows it)."""
        if self.status == "unchanged":
            return [f"{self.original}: already imported as {self.stored} (same contents); "
                    f"nothing changed."]
        c = self.counts
        out = [f"{self.original}: imported as {self.stored} (format {self.format})"
               + (f", replacing {self.replaced}" if self.replaced else "") + ".",
               f"rows read {c.rows_read:,} = loaded {c.loaded:,} + out of scope {c.out_of_scope:,} "
               f"+ rejected {c.rejected:,} + duplicate ids {c.duplicates:,}; loaded with quality "
               f"flags {c.flagged:,}; probable duplicates of other datasets "
               f"{self.probable_duplicates:,}; events without a district {c.unplaced:,}."]
        if len(self.out_of_scope):
            countries = self.out_of_scope.groupby("value").size().sort_values(ascending=False)
            out.append("Out of scope (countries the dashboard does not cover, not errors): "
                       + ", ".join(f"{name} {n:,}" for name, n in countries.head(first).items())
                       + (", ..." if len(countries) > first else "") + ".")
        for what, frame, table in (("rejects", self.rejects, "rejects"),
                                   ("quality flags", self.flags, "quality_flags")):
            if len(frame):
                reasons = frame.groupby("reason").size().sort_values(ascending=False)
                out.append(f"First reasons for {what} ({len(reasons)} distinct; all are in table "
                           f"`{table}` and on the Data page):")
                for reason, n in reasons.head(first).items():
                    out.append(f"  {n:,} x {reason}")
        return out


def detect(path: Path, name: str, wanted: str = "auto") -> str:
    """The format of the file from its header; ImportProblem listing what each format misses."""
    try:
        header = {ALIASES.get(h, h) for h in header_of(path, name)}
    except FileProblem as err:
        raise ImportProblem(str(err)) from None
    missing = {name: [c for c in f.required if c not in header] for name, f in FORMATS.items()
               if f.detect or name == wanted}
    if wanted != "auto":
        if wanted not in FORMATS:
            raise ImportProblem(f"{name}: format {wanted!r} is not known (expected auto or one "
                                f"of {', '.join(FORMATS)}).")
        if missing[wanted]:
            raise ImportProblem(f"{name}: is not a {wanted} file: the header lacks "
                                f"{', '.join(missing[wanted])}. Check the export, or use "
                                f"--format auto to detect the format.")
        return wanted
    for f, gaps in missing.items():
        if not gaps:
            return f
    listing = "; ".join(f"{f} lacks {', '.join(gaps)}" for f, gaps in missing.items())
    raise ImportProblem(f"{name}: the header matches no format the dashboard reads ({listing}). "
                        f"Export the file with its original column names, or fill in the event "
                        f"template from the Data page.")


def check_file(path: Path, name: str, max_bytes: int | None = MAX_BYTES) -> None:
    """Whole-file problems, before anything is copied."""
    path = Path(path)
    if not path.is_file():
        raise ImportProblem(f"{name}: no such file.")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise ImportProblem(f"{name}: is {_size(size)}, over the limit of {_size(max_bytes)}; "
                            f"split the export by year and import the parts.")
    start = head(path)
    found = kind(start)
    need, free = MEMORY_BASE + MEMORY_PER_BYTE * size, available_memory()
    if free is not None and need > free and not _streamed(start, found):
        raise ImportProblem(f"{name}: is {_size(size)}; importing it needs about {_size(need)} of "
                            f"memory and this machine has {_size(free)} available. Import it on a "
                            f"machine with more memory, or split the export by year and import the "
                            f"parts.")
    if found == "empty":
        raise ImportProblem(str(empty_file(name)))
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise ImportProblem(f"{name}: is UTF-16 encoded (as Excel's 'Unicode text'); save it as "
                            f"'CSV UTF-8' and import it again.")
    if found != "xlsx" and b"\x00" in start[:8192]:
        raise ImportProblem(str(not_text(name)))
    if found in ("xlsx", "json"):
        try:
            rows = len(read_table(path, name))
        except FileProblem as err:
            raise ImportProblem(str(err)) from None
        if not rows:
            raise ImportProblem(f"{name}: has no data rows; export the data again.")
        return
    text = decode(start, name)
    records = [r for r in csv.reader(io.StringIO(text, newline="")) if any(c.strip() for c in r)]
    if len(records) < 2:
        raise ImportProblem(f"{name}: has a header but no data rows; export the data again.")


def _streamed(start: bytes, found: str) -> bool:
    """Is the file (of kind `found`, starting with the bytes `start`) a CSV read in parts (UTF-8,
    as far as its first megabyte shows)?"""
    if found != "csv":
        return False
    try:
        start.decode("utf-8")
    except UnicodeDecodeError as err:
        return err.start > len(start) - 4  # a character cut at the end of the sample
    return True


def _size(n: int) -> str:
    if n >= 10 ** 9:
        return f"{n / 1e9:,.1f} GB"
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def available_memory() -> int | None:
    """Bytes of memory available to a new task (Linux's MemAvailable; None elsewhere)."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def safe_name(original: str) -> str:
    """The user's file name as text: its last part, printable, at most 120 characters."""
    base = re.split(r"[\\/]", str(original))[-1]
    base = re.sub(r"[^\w.\- ()]+", "_", base).strip(" .") or "upload"
    return base[:120]


def import_file(path: Path, data_dir: Path, warehouse: Path, fmt: str = "auto",
                original: str | None = None, max_bytes: int | None = MAX_BYTES,
                today: dt.date | None = None, progress: Progress = quiet,
                title: str | None = None, origin: str | None = None) -> ImportSummary:
    """Import the file at `path` (named `original` by the user) and rebuild the warehouse. Any
    failure raises ImportProblem (one line naming the file and the cause, the original exception
    chained for --debug) with data/imports and the warehouse as they were. `title` and `origin`
    (what the registry and the Data page say about the file, such as the release a fetch took)
    default to the analyst's import."""
    path, data_dir = Path(path), Path(data_dir)
    original = safe_name(original or path.name)
    try:
        return _import(path, data_dir, Path(warehouse), fmt, original, max_bytes, today, progress,
                       title, origin)
    except ImportProblem:
        raise
    except Exception as err:  # a check that failed in a way nobody foresaw: still one line
        raise ImportProblem(f"{original}: not imported: {type(err).__name__}: {err}. Nothing was "
                            f"changed.") from err


def _import(path, data_dir, warehouse, fmt, original, max_bytes, today, progress, title,
            origin) -> ImportSummary:
    check_file(path, original, max_bytes)
    fmt = detect(path, original, fmt)
    digest = inputs.file_sha256(path)
    ext = original.rsplit(".", 1)[-1].lower() if "." in original else "csv"
    stored = f"{fmt}-{digest[:12]}.{ext if ext in EXTENSIONS else 'csv'}"
    folder = data_dir / IMPORTS
    folder.mkdir(parents=True, exist_ok=True)
    with open(_lock_path(folder), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        registry_path = folder / IMPORTS_REGISTRY
        before = registry_path.read_bytes() if registry_path.exists() else None
        rows = inputs.read_registry(data_dir, IMPORTS)
        inputs.remember_hashes(warehouse)  # the earlier imports are not hashed again
        for row in rows:
            if inputs.file_sha256(folder / row["file"]) == digest:
                return ImportSummary(original, row["format"], "unchanged", stored=f"imports/{row['file']}")
        older = [r for r in rows if r["format"] == fmt and r["short_name"].lower() == original.lower()]
        rows = [r for r in rows if r not in older]
        rows.append({
            "file": stored, "format": fmt, "dataset": FORMATS[fmt].dataset, "short_name": original,
            "title": title or f"{original} (imported {dt.date.today().isoformat()})",
            "author_publisher": FORMATS[fmt].publisher,
            "origin": origin or "imported by an analyst (python -m etl import or the Data page)",
            "licence": "the analyst's licence; kept in data/imports, never committed",
        })
        try:
            inputs.copy_file(path, folder / stored, digest)
            _write_registry(registry_path, rows)
            result = build.build_warehouse(data_dir, warehouse, progress=progress, today=today)
        except BaseException as err:  # whatever went wrong (Ctrl-C too): data/imports as it was
            (folder / stored).unlink(missing_ok=True)
            if before is None:
                registry_path.unlink(missing_ok=True)
            else:
                registry_path.write_bytes(before)
            if not isinstance(err, Exception):
                raise
            cause = str(err) if isinstance(err, inputs.BuildError) else f"{type(err).__name__}: {err}"
            raise ImportProblem(f"{original}: not imported: {cause.replace(f'imports/{stored}', original)}"
                                f" Nothing was changed.") from err
        for row in older:
            (folder / row["file"]).unlink(missing_ok=True)
    name = f"{IMPORTS}/{stored}"
    counts = next(c for c in result.files if c.file == name)

    def of_file(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["source_file"] == name].reset_index(drop=True)

    return ImportSummary(original, fmt, "replaced" if older else "imported", stored=name,
                         replaced=", ".join(f"imports/{r['file']}" for r in older), counts=counts,
                         rejects=of_file(result.rejects), flags=of_file(result.flags),
                         out_of_scope=of_file(result.out_of_scope),
                         probable_duplicates=_probable(result.warehouse, name))


def remove_file(stored: str, data_dir: Path, warehouse: Path, progress: Progress = quiet) -> str:
    """Take an imported file out (its copy, its registry line) and rebuild, all or nothing.
    `stored` is the name under data/imports/ (with or without 'imports/') or the original file
    name the analyst gave it."""
    data_dir = Path(data_dir)
    folder = data_dir / IMPORTS
    registry_path = folder / IMPORTS_REGISTRY
    with open(_lock_path(folder), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rows = inputs.read_registry(data_dir, IMPORTS) if registry_path.exists() else []
        key = stored.removeprefix(f"{IMPORTS}/")
        gone = [r for r in rows if key in (r["file"], r["short_name"])]
        if not gone:
            listed = ", ".join(f"{r['file']} ({r['short_name']})" for r in rows) or "nothing is imported"
            raise ImportProblem(f"{stored}: no such imported file (imported: {listed}).")
        before = registry_path.read_bytes()
        _write_registry(registry_path, [r for r in rows if r not in gone])
        try:
            build.build_warehouse(data_dir, warehouse, progress=progress)
        except BaseException as err:
            registry_path.write_bytes(before)
            if not isinstance(err, Exception):
                raise
            raise ImportProblem(f"{stored}: not removed: {err} Nothing was changed.") from err
        for r in gone:
            (folder / r["file"]).unlink(missing_ok=True)
    return ", ".join(f"imports/{r['file']} ({r['short_name']})" for r in gone)


def _lock_path(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder / ".lock"


def _probable(warehouse: Path, name: str) -> int:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "SELECT count(*) FROM events e JOIN (SELECT event_id FROM duplicate_links UNION "
            "SELECT linked_event_id FROM duplicate_links) l USING (event_id) "
            "WHERE e.source_file = ?",
            [name]).fetchone()[0]
    finally:
        con.close()


def _write_registry(path: Path, rows: list[dict]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(REGISTRY_COLUMNS), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
