"""THE event schema: columns, types and allowed values, and the validator built from them.

Every adapter in etl/sources/ returns a frame with these columns (plus the provenance columns
`source_file` and `source_line`); `validate` splits it into rows that keep the contract and rejects
that say which file, line, column and value broke it, and why.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Controlled list of categories. The first four are extremist activity; the last two are state
# action against militants and are excluded from extremist-activity indicators unless a user adds them.
CATEGORIES: dict[str, str] = {
    "attack": "Violence by a non-state armed group: bombing, suicide attack, armed assault, "
    "targeted killing, kidnapping.",
    "propaganda": "Public messaging for a group: wall-chalking, flags, pamphlets, booklets, "
    "videos and statements meant to attract support.",
    "allegiance": "A pledge of allegiance (bay'ah) to a group or its leader, or a group's public "
    "announcement of a branch, province or commander.",
    "recruitment": "A documented case of recruiting, radicalising or sending people to a group, "
    "including recruitment cells and travel to join it.",
    "counter_terrorism": "Arrests, raids, trials and killings of militants by Pakistani or Afghan "
    "security forces. State action: not counted as extremist activity.",
    "state_strike": "Air or drone strikes by a foreign state against militants (the US drone "
    "campaign in Pakistan). State action: not counted as extremist activity or attacks.",
}
EXTREMIST_CATEGORIES = ("attack", "propaganda", "allegiance", "recruitment")
SIGNAL_CATEGORIES = ("propaganda", "allegiance", "recruitment")

DATASETS: dict[str, str] = {
    "curated": "Hand-coded, cited events of the Islamic State network in Pakistan and Afghanistan",
    "pk_suicide_attacks": "Pakistan suicide bombing attacks 1995-2017 (Usmani, Kaggle)",
    "pk_drone_strikes": "US drone strikes in Pakistan 2004-2017 (Usmani / Pakistan Body Count, Kaggle)",
    # Imported by analysts (python -m etl import, the Data page); never bundled.
    "acled": "ACLED export or API download imported by an analyst",
    "gtd": "Global Terrorism Database (START) export imported by an analyst",
    "ucdp": "UCDP Georeferenced Event Dataset export imported by an analyst",
    "events": "Events coded by an analyst in the event template",
}

DATE_PRECISIONS = ("day", "month", "year")
# point: coordinates given by the source; place: a named town or village from the gazetteer;
# district / province / country: known only to that level, with no point placed.
GEO_PRECISIONS = ("point", "place", "district", "province", "country")
COUNTRIES = ("PAK", "AFG")


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    description: str
    required: bool = False
    allowed: tuple[str, ...] | None = None


COLUMNS: tuple[Column, ...] = (
    Column("event_id", "VARCHAR", "Stable id, prefixed by dataset (`pk_suicide_attacks:17`).", True),
    Column("dataset", "VARCHAR", "Short id of the dataset the event comes from.", True),
    Column("event_date", "DATE", "First day of the event (the 1st of the month/year when only "
           "the month/year is known).", True),
    Column("date_end", "DATE", "Last day when the event spans several days, else null."),
    Column("date_precision", "VARCHAR", "How precisely the date is known.", True, DATE_PRECISIONS),
    Column("country", "VARCHAR", "ISO 3166-1 alpha-3 code.", True, COUNTRIES),
    Column("admin1", "VARCHAR", "Province or territory (normalised spelling)."),
    Column("admin2", "VARCHAR", "District or agency, as named in the district layer; null when "
           "the event cannot be placed in a district."),
    Column("district_id", "VARCHAR", "Key of the district in table `districts`."),
    Column("location", "VARCHAR", "Place as reported."),
    Column("latitude", "DOUBLE", "WGS84 latitude (EPSG:4326); null when only an area is known."),
    Column("longitude", "DOUBLE", "WGS84 longitude (EPSG:4326)."),
    Column("geo_precision", "VARCHAR", "How precisely the place is known.", True, GEO_PRECISIONS),
    Column("category", "VARCHAR", "Kind of activity (controlled list).", True, tuple(CATEGORIES)),
    Column("actor", "VARCHAR", "Perpetrator or actor as reported."),
    Column("actor_group", "VARCHAR", "Normalised actor family ('Islamic State', 'TTP', ...); "
           "'Unknown' when the source names none.", True),
    Column("target", "VARCHAR", "Target as reported (type and, where given, sect)."),
    Column("target_class", "VARCHAR", "Target class derived from `target` by the rules in "
           "data/reference/target_classes.csv: religious minorities, civilians, security forces, "
           "government and political, militants, other or unknown."),
    Column("target_minority", "BOOLEAN", "True when the target is a religious minority (Shi'a incl. "
           "Hazara and Ismaili, Christian, Ahmadi, Hindu, Sikh, Sufi shrine visitors)."),
    Column("fatalities", "INTEGER", "People killed: the source's maximum figure; null when "
           "unknown (never 0 for unknown)."),
    Column("fatalities_low", "INTEGER", "The source's minimum figure where it gives a range."),
    Column("injured", "INTEGER", "People injured: the source's maximum figure; null when unknown."),
    Column("injured_low", "INTEGER", "The source's minimum figure where it gives a range."),
    Column("description", "VARCHAR", "What happened, in words."),
    Column("source_name", "VARCHAR", "Publisher or dataset the event is cited from.", True),
    Column("source_title", "VARCHAR", "Title of the cited report or dataset."),
    Column("source_url", "VARCHAR", "Link to the report, where there is one."),
    Column("source_date", "DATE", "Publication date of the cited report."),
    Column("qa_flags", "VARCHAR", "Corrections made while loading (for example min/max swapped)."),
    Column("source_file", "VARCHAR", "Raw file the row was read from (path under data/).", True),
    Column("source_line", "INTEGER", "Line of that file (1 = header).", True),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
INT_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == "INTEGER")
DATE_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == "DATE")
FLOAT_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == "DOUBLE")

REJECT_COLUMNS = ("source_file", "source_line", "column", "value", "reason")


def events_ddl(table: str = "events") -> str:
    cols = ",\n  ".join(
        f"{c.name} {c.sql_type}{' NOT NULL' if c.required else ''}" for c in COLUMNS
    )
    return f"CREATE TABLE {table} (\n  {cols},\n  PRIMARY KEY (event_id)\n)"


def empty_events() -> pd.DataFrame:
    return conform(pd.DataFrame({name: [] for name in COLUMN_NAMES}))


def empty_rejects() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series([], dtype=object) for name in REJECT_COLUMNS})


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in schema order with schema dtypes (missing columns become null)."""
    out = pd.DataFrame(index=frame.index)
    for c in COLUMNS:
        values = frame[c.name] if c.name in frame else pd.Series(None, index=frame.index, dtype=object)
        if c.sql_type == "INTEGER":
            out[c.name] = pd.to_numeric(values, errors="raise").astype("Int64")
        elif c.sql_type == "DOUBLE":
            out[c.name] = pd.to_numeric(values, errors="raise").astype("Float64")
        elif c.sql_type == "BOOLEAN":
            out[c.name] = values.astype("boolean")
        elif c.sql_type == "DATE" and pd.api.types.is_datetime64_any_dtype(values):
            out[c.name] = values  # the vectorised adapters' datetime64 (NaT = none)
        else:
            out[c.name] = objects(values)
    return out


