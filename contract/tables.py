"""Every table and view of the warehouse, declared once: its columns (DuckDB type, required or
not, allowed values where the column is an enumeration, a one-line meaning), the columns that
identify a row (`key`) and other unique sets of columns.

etl/ creates from these declarations the tables it creates column by column (etl/schema.py
`create_sql`) and keeps its SELECT for the tables it creates from a query;
tests/etl/test_contracts.py compares `DESCRIBE` of a built warehouse with every declaration, looks
for duplicate keys, missing required values and values outside the allowed ones, and for tables
that no declaration names. WAREHOUSE_LAYOUT, the layout a dashboard reads, is a hash of them.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from contract import yardsticks
from contract.schema import (ACTOR_KINDS, CATEGORIES, COLUMNS as EVENT_SOURCE_COLUMNS, COUNTRIES,
                             DATE_PRECISIONS, GEO_PRECISIONS, SIGNAL_CATEGORIES, Column)


@dataclass(frozen=True)
class Table:
    """A table (or, with `view`, a view) of the warehouse. `key`: the columns that identify a row
    (no two rows share their values, a null counting as a value); `unique`: other such sets."""
    name: str
    meaning: str
    writer: str  # the module that writes it
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    view: bool = False

    def __post_init__(self):
        names = [c.name for c in self.columns]
        unknown = [k for keys in (self.key, *self.unique) for k in keys if k not in names]
        if unknown or len(set(names)) != len(names):
            raise ValueError(f"table {self.name}: key columns {unknown} are not its columns, or a "
                             "column is declared twice")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def shape(self) -> dict:
        """What a reader relies on (not the words): the canonical form WAREHOUSE_LAYOUT hashes."""
        return {"name": self.name, "view": self.view, "key": list(self.key),
                "unique": [list(u) for u in self.unique],
                "columns": [[c.name, c.sql_type, c.required, list(c.allowed or ())] for c in self.columns]}


def _like(column: str, description: str | None = None, of: tuple[Column, ...] = EVENT_SOURCE_COLUMNS,
          **changes) -> Column:
    """The column `column` of `of` (the events' by default), with another meaning or settings."""
    c = next(c for c in of if c.name == column)
    return Column(c.name, changes.get("sql_type", c.sql_type), description or c.description,
                  changes.get("required", c.required), changes.get("allowed", c.allowed))


# The columns the build adds to the events (etl/derived.py), after those of contract/schema.py.
EVENT_DERIVED = (
    Column("is_secondary", "BOOLEAN", "True for a member of a cluster of probable duplicates that "
           "the cluster does not count as (view duplicate_secondaries): left out unless every event "
           "is asked for.", True),
    Column("fatalities_counted", "DOUBLE", "The deaths the event counts with when probable "
           "duplicates count once: a cluster's counted event carries the best figure of its members "
           "(etl/duplicates.py best_figures), every other event its own `fatalities`."),
    Column("fatalities_from", "VARCHAR", "The member `fatalities_counted` comes from; null: the "
           "event's own figure."),
    Column("injured_counted", "DOUBLE", "The injured the event counts with, as `fatalities_counted`."),
    Column("injured_from", "VARCHAR", "The member `injured_counted` comes from; null: the event's own."),
    Column("points_rank", "INTEGER", "The event's place in the order the maps draw points "
           "(deadliest first, then newest, then by id; 1 first).", True),
)
EVENT_COLUMNS = (*EVENT_SOURCE_COLUMNS, *EVENT_DERIVED)

# The groups of table event_cube (with the year and whether the event has a point) and of
# event_firsts: every column Filters.where() tests but the date (indicators/filters.py).
CUBE_KEYS = ("country", "admin1", "district_id", "category", "actor_group", "dataset", "source_file",
             "date_precision", "is_secondary")
FIRSTS_KEYS = ("country", "admin1", "district_id", "category", "actor_group", "dataset",
               "date_precision", "is_secondary")
_YEAR = Column("event_date", "DATE", "The first day of the year the events are in (so "
               "Filters.where() applies unchanged).", True)


def _grouped(keys) -> tuple[Column, ...]:
    return tuple(_like(k, of=EVENT_COLUMNS) for k in keys)


def _sum(name: str, of: str) -> Column:
    return Column(name, "DOUBLE", f"Sum of the events' `{of}` (null when none is known).")


_FILE_LINE = (Column("source_file", "VARCHAR", "Raw file of the row (path under data/).", True),
              Column("source_line", "INTEGER", "Line of that file (1 = header).", True))
_CELL = (Column("column", "VARCHAR", "The column of the canonical schema the problem is in.", True),
         Column("value", "VARCHAR", "The cell as given (null: empty)."))
_PLACE = (_like("country", "ISO 3166-1 alpha-3 code of the country.", sql_type="VARCHAR"),
          Column("admin1", "VARCHAR", "Province or territory (the spelling of the events)."))
_SHAPE = (Column("area_km2", "DOUBLE", "Area in km2 (equal-area projection), to 0.1 km2."),
          Column("geometry_wkb", "BLOB", "Boundary as WKB in EPSG:4326."),
          Column("display_geojson", "VARCHAR", "Boundary simplified for the maps, as GeoJSON."))

TABLES: tuple[Table, ...] = (
    Table("events", "One row per event: the canonical schema (contract/schema.py) and the columns "
          "the build derives.", "etl/derived.py", EVENT_COLUMNS, key=("event_id",)),
    Table("event_signals", "The events of the signal categories (propaganda, allegiance, "
          "recruitment, organisation) with every column, in date order.", "etl/derived.py",
          tuple(_like(c.name, of=EVENT_COLUMNS, allowed=SIGNAL_CATEGORIES) if c.name == "category"
                else c for c in EVENT_COLUMNS), key=("event_id",)),
    Table("event_cube", "The events counted per year and group, so that queries needing no finer "
          "time read it instead of the events.", "etl/derived.py",
          (_YEAR, *_grouped(CUBE_KEYS),
           Column("has_point", "BOOLEAN", "True for the events with coordinates.", True),
           Column("events", "BIGINT", "Events of the group.", True),
           Column("last_date", "DATE", "The group's latest event date.", True),
           _sum("fatalities", "fatalities"), _sum("injured", "injured"),
           _sum("fatalities_counted", "fatalities_counted"), _sum("injured_counted", "injured_counted")),
          key=("event_date", *CUBE_KEYS, "has_point")),
    Table("event_firsts", "Per group of the columns a filter tests, the first event (earliest "
          "date, then smallest id).", "etl/derived.py",
          (_like("event_date", "The first event's date."), *_grouped(FIRSTS_KEYS),
           _like("event_id", "The first event."), _like("source_name", "Its source."),
           _like("source_url", "Its link.")), key=FIRSTS_KEYS),
    Table("event_unmapped", "The events a map cannot place (no district of the layer, or no "
          "province of their country and admin1), counted per year and group.", "etl/derived.py",
          (_YEAR, *_grouped(CUBE_KEYS), _like("geo_precision"),
           Column("events", "BIGINT", "Events of the group.", True)),
          key=("event_date", *CUBE_KEYS, "geo_precision")),
    Table("duplicate_links", "Probable duplicates across datasets: one row per linked pair, with "
          "its cluster.", "etl/duplicates.py",
          (Column("cluster_id", "VARCHAR", "The event the cluster counts as (its first member in "
                  "precedence).", True),
           Column("event_id", "VARCHAR", "One event of the pair (of the dataset that sorts first).", True),
           Column("linked_event_id", "VARCHAR", "The other event.", True),
           Column("days_apart", "INTEGER", "Days between their dates (0 or 1).", True),
           Column("distance_km", "DOUBLE", "Distance between their points (null when one has none).")),
          key=("event_id", "linked_event_id")),
    Table("duplicate_secondaries", "View: the events counted only through their cluster (every "
          "member of a cluster but its counted event).", "etl/duplicates.py",
          (Column("event_id", "VARCHAR", "The event.", True),), key=("event_id",), view=True),
    Table("duplicates", "Rows of an event id already loaded (or of an id another dataset's "
          "replaces), with the row kept.", "etl/stage.py",
          (Column("event_id", "VARCHAR", "The event id of the row.", True),
           Column("source_file", "VARCHAR", "Raw file of the row (path under data/).", True),
           Column("source_line", "INTEGER", "Line of that file (1 = header).", True),
           Column("source_file_kept", "VARCHAR", "Raw file of the row loaded instead.", True),
           Column("source_line_kept", "INTEGER", "Its line.", True),
           Column("reason", "VARCHAR", "Why the row is a duplicate id.", True)),
          key=("source_file", "source_line")),
    Table("quality_flags", "What was wrong in a loaded event's secondary fields and what was done "
          "(each flag is also in the event's qa_flags).", "etl/stage.py",
          (_like("event_id", "The event flagged."), *_FILE_LINE, *_CELL,
           Column("flag", "VARCHAR", "What was wrong and what was done.", True)),
          key=("source_file", "source_line", "column", "flag")),
    Table("rejects", "Rows that cannot be an event (no usable date, no country, unreadable).",
          "etl/stage.py", (*_FILE_LINE, *_CELL, Column("reason", "VARCHAR", "Why, and what to fix.", True)),
          key=("source_file", "source_line", "column", "reason")),
    Table("out_of_scope", "Rows of a country the dashboard does not cover.", "etl/stage.py",
          (*_FILE_LINE, _CELL[0], Column("country", "VARCHAR", "The country as written.")),
          key=("source_file", "source_line")),
    Table("districts", "The district layer the events are placed in.", "etl/build.py",
          (Column("district_id", "VARCHAR", "Key of the district (`PAK-quetta`).", True), *_PLACE,
           Column("admin2", "VARCHAR", "District or agency name."), _SHAPE[0],
           Column("centroid_lat", "DOUBLE", "Latitude of the centroid (EPSG:4326)."),
           Column("centroid_lon", "DOUBLE", "Longitude of the centroid (EPSG:4326)."), *_SHAPE[1:]),
          key=("district_id",)),
    Table("provinces", "The province layer: dissolved from the districts, or a registered "
          "province layer for its country.", "etl/boundaries.py",
          (Column("province_id", "VARCHAR", "Key of the province.", True), *_PLACE,
           Column("name", "VARCHAR", "Name shown."), *_SHAPE),
          key=("province_id",), unique=(("country", "admin1"),)),
    Table("population", "Census population per district (rates per 100,000 people; etl/population.py).",
          "etl/build.py",
          (Column("district_id", "VARCHAR", "Key of the district in table districts.", True),
           Column("pop_2017", "BIGINT", "Population, 2017 census (provisional results).", True),
           Column("pop_1998", "BIGINT", "Population, 1998 census (null when a summed census "
                  "district lacks it)."),
           Column("census_districts", "VARCHAR", "The census districts summed, comma-separated.", True),
           Column("source", "VARCHAR", "The census cited.", True)),
          key=("district_id",)),
    Table("categories", "The controlled list of categories with their definitions.", "etl/build.py",
          (Column("category", "VARCHAR", "The category.", True, tuple(CATEGORIES)),
           Column("definition", "VARCHAR", "What it counts."),
           Column("by_default", "BOOLEAN", "True when the default view counts it.")),
          key=("category",)),
    Table("actor_kinds", "The kind of every actor group (data/reference/actor_kinds.csv, and "
          "'unknown' for a group it does not list).", "etl/kinds.py",
          (Column("actor_group", "VARCHAR", "The actor group, as in events.actor_group.", True),
           Column("kind", "VARCHAR", "Its kind.", True, tuple(ACTOR_KINDS)),
           Column("reason", "VARCHAR", "Why it is of that kind.")),
          key=("actor_group",)),
    Table("coverage", "What each dataset covers: one row per dataset of the build.", "etl/coverage.py",
          (Column("dataset", "VARCHAR", "The dataset.", True),
           Column("name", "VARCHAR", "Its files' short names, joined with ' + '.", True),
           Column("period_start", "DATE", "First day covered.", True),
           Column("period_end", "DATE", "Last day covered.", True),
           Column("period_from", "VARCHAR", "Where the period comes from.", True,
                  ("release (data/reference/coverage.csv)", "first and last event")),
           Column("release", "VARCHAR", "The publisher's release(s) ('' when none is listed)."),
           Column("note", "VARCHAR", "A note on the release ('' when none)."),
           Column("countries", "VARCHAR", "The countries of its events, comma-separated.", True),
           Column("categories", "VARCHAR", "The categories of its events, comma-separated.", True),
           Column("records", "VARCHAR", "What it records (the format registry).", True),
           Column("complete", "BOOLEAN", "True when it aims to record every event of its kinds.", True),
           Column("preliminary", "BOOLEAN", "True for a preliminary release.", True),
           Column("events", "BIGINT", "Its events in the warehouse.", True)),
          key=("dataset",)),
    Table("yardsticks", "Yearly totals published by independent monitors (contract/yardsticks.py).",
          "etl/yardsticks.py", yardsticks.COLUMNS, key=yardsticks.KEY),
    Table("revisions", "What changed between two versions of a dataset: one row per event added "
          "or removed, one per changed field of a revised event (history kept across builds).",
          "etl/revisions.py",
          (Column("recorded_at", "VARCHAR", "When the change was recorded (ISO 8601, UTC).", True),
           Column("dataset", "VARCHAR", "The dataset.", True),
           Column("since", "VARCHAR", "When the version compared with was built ('' unknown).", True),
           Column("version", "VARCHAR", "The warehouse version that recorded it.", True),
           Column("event_id", "VARCHAR", "The event.", True),
           Column("change", "VARCHAR", "What happened to it.", True, ("added", "removed", "revised")),
           Column("field", "VARCHAR", "The changed column of a revised event (null otherwise)."),
           Column("old_value", "VARCHAR", "Its old value, as text."),
           Column("new_value", "VARCHAR", "Its new value, as text.")),
          key=("recorded_at", "dataset", "event_id", "change", "field")),
    Table("sources", "The files of the build (data/raw/sources.csv and data/imports/imports.csv).",
          "etl/build.py",
          (Column("file", "VARCHAR", "Path under data/.", True),
           Column("format", "VARCHAR", "Its format (etl/sources/registry.py).", True),
           Column("dataset", "VARCHAR", "The dataset its events belong to.", True),
           Column("short_name", "VARCHAR", "Short name shown."),
           Column("title", "VARCHAR", "Title of the dataset or report."),
           Column("author_publisher", "VARCHAR", "Author or publisher."),
           Column("origin", "VARCHAR", "Where the file comes from."),
           Column("licence", "VARCHAR", "Its licence or terms."),
           Column("sha256", "VARCHAR", "Hash of the file read.", True)),
          key=("file",)),
    Table("etl_runs", "The build's counts per file: rows read = loaded + out of scope + rejected + "
          "duplicates.", "etl/build.py",
          (Column("version", "VARCHAR", "The warehouse version (a hash of the inputs).", True),
           Column("built_at", "VARCHAR", "When it was built (ISO 8601, UTC).", True),
           Column("file", "VARCHAR", "Path under data/.", True),
           Column("dataset", "VARCHAR", "Its dataset.", True),
           *(Column(n, "BIGINT", m, True) for n, m in (
               ("rows_read", "Data rows read."), ("loaded", "Rows loaded as events."),
               ("out_of_scope", "Rows of another country."), ("rejected", "Rows rejected."),
               ("duplicates", "Rows of an id already loaded."),
               ("unplaced", "Events loaded without a district."),
               ("flagged", "Events loaded with at least one quality flag."))),
           Column("sha256", "VARCHAR", "Hash of the file.", True)),
          key=("file",)),
    Table("meta", "The build's version, layout and inputs.", "etl/build.py",
          (Column("key", "VARCHAR", "version: a hash of the inputs; schema: WAREHOUSE_LAYOUT of the "
                  "build; inputs: what it read (JSON), for the next import.", True,
                  ("version", "schema", "inputs")),
           Column("value", "VARCHAR", "The value.", True)),
          key=("key",)),
)
BY_NAME = {t.name: t for t in TABLES}


def layout(tables: tuple[Table, ...] = TABLES) -> str:
    """A short hash of what the tables give a reader (names, types, required, allowed values,
    keys; not their words): any change of a column changes it."""
    text = json.dumps(sorted((t.shape() for t in tables), key=lambda s: s["name"]), sort_keys=True)
    return "tables-" + hashlib.sha256(text.encode()).hexdigest()[:12]


# The layout of the warehouse the pages read (table meta, key 'schema'): a warehouse of another
# layout is rebuilt before the dashboard reads it.
WAREHOUSE_LAYOUT = layout()


def tables_markdown() -> str:
    """Every table as a Markdown section: its meaning, writer, key and columns."""
    out = []
    for t in TABLES:
        out.append(f"### `{t.name}`{' (view)' if t.view else ''}\n\n{t.meaning} Written by "
                   f"{t.writer}. Key: {', '.join(f'`{k}`' for k in t.key) or 'none'}."
                   + "".join(f" Also unique: {', '.join(f'`{k}`' for k in u)}." for u in t.unique)
                   + "\n")
        out.append("| column | type | required | meaning |\n|---|---|---|---|")
        out.append("\n".join(_row(c) for c in t.columns) + "\n")
    return "\n".join(out)


def _row(c: Column) -> str:
    allowed = f" One of: {', '.join(c.allowed)}." if c.allowed else ""
    return f"| `{c.name}` | {c.sql_type} | {'yes' if c.required else ''} | {c.description}{allowed} |"
