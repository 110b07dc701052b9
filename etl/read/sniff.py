"""What a file is, found once for every reader: its kind (XLSX, JSON or CSV), its text encoding,
its header, whether its first row is an HXL tag row, and its lines.

Every question about a file's first bytes is answered here (the readers of etl/read/files.py,
the DuckDB plan of etl/read/plan.py and the import's checks of etl/imports.py ask this module).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

import pandas as pd

from etl.read.part import EXTRA, LINE

STRAY = "\ufffd"  # what a byte that is not text in the file's encoding becomes
HEAD_BYTES = 1 << 20  # how much of a file is read to tell its kind, encoding and header
ZIP = b"PK\x03\x04"  # an XLSX workbook is a zip file

_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]*")  # what bytes.strip() removes
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


class FileProblem(ValueError):
    """A whole file that cannot be read as it is; the message says what to do."""


def head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first `size` bytes of a file (reading no more of it)."""
    with open(path, "rb") as handle:
        return handle.read(size)


def first_byte(data: bytes) -> bytes:
    """The first byte that is not whitespace (b'' when there is none), without copying `data`
    (`data.strip()` would copy a big file to look at its first character)."""
    start = _SPACE.match(data).end()
    return data[start:start + 1]


def kind(start: bytes) -> str:
    """What the bytes a file starts with say it is: 'empty' (whitespace at most), 'xlsx' (a zip:
    the workbook), 'json' (an object or a list: the ACLED API's download) or 'csv'."""
    if not first_byte(start):
        return "empty"
    if start[:4] == ZIP:
        return "xlsx"
    return "json" if first_byte(start) in (b"{", b"[") else "csv"


def empty_file(name: str) -> FileProblem:
    return FileProblem(f"{name}: is empty; export the data again (with its header row).")


def not_text(name: str) -> FileProblem:
    return FileProblem(f"{name}: is not a text file (it contains NUL bytes); export it as CSV "
                       f"(UTF-8 or Latin-1), JSON or XLSX and import it again.")


def decode(data: bytes, name: str) -> str:
    """The file's text: UTF-8 (with or without BOM); else, when the bytes hold UTF-8 sequences, UTF-8
    with the stray bytes replaced; else Windows-1252 (Latin-1 exports), with the bytes it leaves
    undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) replaced. A replaced byte becomes U+FFFD (STRAY), and
    Cells flags the cell that holds it."""
    if b"\x00" in data[:8192]:
        raise not_text(name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        return data.decode("utf-8-sig", errors="replace")
    return data.decode("cp1252", errors="replace")


def normalise_header(names) -> list[str]:
    """Column names lower-cased and stripped (a BOM removed), a blank one named column_<n> and a
    repeated one numbered (`name_2`)."""
    out, seen = [], {}
    for raw in names:
        name = ("" if raw is None else str(raw)).replace("\ufeff", "").strip().lower()
        name = name or f"column_{len(out) + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 1
        out.append(name)
    return out


def csv_header(start: bytes, name: str) -> list[str]:
    """The lower-cased column names of a CSV that starts with the bytes `start`."""
    return normalise_header(next(csv.reader(io.StringIO(decode(start, name), newline="")), []))


def is_hxl(cells) -> bool:
    """A row of HXL tags (files re-published on the Humanitarian Data Exchange: every filled cell
    starts with '#'); it names the columns and is not data."""
    filled = [str(c).strip() for c in cells if str(c).strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def drop_hxl(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame without its first row when that row is an HXL tag row."""
    if len(frame) and is_hxl(frame.drop(columns=[LINE, EXTRA], errors="ignore").iloc[0]):
        return frame.iloc[1:].reset_index(drop=True)
    return frame


def line_count(path: Path, utf8: bool = False) -> int | None:
    """The file's lines (a last line without a line break counts), one pass; with `utf8`, None
    unless the whole file is UTF-8. Without it the file is not decoded: the streamed read needs no
    more, since DuckDB refuses a byte that is not UTF-8 in a column it reads (and the read falls
    back to the next way)."""
    decoder = codecs.getincrementaldecoder("utf-8")() if utf8 else None
    breaks, last = 0, b""
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 24), b""):
                if decoder:
                    decoder.decode(block)
                breaks, last = breaks + block.count(b"\n"), block[-1:]
        if decoder:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return None
    return breaks + (0 if last in (b"\n", b"") else 1)
