"""How DuckDB reads a CSV exactly, or says it cannot (then the csv module reads it: etl/read/files.py).

The plan holds the DuckDB connection and the `read_csv` source of the file; it hands the rows over
in parts, each row with the line it starts on.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema
from etl.read.part import LINE, Part
from etl.read.sniff import csv_header, drop_hxl, line_count

SAMPLE_ROWS = 100_000  # the rows in which a file's columns with line breaks are looked for first
BATCH_ROWS = 1 << 17  # the most rows of one Arrow batch DuckDB hands over


class Reread(Exception):
    """A CSV streamed by DuckDB without counting its rows first (`how="streamed"`) that cannot be
    read that way: at the end its rows do not add up to its lines (line breaks in a column that
    had none in the first rows; blank lines, which DuckDB skips), a row is blank in every column
    read, or DuckDB refused a row part way (a ragged row, a stray quote). The parts given are
    wrong; read the file again the next way of files.READS."""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class CsvPlan:
    """How DuckDB reads a CSV exactly: strict (UTF-8, every row as wide as the header, RFC 4180
    quotes, line breaks inside quoted cells allowed), each row with the line it starts on (a row
    starts after the line breaks inside the rows before it)."""

    def __init__(self, path: Path, header: list[str], wanted: list[str], lines: int):
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

    def query(self, select: str) -> duckdb.DuckDBPyRelation:
        """A relation over the file's rows: `select` of `read_csv` (what a mapping in SQL reads)."""
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
        pass as the rows; in every column only if the lines fall short. Blank lines, which DuckDB
        skips, make them fall short too."""
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

    def parts(self, rows: int | None, verify: bool = False):
        """The parts (Part); Reread when DuckDB refuses a row part way, and with `verify` (no
        `check` before) after the last part when the rows do not add up to the file's lines or a
        row is blank in every column read."""
        cells = ", ".join(f"coalesce({_ident(h)}, '') AS {_ident(h)}" for h in self.wanted)
        extra = f", {self.breaks} AS __breaks" if self.with_breaks else ""
        mapper = {pa.string(): schema.TEXT, pa.large_string(): schema.TEXT}
        line, first, blank = 2, True, False
        try:
            batch = min(rows or BATCH_ROWS, BATCH_ROWS)
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
                yield Part(drop_hxl(frame) if first else frame, exact_text=True, read=(line - 1, self.lines))
                first = False
            if verify and (blank or line - 1 != self.lines):
                raise Reread(f"{self.path.name}: {line - 1:,} lines counted in its rows, the file has "
                             f"{self.lines:,}" + (" (a blank row)" if blank else ""))
            if first:  # a header and no data rows
                frame = pd.DataFrame({h: pd.Series([], dtype="str") for h in self.wanted})
                frame[LINE] = np.arange(0)
                yield Part(frame)
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
    mask = None
    for values in columns:
        empty = pc.match_substring_regex(values, f"^{schema.BLANK}$")
        mask = empty if mask is None else pc.and_(mask, empty)
        if not pc.any(mask).as_py():
            return False
    return mask is not None


def _breaks(columns: list[str]) -> str:
    """SQL: the line breaks inside a row's cells of these columns."""
    return " + ".join(f"coalesce(length({_ident(h)}) - length(replace({_ident(h)}, chr(10), '')), 0)"
                      for h in columns)


def _gathered(reader, rows: int | None):
    """The reader's record batches gathered into tables of at least `rows` rows (the last may
    have fewer; None: one table)."""
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


def plan_csv(path: Path, start: bytes, columns: tuple[str, ...] | None,
             checked: bool = True) -> CsvPlan | None:
    """A plan to read the CSV that starts with the bytes `start` with DuckDB, or None when only the
    csv module can read it exactly (`checked`: found by counting its rows first; else its rows
    are checked as they stream). `columns`: the lower-case columns to read (None: all)."""
    if b"\x00" in start[:8192]:
        return None
    # streamed: DuckDB checks the text of the columns it reads as it goes (a file whose other
    # columns are Latin-1 reads the same either way); checked: the whole file is UTF-8 first
    lines = line_count(path, utf8=checked)
    if lines is None:
        return None
    header = csv_header(start, path.name)
    wanted = [h for h in header if columns is None or h in columns]
    if not wanted:
        return None
    plan = CsvPlan(path, header, wanted, lines)
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
