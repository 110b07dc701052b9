"""The readers: every data row of a CSV, JSON (ACLED API) or XLSX file as text cells, in parts
(Part) for the adapters. A CSV is read by DuckDB when it can read it exactly (etl/read/plan.py),
else by Python's csv module."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

import settings
from etl.read.part import EXTRA, LINE, Part
from etl.read.plan import Reread, plan_csv
from etl.read.sniff import (FileProblem, decode, drop_hxl, empty_file, head, is_hxl, kind,
                            normalise_header)

CHUNK_ROWS = settings.ETL_PART_ROWS  # rows per part of a big CSV: what bounds an import's memory

# The ways to read a CSV, fastest first; a caller streaming parts tries the next on Reread or a
# DuckDB error (the build: etl/stage.py stage_file):
# - "streamed": DuckDB, the columns with line breaks found in the first rows, every row's line
#   checked against the file's line count once all are read (Reread if they do not add up);
# - "checked": DuckDB after a pass that counts the rows and line breaks (Python's csv module when
#   they do not add up);
# - "csv": Python's csv module.
READS = ("streamed", "checked", "csv")


def read_table(path: Path, name: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every data row of a CSV, JSON (ACLED API) or XLSX file as text cells (stripped, '' for blank),
    with lower-case headers and the row's line in column `_line` (1 = header). `columns` (lower
    case) lets the CSV reader skip the columns an adapter does not use."""
    parts = read_whole(lambda how: read_chunks(path, name, columns, rows=None, how=how))
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def read_whole(parts_of) -> list:
    """Every part `parts_of(how)` gives, for a caller that keeps them all: read counted first (no
    part is given before the file is known to add up), by the csv module when DuckDB refuses a
    row part way (Reread)."""
    try:
        return list(parts_of("checked"))
    except Reread:
        return list(parts_of("csv"))


def read_chunks(path: Path, name: str, columns: tuple[str, ...] | None = None,
                rows: int | None = CHUNK_ROWS, how: str = "checked"):
    """The frames of the parts `read_parts` gives."""
    return (part.frame for part in read_parts(path, name, columns, rows, how))


def read_parts(path: Path, name: str, columns: tuple[str, ...] | None = None,
               rows: int | None = CHUNK_ROWS, how: str = "checked"):
    """The file's data rows as read_table gives them, in parts (Part) of about `rows` rows (a CSV
    that DuckDB reads exactly), else in one part (JSON, XLSX, and CSVs only Python's csv module
    reads: Windows-1252 bytes, ragged rows, stray quotes, blank lines; or any CSV read
    `how="csv"`). `how`: one of READS; "streamed" may raise Reread part way or after the last part
    (and a DuckDB error when it refuses the first rows). Only the `columns` an adapter uses are
    kept, whichever way the file is read (a stray byte in another column is neither read nor
    flagged)."""
    path = Path(path)
    start = head(path)
    found = kind(start)
    if found == "empty":
        raise empty_file(name)
    if found == "xlsx":
        yield Part(drop_hxl(_read_xlsx(path, name)))
        return
    if found == "json":
        yield Part(drop_hxl(_read_json(path.read_bytes(), name)))
        return
    plan = plan_csv(path, start, columns, checked=how == "checked") if how != "csv" else None
    if plan is None:
        frame = _read_csv_rows(decode(path.read_bytes(), name), name)
        yield Part(_only(drop_hxl(_tidy(frame)), columns))
        return
    yield from plan.parts(rows, verify=how == "streamed")


def _only(frame: pd.DataFrame, columns: tuple[str, ...] | None) -> pd.DataFrame:
    """The frame's columns an adapter uses (`columns`; None: all), with the row's line and its
    extra fields: what DuckDB's read keeps (plan_csv's `wanted`)."""
    if columns is None:
        return frame
    return frame[[c for c in frame.columns if c in columns or c in (LINE, EXTRA)]]


def header_of(path: Path, name: str) -> list[str]:
    """The lower-cased column names of a file (for format detection), without reading the rows."""
    start = head(path)
    found = kind(start)
    if found == "empty":
        raise empty_file(name)
    if found == "xlsx":
        return [c for c in _read_xlsx(path, name).columns if c != LINE]
    if found == "json":
        return [c for c in _read_json(Path(path).read_bytes(), name).columns if c != LINE]
    return normalise_header(next(csv.reader(io.StringIO(decode(start, name), newline="")), []))


