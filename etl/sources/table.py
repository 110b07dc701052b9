"""Reading the big datasets' exports (ACLED, GTD, UCDP, our template) into a frame of text cells,
and turning whole columns into typed values at once, with the first problem of each row recorded.

The row-by-row helpers of common.py suit the small bundled files; an ACLED export of a million
rows needs the vectorised path here: pyarrow reads the CSV (both cores), values are parsed once
per distinct value, and the rejects keep the same file/line/column/value/reason shape.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

import settings
from etl import reference, schema
from etl.dates import parse_date
from etl.sources.registry import ALIASES

LINE = "_line"


class FileProblem(ValueError):
    """A whole file that cannot be read as it is; the message says what to do."""


class Reread(Exception):
    """A CSV streamed by DuckDB without counting its rows first (`how="streamed"`) that cannot be
    read that way: at the end its rows do not add up to its lines (line breaks in a column that
    had none in the first rows; blank lines, which DuckDB skips), a row is blank in every column
    read, or DuckDB refused a row part way (a ragged row, a stray quote). The parts given are
    wrong; read the file again the next way of READS."""


# The ways to read a CSV, fastest first; a caller streaming parts tries the next on Reread or a
# DuckDB error (the build: etl/build.py _stage_file):
# - "streamed": DuckDB, the columns with line breaks found in the first rows, every row's line
#   checked against the file's line count once all are read (Reread if they do not add up);
# - "checked": DuckDB after a pass that counts the rows and line breaks (Python's csv module when
#   they do not add up);
# - "csv": Python's csv module.
READS = ("streamed", "checked", "csv")


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


# The one list of spellings real files use for "unknown" (compared lower-cased, after stripping).
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "#n/a"})
STRAY = "\ufffd"  # what a byte that is not text in the file's encoding becomes
EXACT_TEXT = "exact_text"  # frame.attrs key: the cells are the file's text, no byte replaced
READ = "read"  # frame.attrs key: (the file's lines read up to the part's end, its lines)
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


def _cp1252_or_replace(err: UnicodeDecodeError):
    """Bytes Windows-1252 leaves undefined (0x81, 0x8d, 0x8f, 0x90, 0x9d) become U+FFFD."""
    return STRAY, err.end


codecs.register_error("cp1252_or_replace", _cp1252_or_replace)


def decode(data: bytes, name: str) -> str:
    """The file's text: UTF-8 (with or without BOM); else, when the bytes hold UTF-8 sequences, UTF-8
    with the stray bytes replaced; else Windows-1252 (Latin-1 exports), with its undefined bytes
    replaced. A replaced byte becomes U+FFFD, and Cells flags the cell that holds it."""
    if b"\x00" in data[:8192]:
        raise FileProblem(f"{name}: is not a text file (it contains NUL bytes); export it as CSV "
                          f"(UTF-8 or Latin-1), JSON or XLSX and import it again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if _UTF8_SEQUENCE.search(data):
        return data.decode("utf-8-sig", errors="replace")
    return data.decode("cp1252", errors="cp1252_or_replace")


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


CHUNK_ROWS = settings.ETL_PART_ROWS  # rows per part of a big CSV: what bounds an import's memory


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
    """The file's data rows as read_table gives them, in frames of about `rows` rows (a CSV that
    DuckDB reads exactly), else in one frame (JSON, XLSX, and CSVs only Python's csv module reads:
    Windows-1252 bytes, ragged rows, stray quotes, blank lines; or any CSV read `how="csv"`).
    `how`: one of READS; "streamed" may raise Reread part way or after the last part (and a
    DuckDB error when it refuses the first rows). Only the `columns` an adapter uses are kept,
    whichever way the file is read (a stray byte in another column is neither read nor flagged)."""
    path = Path(path)
    start = head(path, 1 << 20)
    if not first_byte(start):
        raise FileProblem(f"{name}: is empty; export the data again (with its header row).")
    if start[:4] == b"PK\x03\x04":
        yield _drop_hxl(_read_xlsx(path, name))
        return
    if first_byte(start) in (b"{", b"["):
        yield _drop_hxl(_read_json(path.read_bytes(), name))
        return
    plan = _duckdb_plan(path, start, columns, checked=how == "checked") if how != "csv" else None
    if plan is None:
        yield _only(_drop_hxl(_tidy(_read_csv_rows(decode(path.read_bytes(), name), name))), columns)
        return
    yield from plan.chunks(rows, verify=how == "streamed")


def _only(frame: pd.DataFrame, columns: tuple[str, ...] | None) -> pd.DataFrame:
    """The frame's columns an adapter uses (`columns`; None: all, and their old names), with the
    row's line and its extra fields: what DuckDB's read keeps (_duckdb_plan's `wanted`)."""
    if columns is None:
        return frame
    return frame[[c for c in frame.columns if c in columns or c in ALIASES or c in (LINE, "_extra")]]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _DuckDBPlan:
    """How DuckDB reads a CSV exactly: strict (UTF-8, every row as wide as the header, RFC 4180
    quotes, line breaks inside quoted cells allowed), each row with the line it starts on (a row
    starts after the line breaks inside the rows before it)."""

    def __init__(self, path: Path, header: list[str], wanted: list[str], lines: int):
        import duckdb

        self.path, self.wanted, self.lines = path, wanted, lines  # lines: the file's, header included
        types = ", ".join(f"{schema.sql_text(h)}: 'VARCHAR'" for h in header)
        self.source = (f"read_csv(?, header = true, auto_detect = false, delim = ',', quote = '\"', "
                       f"escape = '\"', strict_mode = true, null_padding = false, "
                       f"allow_quoted_nulls = false, columns = {{{types}}})")
        self.header = header
        self.con = duckdb.connect()
        # memory bounded: the parts are handed over as they are read, not the whole file
        self.con.execute("SET preserve_insertion_order = true; SET enable_progress_bar = false; "
                         "SET memory_limit = '1GB'")
        self.with_breaks, self.breaks = False, ""  # where rows hold line breaks: set by `sample`

    def query(self, select: str):
        return self.con.sql(f"SELECT {select} FROM {self.source}", params=[str(self.path)])

    def scalars(self, select: str, limit: int | None = None) -> tuple:
        """One row of aggregates over the file's rows (or its first `limit` rows)."""
        rows = f"(SELECT * FROM {self.source} LIMIT {int(limit)})" if limit else self.source
        return self.con.execute(f"SELECT {select} FROM {rows}", [str(self.path)]).fetchall()[0]

    def sample(self) -> list[str]:
        """The columns with a line break in a cell of the first SAMPLE_ROWS rows; the parts count
        the breaks of these (a row starts after the breaks inside the rows before it)."""
        found = self.scalars(", ".join(f"bool_or(contains({_ident(h)}, chr(10)))"
                                       for h in self.header), limit=SAMPLE_ROWS)
        columns = [h for h, has in zip(self.header, found) if has]
        self.with_breaks, self.breaks = bool(columns), _breaks(columns)
        return columns

    def check(self) -> bool:
        """Can DuckDB read the file, row for row as the csv module would? Line breaks inside cells
        (GTD's summaries) are counted in the columns that hold one in the first rows, in the same
        pass as the rows; in every column (three times the parse of GTD's 135) only if the lines
        fall short. Blank lines, which DuckDB skips, make them fall short too."""
        columns = self.sample()
        first = _blank_sql(self.wanted[0])
        rows, maybe_blank, inner = self.scalars(
            f"count(*), count(*) FILTER (WHERE {first}), "
            f"{'sum(' + _breaks(columns) + ')' if columns else '0'}")
        blank = " AND ".join(_blank_sql(h) for h in self.wanted)
        if maybe_blank and self.scalars(f"count(*) FILTER (WHERE {blank})")[0]:
            return False  # a row blank in the columns read: the csv module decides if it is data
        if self.lines == rows + 1 + int(inner or 0):
            return True
        self.with_breaks, self.breaks = True, _breaks(self.header)
        return self.lines == rows + 1 + int(self.scalars(f"sum({self.breaks})")[0] or 0)

    def chunks(self, rows: int | None, verify: bool = False):
        """The parts; Reread when DuckDB refuses a row part way, and with `verify` (no `check`
        before) after the last part when the rows do not add up to the file's lines or a row is
        blank in every column read."""
        import pyarrow as pa
        import pyarrow.compute as pc

        cells = ", ".join(f"coalesce({_ident(h)}, '') AS {_ident(h)}" for h in self.wanted)
        extra = f", {self.breaks} AS __breaks" if self.with_breaks else ""
        mapper = {pa.string(): schema.TEXT, pa.large_string(): schema.TEXT}
        line, first, blank = 2, True, False
        try:
            batch = min(rows or 1 << 17, 1 << 17)
            for table in _gathered(self.query(cells + extra).to_arrow_reader(batch), rows):
                n = table.num_rows
                if self.with_breaks:
                    inner = table.column("__breaks").to_numpy().astype(np.int64)
                    lines = line + np.arange(n) + np.concatenate(([0], np.cumsum(inner)[:-1]))
                    line = int(lines[-1]) + 1 + int(inner[-1])
                else:
                    lines, line = np.arange(line, line + n), line + n
                blank = blank or (verify and _any_blank([table.column(h) for h in self.wanted]))
                frame = pa.table({h: pc.utf8_trim_whitespace(table.column(h)) for h in self.wanted}) \
                    .to_pandas(types_mapper=mapper.get)
                frame[LINE] = lines
                frame.attrs[EXACT_TEXT] = True
                frame.attrs[READ] = (line - 1, self.lines)
                yield _drop_hxl(frame) if first else frame
                first = False
            if verify and (blank or line - 1 != self.lines):
                raise Reread(f"{self.path.name}: {line - 1:,} lines counted in its rows, the file has "
                             f"{self.lines:,}" + (" (a blank row)" if blank else ""))
            if first:  # a header and no data rows
                frame = pd.DataFrame({h: pd.Series([], dtype="str") for h in self.wanted})
                frame[LINE] = np.arange(0)
                yield frame
        except (OSError, pa.ArrowException) as err:  # DuckDB refused a row part way (through Arrow)
            raise Reread(f"{self.path.name}: {str(err).splitlines()[0]}") from err
        finally:
            self.con.close()


def _blank_sql(column: str) -> str:
    """SQL: the cell is blank (schema.BLANK: only what str.strip() removes, as the csv module's
    reading judges a blank row)."""
    return f"regexp_full_match(coalesce({_ident(column)}, ''), '{schema.BLANK}')"


def _any_blank(columns: list) -> bool:
    """Whether a row is blank (_blank_sql) in every one of these columns (Arrow arrays of the
    cells as read); the csv module decides whether such a row is data. (The first column alone
    rules most parts out.)"""
    import pyarrow.compute as pc

    mask = None
    for values in columns:
        empty = pc.match_substring_regex(values, f"^{schema.BLANK}$")
        mask = empty if mask is None else pc.and_(mask, empty)
        if not pc.any(mask).as_py():
            return False
    return mask is not None


SAMPLE_ROWS = 100_000  # the rows in which a file's columns with line breaks are looked for first


def _breaks(columns: list[str]) -> str:
    """SQL: the line breaks inside a row's cells of these columns."""
    return " + ".join(f"coalesce(length({_ident(h)}) - length(replace({_ident(h)}, chr(10), '')), 0)"
                      for h in columns)


def _lines(path: Path, utf8: bool = False) -> int | None:
    """The file's lines (a last line without a line break counts), one pass; with `utf8`, None
    unless the whole file is UTF-8. Without it the file is not decoded (a 4 GB export in about a
    second): the streamed read needs no more, since DuckDB refuses a byte that is not UTF-8 in a
    column it reads (and the read falls back to the next way)."""
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


def _gathered(reader, rows: int | None):
    """The reader's record batches gathered into tables of at least `rows` rows (the last may
    have fewer; None: one table)."""
    import pyarrow as pa

    batches, count = [], 0
    for batch in reader:
        if batch.num_rows:
            batches.append(batch)
            count += batch.num_rows
        if rows and count >= rows:
            yield pa.Table.from_batches(batches)
            batches, count = [], 0
    if batches:
        yield pa.Table.from_batches(batches)


def _duckdb_plan(path: Path, start: bytes, columns: tuple[str, ...] | None,
                 checked: bool = True) -> _DuckDBPlan | None:
    """A plan to read the CSV with DuckDB, or None when only the csv module can read it exactly
    (`checked`: found by counting its rows first; else its rows are checked as they stream)."""
    import duckdb

    if b"\x00" in start[:8192]:
        return None
    # streamed: DuckDB checks the text of the columns it reads as it goes (a file whose other
    # columns are Latin-1 reads the same either way); checked: the whole file is UTF-8 first
    lines = _lines(path, utf8=checked)
    if lines is None:
        return None
    header = header_of(path, path.name)
    wanted = [h for h in header if columns is None or h in columns or h in ALIASES]
    if not wanted:
        return None
    plan = _DuckDBPlan(path, header, wanted, lines)
    try:
        if checked:
            if plan.check():
                return plan
        else:
            plan.sample()
            return plan
    except duckdb.Error:
        pass
    plan.con.close()
    return None


def _is_hxl(cells) -> bool:
    """A row of HXL tags (files re-published on the Humanitarian Data Exchange: every filled cell
    starts with '#'); it names the columns and is not data."""
    filled = [str(c).strip() for c in cells if str(c).strip()]
    return bool(filled) and all(c.startswith("#") for c in filled)


def _drop_hxl(frame: pd.DataFrame) -> pd.DataFrame:
    if len(frame) and _is_hxl(frame.drop(columns=[LINE, "_extra"], errors="ignore").iloc[0]):
        return frame.iloc[1:].reset_index(drop=True)
    return frame


def count_records(path: Path, name: str) -> int:
    """How many data rows the file holds, counted without the adapters' reader: records (CSV rows,
    JSON objects under "data", worksheet rows) with at least one non-blank cell, after the header,
    without an HXL tag row. The build checks every file's outcome against this count."""
    data = Path(path).read_bytes()
    if data[:4] == b"PK\x03\x04":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = [r for r in book.worksheets[0].iter_rows(values_only=True)
                    if any(v is not None and str(v).strip() for v in r)][1:]
        finally:
            book.close()
    elif first_byte(data) in (b"{", b"["):
        doc = json.loads(decode(data, name))
        records = doc.get("data") if isinstance(doc, dict) else doc
        rows = [list(r.values()) for r in records
                if any(v is not None and str(v).strip() for v in r.values())]
    else:
        reader = csv.reader(io.StringIO(decode(data, name), newline=""))
        next(reader, None)
        rows = [r for r in reader if any(c.strip() for c in r)]
    return len(rows) - (1 if rows and _is_hxl(rows[0]) else 0)


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
    """Columns of a read table turned into values, with every row's outcome recorded.

    Strict about meaning, forgiving about form: a row is rejected (`fail`) only when it cannot be
    an event (no usable date, no country, unreadable); a row of another country is out of scope
    (`outside`); a problem in a secondary field loads the row with a quality flag (`flag`) that
    says which cell was wrong and what was done."""

    def __init__(self, frame: pd.DataFrame, name: str):
        self.frame, self.name = frame, name
        self.bad = pd.Series(False, index=frame.index)  # rejected or out of scope
        self.problems: list[pd.DataFrame] = []
        self.flags: list[pd.DataFrame] = []
        self.scope: list[pd.DataFrame] = []
        if "_extra" in frame:
            extra = frame["_extra"].str.startswith("\x00extra:")
            self.fail(extra, "*", frame["_extra"].str.replace("\x00extra:", "", regex=False),
                      lambda v: f"the row has more fields than the header (extra: {v!r}); "
                                f"check the quotes of this row")
        # the columns DuckDB read are valid UTF-8 (it refuses any other byte): none was replaced
        for column in [] if frame.attrs.get(EXACT_TEXT) else frame.columns:
            if column not in (LINE, "_extra") and frame[column].dtype != float:
                stray = frame[column].str.contains(STRAY, regex=False).fillna(False)
                self.flag(stray, column, frame[column],
                          lambda v: f"{column}: a byte that is not text in the file's encoding "
                                    f"was replaced by U+FFFD")

    def text(self, column: str) -> pd.Series:
        """The column's cells ('' when the file has no such column)."""
        if column in self.frame:
            return self.frame[column]
        return pd.Series("", index=self.frame.index, dtype="str")

    def words(self, column: str) -> pd.Series:
        """The column's cells with runs of whitespace (line breaks included) made one space."""
        return self.text(column).str.replace(r"\s+", " ", regex=True)

    def missing(self, column: str) -> pd.Series:
        """True where the cell is blank or one of the MISSING spellings ('NA', 'null', '-', ...)."""
        return self.text(column).str.lower().isin(MISSING)

    def _record(self, into: list, mask, column, values, reason, keys=None, extra=None) -> pd.Series:
        mask = mask.fillna(False).astype(bool) & ~self.bad
        if not mask.any():
            return mask
        # `values`: a column, or a callable giving the text of the masked rows only (cheap when
        # building it for every row would cost more than the rows with a problem)
        shown = (values(mask[mask].index) if callable(values) else values[mask]).astype(object)
        basis = shown if keys is None else keys[mask].astype(object)
        reasons = {k: reason(k) for k in pd.unique(basis)}
        into.append(pd.DataFrame({
            "source_file": self.name,
            "source_line": self.frame.loc[mask, LINE].astype(int),
            "column": column,
            "value": shown.map(lambda v: None if v is None else str(v)),
            "reason": basis.map(reasons.__getitem__),
        }))
        return mask

    def fail(self, mask: pd.Series, column: str, values: pd.Series, reason,
             keys: pd.Series | None = None) -> None:
        """Reject rows in `mask` (that have no outcome yet): they cannot be events. `reason(value)`
        says why (or `reason(keys[row])` when keys are given), made once per distinct value."""
        self.bad |= self._record(self.problems, mask, column, values, reason, keys)

    def outside(self, mask: pd.Series, column: str, values: pd.Series) -> None:
        """Rows of a country the dashboard does not cover: counted as out of scope, not rejected."""
        self.bad |= self._record(self.scope, mask, column, values, lambda v: "out of scope")

    def flag(self, mask: pd.Series, column: str, values: pd.Series, reason,
             keys: pd.Series | None = None) -> None:
        """A quality flag on rows in `mask`: the row loads; the flag says what was wrong."""
        self._record(self.flags, mask, column, values, reason, keys)

    def dates(self, column: str, formats: tuple[str, ...], expected: str,
              required: bool = True) -> pd.Series:
        """The date of each row as datetime64 (NaT for blank), parsed once per distinct text.
        An unreadable date rejects the row when the column is the event's date (`required`), and
        is flagged and left empty otherwise."""
        raw = self.text(column)
        values = pd.to_datetime(_parsed_dates(raw, formats))
        unreadable = ~self.missing(column) & values.isna()
        if required:
            self.fail(unreadable, column, raw,
                      lambda v: f"{column}: {v!r} is not a date (expected {expected})")
        else:
            self.flag(unreadable, column, raw,
                      lambda v: f"{column}: {v!r} is not a date (expected {expected}); left empty")
        return values

    def numbers(self, column: str) -> pd.Series:
        """Finite numbers (float, NaN for unknown). The MISSING spellings are unknown; text that is
        not a number, and infinities or overflows ('inf', '1e400'), are unknown with a flag."""
        raw = self.text(column)
        import pyarrow as pa
        import pyarrow.compute as pc

        cleaned = pc.replace_substring(pa.array(raw, type=pa.string(), from_pandas=True), ",", "")
        missing = self.missing(column)
        cleaned = pc.if_else(pa.array(missing.to_numpy()), pa.scalar(None, pa.string()), cleaned)
        try:  # strict and fast (pyarrow); any text in the column: the row-exact slow path
            values = pd.Series(pc.cast(cleaned, pa.float64()).to_numpy(zero_copy_only=False),
                               index=raw.index)
        except pa.ArrowInvalid:
            values = pd.to_numeric(pd.Series(cleaned.to_pandas(), index=raw.index),
                                   errors="coerce").astype(float)
        infinite = np.isinf(values.to_numpy())
        values = values.where(~infinite)
        self.flag(~missing & values.isna(), column, raw,
                  lambda v: f"{column}: {v!r} is not a finite number; loaded as unknown")
        return values

    def counts(self, column: str, unknown: tuple[str, ...] = (), fractions: bool = False) -> pd.Series:
        """People counts >= 0 (float, NaN = unknown): blank, the MISSING spellings and the source's
        `unknown` codes (GTD -99) are unknown. A negative count is unknown with a flag; a fraction
        is kept as published (flagged unless the source's codebook has fractions: `fractions`)."""
        raw = self.text(column)
        values = self.numbers(column)
        values = values.where(~raw.isin(unknown))
        self.flag(values < 0, column, raw,
                  lambda v: f"{column}: {v!r} is not a count >= 0; loaded as unknown")
        values = values.where(~(values < 0))
        if not fractions:
            self.flag(values.notna() & (values != values.round()), column, raw,
                      lambda v: f"{column}: {v!r} is a fraction in a source whose counts are "
                                f"whole numbers; kept as published")
        return values

    def require(self, column: str, what: str) -> pd.Series:
        raw = self.text(column)
        self.fail(self.missing(column), column, raw, lambda v: f"{column} is empty ({what})")
        return raw

    def result(self, events: dict) -> schema.Outcome:
        """The rows' outcome: events (with source_file and source_line), rejects, flags, out of
        scope. The flags of rows that did not load are dropped."""
        frame = pd.DataFrame(events, index=self.frame.index)
        frame["source_file"] = self.name
        frame["source_line"] = self.frame[LINE].astype(int)
        loaded = frame[~self.bad].reset_index(drop=True)
        flags = _stack(self.flags, schema.REJECT_COLUMNS)
        if len(flags) and self.bad.any():
            dropped = set(self.frame.loc[self.bad, LINE].astype(int))
            flags = flags[~flags["source_line"].isin(dropped)].reset_index(drop=True)
        return schema.Outcome(loaded, _stack(self.problems, schema.REJECT_COLUMNS), flags,
                              _stack(self.scope, schema.REJECT_COLUMNS), rows_read=len(self.frame))


def _stack(parts: list[pd.DataFrame], columns) -> pd.DataFrame:
    if not parts:
        return schema.empty_rejects()
    return pd.concat(parts, ignore_index=True)[list(columns)]


def nulls(series: pd.Series) -> pd.Series:
    """Text cells as Arrow text with NaN for blank (what the schema's columns hold), made in
    Arrow: no Python string per cell."""
    values = schema.text(series)
    return values.where(values.ne("").fillna(True))


def per_value(series: pd.Series, func) -> pd.Series:
    """`func(value)` for each row, computed once per distinct value (schema.spread: Arrow text
    when every result is text or None, else objects; a missing value gives func(None))."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    missing = codes < 0
    mapped = [func(value) for value in uniques] + [func(None) if missing.any() else None]
    return schema.spread(mapped, np.where(missing, len(uniques), codes), series.index)


def per_combination(columns: list[pd.Series], func) -> pd.Series:
    """`func(*values)` for each row, computed once per distinct combination of the columns'
    values (schema.spread: Arrow text when every result is text or None, else objects; a
    missing cell reaches `func` as its column holds it, None or NaN)."""
    combos, inverse = combinations(columns)
    return schema.spread([func(*values) for values in combos], inverse, columns[0].index)


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


def _parsed_dates(raw: pd.Series, formats: tuple[str, ...]) -> pd.Series:
    """`_parse_date` of each row (None for a MISSING spelling), once per distinct text; when
    ISO dates come first in `formats`, the texts shaped 2023-01-31 are parsed together (what
    strptime would give them; 1M rows: 1.2 s -> 0.1 s), the rest one by one."""
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    texts = pd.Series(uniques, dtype=object)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    slow = np.ones(len(uniques), dtype=bool)
    if formats[:1] == ("%Y-%m-%d",) and len(texts):
        iso = texts.str.fullmatch(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}").fillna(False).to_numpy(dtype=bool)
        parsed = pd.to_datetime(texts[iso], format="%Y-%m-%d", errors="coerce")
        ok = parsed.notna().to_numpy()
        where = np.flatnonzero(iso)[ok]
        mapped[where] = parsed[ok].dt.date.to_numpy()
        slow[where] = False
    for i in np.flatnonzero(slow):
        v = uniques[i]
        mapped[i] = _parse_date(v, formats) if v and v.lower() not in MISSING else None
    mapped[-1] = None
    return pd.Series(mapped[codes], index=raw.index, dtype=object)


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

def event_categories() -> dict:
    """data/reference/event_categories.csv of the data folder being read (etl/reference.py)."""
    return _event_categories(*reference.key("event_categories.csv"))


@lru_cache(maxsize=8)
def _event_categories(path: str, mtime_ns: int) -> dict:
    """(dataset, field, value lower-cased) -> {'non_state': cat, 'state': cat, 'foreign': cat}."""
    out = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out[(row["dataset"], row["field"], row["value"].strip().lower())] = {
                "non_state": row["category"].strip(), "state": row["category_state"].strip(),
                "foreign": row["category_foreign"].strip()}
    return out


def precision_codes() -> dict:
    """data/reference/precision_codes.csv of the data folder being read (etl/reference.py)."""
    return _precision_codes(*reference.key("precision_codes.csv"))


@lru_cache(maxsize=8)
def _precision_codes(path: str, mtime_ns: int) -> dict:
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
        if not c or c.lower() in MISSING:
            return default, True
        return (known[c][0], known[c][1]) if c in known else (None, True)

    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    looked = [look(v) for v in uniques] + [look(None)]  # code -1 (a missing cell): the last
    codes = np.where(codes < 0, len(uniques), codes)
    unknown = pd.Series(np.array([p is None for p, _ in looked])[codes], index=raw.index)
    cells.flag(unknown, field, raw,
               lambda v: f"{field}: {v!r} is not a known code (expected one of "
                         f"{', '.join(sorted(known))}; see data/reference/precision_codes.csv); "
                         f"loaded as {default}")
    prec = schema.spread([default if p is None else p for p, _ in looked], codes, raw.index)
    keep = pd.Series(np.array([k for _, k in looked], dtype=bool)[codes], index=raw.index)
    return prec, keep


COUNTRIES = {"pakistan": "PAK", "pak": "PAK", "586": "PAK", "afghanistan": "AFG", "afg": "AFG",
             "4": "AFG"}


def country(cells: Cells, column: str, fallback: str | None = None) -> pd.Series:
    """ISO3 of Pakistan or Afghanistan. A row without a country is rejected; a row of another
    country is out of scope (counted per country, not an error)."""
    raw = cells.text(column)
    if fallback and (raw == "").all():
        raw = cells.text(fallback)
        column = fallback
    iso = per_value(raw.str.lower(), COUNTRIES.get)
    blank = raw.str.lower().isin(MISSING)
    cells.fail(blank, column, raw, lambda v: f"{column} is empty (every event needs its country)")
    cells.outside(iso.isna() & ~blank, column, raw)
    return iso


# Pakistan and Afghanistan with a margin: a point outside is a typo or swapped coordinates.
REGION_BOX = {"latitude": (23.0, 39.0), "longitude": (60.0, 78.0)}


def region_point(cells: Cells, lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The rows' points, without those that cannot be right: a point outside Pakistan and
    Afghanistan's box, or a latitude without a longitude (or the reverse). Such a row loads with
    a flag and is placed from its province and district names instead."""
    (lat_lo, lat_hi), (lon_lo, lon_hi) = REGION_BOX["latitude"], REGION_BOX["longitude"]
    inside = lat.between(lat_lo, lat_hi) & lon.between(lon_lo, lon_hi)
    outside = lat.notna() & lon.notna() & ~inside
    def text(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "(empty)" if pd.isna(v) else str(float(v)))

    def shown(rows):
        return text(lat[rows]) + ", " + text(lon[rows])

    cells.flag(outside, "latitude", shown,
               lambda v: f"latitude, longitude = {v} is outside Pakistan and Afghanistan "
                         f"(latitude {lat_lo:g} to {lat_hi:g}, longitude {lon_lo:g} to {lon_hi:g}); "
                         f"the point is not used (swapped?)")
    half = lat.isna() != lon.isna()
    cells.flag(half, "latitude", shown,
               lambda v: f"latitude, longitude = {v}: only one of the two is given; the point is "
                         f"not used")
    drop = outside | half
    return lat.where(~drop), lon.where(~drop)
