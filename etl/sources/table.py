"""Reading the big datasets' exports (ACLED, GTD, UCDP, our template) into a frame of text cells,
and turning whole columns into typed values at once, with the first problem of each row recorded.

The row-by-row helpers of common.py suit the small bundled files; an ACLED export of a million
rows needs the vectorised path here: pyarrow reads the CSV (both cores), values are parsed once
per distinct value, and the rejects keep the same file/line/column/value/reason shape.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from etl import schema
from etl.dates import parse_date

LINE = "_line"
REFERENCE = Path(__file__).resolve().parent.parent.parent / "data" / "reference"


class FileProblem(ValueError):
    """A whole file that cannot be read as it is; the message says what to do."""


# --- reading -----------------------------------------------------------------------------------

_SPACE = re.compile(rb"[ \t\n\r\x0b\x0c]*")  # what bytes.strip() removes


def first_byte(data: bytes) -> bytes:
    """The first byte that is not whitespace (b'' when there is none), without copying `data`
    (`data.strip()` would copy a big file to look at its first character)."""
    start = _SPACE.match(data).end()
    return data[start:start + 1]


def head(path: Path, size: int) -> bytes:
    """The first `size` bytes of a file (reading no more of it)."""
    with open(path, "rb") as handle:
        return handle.read(size)


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise FileProblem(f"{name}: is not a text file (it contains NUL bytes); export it as CSV "
                          f"(UTF-8 or Latin-1), JSON or XLSX and import it again.")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileProblem(f"{name}: cannot be decoded")  # pragma: no cover (latin-1 decodes anything)


def normalise_header(names) -> list[str]:
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


def read_table(path: Path, name: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Every data row of a CSV, JSON (ACLED API) or XLSX file as text cells (stripped, '' for blank),
    with lower-case headers and the row's line in column `_line` (1 = header). `columns` (lower
    case) lets the fast CSV reader skip the columns an adapter does not use."""
    data = Path(path).read_bytes()
    if not first_byte(data):
        raise FileProblem(f"{name}: is empty; export the data again (with its header row).")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(path, name)
    if first_byte(data) in (b"{", b"["):
        return _read_json(data, name)
    try:
        return _read_csv_fast(data, columns)
    except Exception:  # ragged rows, quotes, Latin-1: the csv module reads what pyarrow refuses
        frame = _read_csv_rows(decode(data, name), name)
    return _tidy(frame)


