"""Columns of a read part turned into typed values at once, with the first problem of each row
recorded: values are parsed once per distinct value, and the rejects keep the file/line/column/
value/reason shape."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl import schema
from etl.dates import parse_date
from etl.read.part import EXTRA, LINE, Part
from etl.read.sniff import STRAY

# The one list of spellings real files use for "unknown" (compared lower-cased, after stripping).
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "-", "#n/a"})


class Cells:
    """Columns of a read table turned into values, with every row's outcome recorded.

    Strict about meaning, forgiving about form: a row is rejected (`fail`) only when it cannot be
    an event (no usable date, no country, unreadable); a row of another country is out of scope
    (`outside`); a problem in a secondary field loads the row with a quality flag (`flag`) that
    says which cell was wrong and what was done."""

    def __init__(self, part: Part, name: str):
        frame = part.frame
        self.frame, self.name = frame, name
        self.bad = pd.Series(False, index=frame.index)  # rejected or out of scope
        self.problems: list[pd.DataFrame] = []
        self.flags: list[pd.DataFrame] = []
        self.scope: list[pd.DataFrame] = []
        if EXTRA in frame:
            self.fail(frame[EXTRA].ne(""), "*", frame[EXTRA],
                      lambda v: f"the row has more fields than the header (extra: {v!r}); "
                                f"check the quotes of this row")
        # the columns DuckDB read are valid UTF-8 (it refuses any other byte): none was replaced
        for column in [] if part.exact_text else frame.columns:
            if column not in (LINE, EXTRA) and frame[column].dtype != float:
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
    strptime would give them), the rest one by one."""
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