def count_records(path: Path, name: str) -> int:
    """How many data rows the file holds, counted without the adapters' reader: records (CSV rows,
    JSON objects under "data", worksheet rows) with at least one non-blank cell, after the header,
    without an HXL tag row. The build checks every file's outcome against this count."""
    data = Path(path).read_bytes()
    found = kind(data)
    if found == "xlsx":
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = [r for r in book.worksheets[0].iter_rows(values_only=True)
                    if any(v is not None and str(v).strip() for v in r)][1:]
        finally:
            book.close()
    elif found == "json":
        doc = json.loads(decode(data, name))
        records = doc.get("data") if isinstance(doc, dict) else doc
        rows = [list(r.values()) for r in records
                if any(v is not None and str(v).strip() for v in r.values())]
    else:
        reader = csv.reader(io.StringIO(decode(data, name), newline=""))
        next(reader, None)
        rows = [r for r in reader if any(c.strip() for c in r)]
    return len(rows) - (1 if rows and is_hxl(rows[0]) else 0)


def _read_csv_rows(text: str, name: str) -> pd.DataFrame:
    """The rows of a CSV's text by the csv module: a row shorter than the header padded with blank
    cells; the fields of a longer one beyond the header, joined, in column EXTRA ('' for none)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = normalise_header(next(reader))
    except StopIteration:  # pragma: no cover (empty files are refused before)
        raise FileProblem(f"{name}: is empty") from None
    rows, lines = [], []
    line = reader.line_num + 1
    width = len(header)
    for record in reader:
        if any(c.strip() for c in record):
            if len(record) > width and not any(c.strip() for c in record[width:]):
                record = record[:width]  # a trailing comma (UCDP): an empty extra field
            cells = record[:width] + [""] * (width - len(record))
            rows.append(cells + [",".join(record[width:])])
            lines.append(line)
        line = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header + [EXTRA], dtype=object) if rows else \
        pd.DataFrame(columns=header + [EXTRA], dtype=object)
    frame[LINE] = lines
    return frame


def _read_json(data: bytes, name: str) -> pd.DataFrame:
    try:
        doc = json.loads(decode(data, name))
    except json.JSONDecodeError as err:
        raise FileProblem(f"{name}: is not valid JSON ({err.msg} at line {err.lineno}); download "
                          f"it again from the ACLED API or export a CSV.") from None
    records = doc.get("data") if isinstance(doc, dict) else doc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise FileProblem(f"{name}: JSON without a list of rows under \"data\" (the ACLED API's "
                          f"shape: {{\"status\": 200, \"data\": [{{...}}, ...]}}).")
    frame = pd.DataFrame([{k: "" if v is None else str(v) for k, v in r.items()} for r in records],
                         dtype=object)
    frame.columns = normalise_header(frame.columns)
    frame[LINE] = np.arange(1, len(frame) + 1)  # the record's position in "data"
    return _tidy(frame)


def _read_xlsx(path: Path, name: str) -> pd.DataFrame:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as err:  # a zip that is not a workbook
        raise FileProblem(f"{name}: is not a readable XLSX workbook ({type(err).__name__}); "
                          f"save it again from Excel or export a CSV.") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = normalise_header(next(rows, ()))
        out, lines = [], []
        for number, values in enumerate(rows, start=2):
            cells = [_xlsx_text(v) for v in values][:len(header)]
            cells += [""] * (len(header) - len(cells))
            if any(cells):
                out.append(cells)
                lines.append(number)
    finally:
        book.close()
    frame = pd.DataFrame(out, columns=header, dtype=object)
    frame[LINE] = lines
    return _tidy(frame)


def _xlsx_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells stripped (the extra fields kept as written), rows blank in every cell dropped."""
    cells = [c for c in frame.columns if c != LINE]
    for c in cells:
        if c != EXTRA:
            frame[c] = frame[c].astype("str").str.strip()
    if cells and len(frame):
        blank = np.logical_and.reduce([(frame[c] == "").to_numpy() for c in cells])
        frame = frame[~blank]
    return frame.reset_index(drop=True)
