"""Reading raw files the same way for every adapter: encoding detection and line numbers."""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
from pathlib import Path

ENCODINGS = ("utf-8-sig", "cp1252")


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with (UTF-8, with or without BOM, else
    Windows-1252/Latin-1, as older exports are written)."""
    data = Path(path).read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(f"{path}: cannot be decoded as UTF-8 or Windows-1252")  # pragma: no cover


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; line 1 is the header. Cells are stripped strings."""
    text, _ = read_text(path)
    # A StringIO with newline="" splits records only where CSV does (\n, \r): str.splitlines
    # would also split inside a cell at characters such as U+2028 and break the row in two.
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader)]
    rows = []
    line = reader.line_num + 1
    for record in reader:
        if any(cell.strip() for cell in record):
            cells = [c.strip() for c in record] + [""] * (len(header) - len(record))
            rows.append((line, dict(zip(header, cells))))
        line = reader.line_num + 1
    return rows


def number(text: str) -> float | None:
    """A count or coordinate from a cell; None for blank. Raises ValueError for text."""
    text = (text or "").strip().replace(",", "")
    if text == "":
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def count(text: str) -> int | None:
    value = number(text)
    if value is None:
        return None
    if value != int(value) or value < 0:
        raise ValueError(f"{text!r} is not a whole number >= 0")
    return int(value)


def short_hash(*parts: object) -> str:
    key = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def blank_to_none(text: str | None) -> str | None:
    text = re.sub(r"\s+", " ", text or "").strip()
    return text or None


class CellError(ValueError):
    """A cell that cannot be read; the row is quarantined with this column and message."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


class SkipRow(Exception):
    """A row that is not an event (a totals row); it goes to rejects with this reason."""


def cell(row: dict, column: str, parse):
    """`parse(row[column])`, None for a blank cell; a CellError naming the column otherwise."""
    value = row.get(column, "")
    if value == "":
        return None
    try:
        return parse(value)
    except ValueError as err:
        raise CellError(column, f"{column}: {err}") from None


def min_max(row: dict, low_column: str, high_column: str) -> tuple[int | None, int | None, str | None]:
    """(high, low, qa flag) of a min/max pair. High is the larger figure given, low the smaller
    when both are given; a pair written the wrong way round is swapped and flagged."""
    low, high = cell(row, low_column, count), cell(row, high_column, count)
    if low is None or high is None:
        return (high if high is not None else low), None, None
    if low > high:
        return low, high, f"{low_column} > {high_column}: swapped"
    return high, low, None


def load_rows(path: Path, name: str, required: tuple[str, ...], make_event) -> tuple[list, list]:
    """Run `make_event(row)` over every data row: (events, rejects), each tagged with file and line."""
    import etl.schema as schema

    rows = read_rows(path)
    if rows:
        missing = [c for c in required if c not in rows[0][1]]
        if missing:
            raise ValueError(f"{name} line 1: missing column {missing[0]!r} (expected "
                             f"{', '.join(required)}); is this the right format for this file?")
    events, rejects = [], []
    for line, row in rows:
        try:
            event = make_event(row)
        except CellError as err:
            rejects.append(schema.reject(name, line, err.column, row.get(err.column), str(err)))
            continue
        except SkipRow as skip:
            rejects.append(schema.reject(name, line, "*", None, str(skip)))
            continue
        event.update(source_file=name, source_line=line)
        events.append(event)
    return events, rejects