def _read_csv_fast(data: bytes, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """pyarrow's multi-threaded reader on UTF-8 bytes; refuses (raises) anything unusual.
    Rows are not dropped here: a row of empty cells is rejected by the adapter with a reason."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if b"\x00" in data[:8192]:
        raise ValueError("binary")
    end = data.find(b"\n")
    first = data[:end if end >= 0 else len(data)].decode("utf-8-sig")
    header = normalise_header(next(csv.reader([first])))
    wanted = [h for h in header if columns is None or h in columns or h in _ALIASES]
    table = pacsv.read_csv(
        io.BytesIO(data),
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=True),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in header},
                                             include_columns=wanted, strings_can_be_null=False,
                                             quoted_strings_can_be_null=False))
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines != table.num_rows + 1:  # blank lines or newlines inside cells: exact lines need csv
        raise ValueError("line numbers would not match")
    table = table.rename_columns(wanted)
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    for c in wanted:
        frame[c] = frame[c].str.strip()
    frame[LINE] = np.arange(2, len(frame) + 2)
    return frame


# Older spellings the adapters rename (kept when `columns` names only the current ones).
_ALIASES = {"ally_actor_1", "ally_actor_2", "best_est", "high_est", "low_est"}


def _read_csv_rows(text: str, name: str) -> pd.DataFrame:
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
            cells = record + [""] * (width - len(record))
            if len(cells) > width:
                cells = cells[:width] + ["\x00extra:" + ",".join(record[width:])]
            else:
                cells = cells + [""]
            rows.append(cells)
            lines.append(line)
        line = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header + ["_extra"], dtype=object) if rows else \
        pd.DataFrame(columns=header + ["_extra"], dtype=object)
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
    import openpyxl

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
    cells = [c for c in frame.columns if c != LINE]
    for c in cells:
        frame[c] = frame[c].astype("str").str.strip()
    if cells and len(frame):
        blank = np.logical_and.reduce([(frame[c] == "").to_numpy() for c in cells])
        frame = frame[~blank]
    return frame.reset_index(drop=True)


def header_of(path: Path, name: str) -> list[str]:
    """The lower-cased column names of a file (for format detection), without reading the rows."""
    data = head(path, 1 << 20)
    if not first_byte(data):
        raise FileProblem(f"{name}: is empty; export the data again (with its header row).")
    if data[:4] == b"PK\x03\x04":
        return [c for c in _read_xlsx(path, name).columns if c != LINE]
    if first_byte(data) in (b"{", b"["):
        return [c for c in _read_json(Path(path).read_bytes(), name).columns if c != LINE]
    text = decode(data, name)
    return normalise_header(next(csv.reader(io.StringIO(text, newline="")), []))


# --- typed columns, first problem per row --------------------------------------------------------

class Cells:
    """Columns of a read table turned into values; the first bad cell of a row rejects the row."""

    def __init__(self, frame: pd.DataFrame, name: str):
        self.frame, self.name = frame, name
        self.bad = pd.Series(False, index=frame.index)
        self.problems: list[pd.DataFrame] = []
        if "_extra" in frame:
            extra = frame["_extra"].str.startswith("\x00extra:")
            self.fail(extra, "*", frame["_extra"].str.replace("\x00extra:", "", regex=False),
                      lambda v: f"the row has more fields than the header (extra: {v!r}); "
                                f"check the quotes of this row")

    def text(self, column: str) -> pd.Series:
        """The column's cells ('' when the file has no such column)."""
        if column in self.frame:
            return self.frame[column]
        return pd.Series("", index=self.frame.index, dtype="str")

    def fail(self, mask: pd.Series, column: str, values: pd.Series, reason,
             keys: pd.Series | None = None) -> None:
        """Reject rows in `mask` (that have no problem yet); `reason(value)` says why (or
        `reason(keys[row])` when keys are given). Reasons are made once per distinct value."""
        mask = mask.fillna(False).astype(bool) & ~self.bad
        if not mask.any():
            return
        shown = values[mask].astype(object)
        basis = shown if keys is None else keys[mask].astype(object)
        reasons = {k: reason(k) for k in pd.unique(basis)}
        self.problems.append(pd.DataFrame({
            "source_file": self.name,
            "source_line": self.frame.loc[mask, LINE].astype(int),
            "column": column,
            "value": shown.map(lambda v: None if v is None else str(v)),
            "reason": basis.map(reasons.__getitem__),
        }))
        self.bad |= mask

    def dates(self, column: str, formats: tuple[str, ...], expected: str) -> pd.Series:
        """The date of each row as datetime64 (NaT for blank), parsed once per distinct text;
        rows with an unreadable date are rejected."""
        raw = self.text(column)
        values = pd.to_datetime(per_value(raw, lambda v: _parse_date(v, formats) if v else None))
        self.fail(raw.ne("") & values.isna(), column, raw,
                  lambda v: f"{column}: {v!r} is not a date (expected {expected})")
        return values

    def numbers(self, column: str) -> pd.Series:
        raw = self.text(column)
        import pyarrow as pa
        import pyarrow.compute as pc

        cleaned = pc.replace_substring(pa.array(raw, type=pa.string(), from_pandas=True), ",", "")
        cleaned = pc.if_else(pc.equal(cleaned, ""), pa.scalar(None, pa.string()), cleaned)
        try:  # strict and fast (pyarrow); any text in the column: the row-exact slow path
            values = pd.Series(pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False),
                               index=raw.index)
        except pa.ArrowInvalid:
            values = pd.to_numeric(pd.Series(cleaned.to_pandas(), index=raw.index),
                                   errors="coerce").astype(float)
        self.fail(raw.ne("") & values.isna(), column, raw, lambda v: f"{column}: {v!r} is not a number")
        return values

    def counts(self, column: str, unknown: tuple[str, ...] = ()) -> pd.Series:
        """Whole numbers >= 0 (nullable); blank and the `unknown` codes (GTD -99) are null."""
        raw = self.text(column)
        values = self.numbers(column)
        values = values.where(~raw.isin(unknown))
        self.fail(values.notna() & ((values < 0) | (values != values.round())), column, raw,
                  lambda v: f"{column}: {v!r} is not a whole number >= 0")
        return values.round().astype("Int64")

    def require(self, column: str, what: str) -> pd.Series:
        raw = self.text(column)
        self.fail(raw.eq(""), column, raw, lambda v: f"{column} is empty ({what})")
        return raw

    def result(self, events: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(events of the rows without a problem, rejects), with source_file and source_line."""
        frame = pd.DataFrame(events, index=self.frame.index)
        frame["source_file"] = self.name
        frame["source_line"] = self.frame[LINE].astype(int)
        rejects = pd.concat(self.problems, ignore_index=True)[list(schema.REJECT_COLUMNS)] \
            if self.problems else schema.empty_rejects()
        return frame[~self.bad].reset_index(drop=True), rejects


def nulls(series: pd.Series) -> pd.Series:
    """Text cells as an object Series with None for blank (what the schema's columns hold)."""
    values = series.to_numpy(dtype=object, na_value=None)
    values[values == ""] = None
    return pd.Series(values, index=series.index, dtype=object)


def per_value(series: pd.Series, func) -> pd.Series:
    """`func(value)` for each row, computed once per distinct value (object Series; a missing
    value gives func(None))."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        mapped[i] = func(value)
    mapped[-1] = func(None) if (codes < 0).any() else None
    return pd.Series(mapped[codes], index=series.index, dtype=object)


def per_combination(columns: list[pd.Series], func) -> pd.Series:
    """`func(*values)` for each row, computed once per distinct combination of the columns'
    values (object Series)."""
    combos, inverse = combinations(columns)
    mapped = np.empty(len(combos), dtype=object)
    for i, values in enumerate(combos):
        mapped[i] = func(*values)
    return pd.Series(mapped[inverse], index=columns[0].index, dtype=object)


def combinations(columns: list[pd.Series]) -> tuple[list[tuple], np.ndarray]:
    """The distinct combinations of the columns' values, and for each row the position of its
    combination in that list."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    levels = []
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
        levels.append(uniques)
    combos, inverse = np.unique(key, return_inverse=True)
    out = []
    for k in combos:
        values = []
        for uniques in reversed(levels):
            k, code = divmod(int(k), len(uniques) + 1)
            values.append(uniques[code])
        out.append(tuple(reversed(values)))
    return out, inverse.reshape(-1)


def _parse_date(text: str, formats: tuple[str, ...]):
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    try:
        return parse_date(text)
    except ValueError:
        return None


# --- reference tables an analyst can extend ------------------------------------------------------

@lru_cache(maxsize=4)
def event_categories(path: Path = REFERENCE / "event_categories.csv") -> dict:
    """(dataset, field, value lower-cased) -> {'non_state': cat, 'state': cat, 'foreign': cat}."""
    out = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out[(row["dataset"], row["field"], row["value"].strip().lower())] = {
                "non_state": row["category"].strip(), "state": row["category_state"].strip(),
                "foreign": row["category_foreign"].strip()}
    return out


@lru_cache(maxsize=4)
def precision_codes(path: Path = REFERENCE / "precision_codes.csv") -> dict:
    """(dataset, field, code) -> (precision, keep_point)."""
    out = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out[(row["dataset"], row["field"], row["code"].strip())] = (
                row["precision"].strip(), row["keep_point"].strip() == "yes")
    return out


def precision(cells: Cells, dataset: str, field: str, default: str) -> tuple[pd.Series, pd.Series]:
    """(our precision, keep the source's point?) per row from data/reference/precision_codes.csv;
    a blank code means `default`; an unknown code rejects the row."""
    table = precision_codes()
    raw = cells.text(field)
    known = {code: value for (d, f, code), value in table.items() if d == dataset and f == field}

    def look(text):  # once per distinct cell: '3.0' (a spreadsheet's number) is code 3
        c = re.sub(r"\.0$", "", text) if isinstance(text, str) else text
        return (known[c][0], known[c][1]) if c in known else ((default if not c else None), not c)

    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    looked = [look(v) for v in uniques] + [look(None)]  # code -1 (a missing cell): the last
    prec = pd.Series(np.array([p for p, _ in looked], dtype=object)[codes], index=raw.index)
    keep = pd.Series(np.array([k for _, k in looked], dtype=bool)[codes], index=raw.index)
    cells.fail(prec.isna(), field, raw,
               lambda v: f"{field}: {v!r} is not a known code (expected one of "
                         f"{', '.join(sorted(known))}; see data/reference/precision_codes.csv)")
    return prec, keep


COUNTRIES = {"pakistan": "PAK", "pak": "PAK", "586": "PAK", "afghanistan": "AFG", "afg": "AFG",
             "4": "AFG"}


def country(cells: Cells, column: str, fallback: str | None = None) -> pd.Series:
    """ISO3 of Pakistan or Afghanistan; a row of another country is rejected with that reason."""
    raw = cells.text(column)
    if fallback and (raw == "").all():
        raw = cells.text(fallback)
        column = fallback
    iso = per_value(raw.str.lower(), COUNTRIES.get)
    cells.fail(iso.isna(), column, raw,
               lambda v: f"{column}: {v!r} is outside the dashboard's region (Pakistan and "
                         f"Afghanistan); the row is not loaded")
    return iso


# Pakistan and Afghanistan with a margin: a point outside is a typo or swapped coordinates.
REGION_BOX = {"latitude": (23.0, 39.0), "longitude": (60.0, 78.0)}


def region_point(cells: Cells, lat: pd.Series, lon: pd.Series) -> None:
    """Reject rows whose point lies outside Pakistan and Afghanistan's box."""
    (lat_lo, lat_hi), (lon_lo, lon_hi) = REGION_BOX["latitude"], REGION_BOX["longitude"]
    inside = lat.between(lat_lo, lat_hi) & lon.between(lon_lo, lon_hi)
    outside = lat.notna() & lon.notna() & ~inside
    shown = (lat[outside].astype(str) + ", " + lon[outside].astype(str)).reindex(lat.index)
    cells.fail(outside, "latitude", shown,
               lambda v: f"latitude, longitude = {v} is outside Pakistan and Afghanistan "
                         f"(latitude {lat_lo:g} to {lat_hi:g}, longitude {lon_lo:g} to {lon_hi:g}); "
                         f"check the coordinates (swapped?)")