def objects(values: pd.Series) -> pd.Series:
    """Python objects with None for missing; the column itself (no copy) when it already is."""
    if values.dtype == object:
        cells = values.to_numpy()
        missing = pd.isna(cells)
        if not missing.any() or np.equal(cells[missing], None).all():
            return values
    return values.astype(object).where(values.notna(), None)


_WHITESPACE = "".join(chr(i) for i in range(0x3001) if chr(i).isspace())  # what str.strip() removes


def _blank(values: pd.Series) -> pd.Series:
    """True where a cell is text of only whitespace ('' or '  ')."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:  # text and None only (the usual case): pyarrow; anything else: every cell as str
        text = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return values.astype(str).str.strip() == ""
    blank = pc.equal(pc.utf8_trim(text, characters=_WHITESPACE), "").fill_null(False)
    return pd.Series(blank.to_numpy(zero_copy_only=False), index=values.index)


def reject(file: str, line: int, column: str, value, reason: str) -> dict:
    return {"source_file": file, "source_line": int(line), "column": column,
            "value": None if value is None else str(value), "reason": reason}


def validate(frame: pd.DataFrame, today: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a canonical frame into (rows keeping the contract, rejects with their reasons).

    One reject row is written per broken rule; a row breaking any rule does not load.
    """
    today = today or dt.date.today()
    frame = conform(frame)
    problems: list[dict] = []
    bad = pd.Series(False, index=frame.index)

    def flag(mask: pd.Series, column: str, reason: str) -> None:
        nonlocal bad
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            problems.append(pd.DataFrame({
                "source_file": frame.loc[mask, "source_file"],
                "source_line": frame.loc[mask, "source_line"].astype(int),
                "column": column,
                "value": frame.loc[mask, column].map(lambda v: None if v is None or v is pd.NA
                                                     else str(v)),
                "reason": reason}))
        bad = bad | mask

    for c in COLUMNS:
        col = frame[c.name]
        if c.required:
            empty = col.isna()
            if col.dtype == object:
                empty |= _blank(col)
            flag(empty, c.name, f"{c.name} is required and is empty")
        if c.allowed:
            flag(col.notna() & ~col.isin(c.allowed), c.name,
                 f"{c.name} must be one of {', '.join(c.allowed)}")
    for name in INT_COLUMNS:
        flag(frame[name] < 0, name, f"{name} must be a whole number >= 0")
    flag(frame["fatalities_low"] > frame["fatalities"], "fatalities_low",
         "fatalities_low is larger than fatalities")
    flag(frame["injured_low"] > frame["injured"], "injured_low", "injured_low is larger than injured")
    flag(~frame["latitude"].between(-90, 90) & frame["latitude"].notna(), "latitude",
         "latitude must be between -90 and 90")
    flag(~frame["longitude"].between(-180, 180) & frame["longitude"].notna(), "longitude",
         "longitude must be between -180 and 180")
    flag(frame["latitude"].isna() != frame["longitude"].isna(), "latitude",
         "latitude and longitude must both be given or both be empty")
    dates = {name: pd.to_datetime(frame[name], errors="coerce") for name in DATE_COLUMNS}
    for name in DATE_COLUMNS:
        flag(dates[name] > pd.Timestamp(today), name, f"{name} is in the future")
    flag(dates["date_end"].notna() & (dates["date_end"] < dates["event_date"]),
         "date_end", "date_end is before event_date")
    rejects = pd.concat(problems, ignore_index=True)[list(REJECT_COLUMNS)] if problems \
        else empty_rejects()
    return (frame[~bad] if bad.any() else frame), rejects


def describe_markdown() -> str:
    """The schema as a Markdown table (used by the README and the Methods page)."""
    lines = ["| column | type | required | meaning |", "|---|---|---|---|"]
    for c in COLUMNS:
        allowed = f" One of: {', '.join(c.allowed)}." if c.allowed else ""
        lines.append(f"| `{c.name}` | {c.sql_type} | {'yes' if c.required else ''} | "
                     f"{c.description}{allowed} |")
    return "\n".join(lines)
