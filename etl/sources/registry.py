"""THE list of input formats: each declared once, read by the build, the import, the schema's
dataset list, the Methods page and the README (a test keeps the README's table equal to
`formats_markdown()`).

Adding a format is one adapter module in etl/sources/ (`events(part, name) -> schema.Outcome`
over the cells of a part the reader gives, etl/read/, with optional USED columns and RENAMES)
plus one entry here. Adapters are named by module (they import this list; it does not import
them).
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace

import pandas as pd

from etl import schema
from etl.read import files
from etl.read.sniff import FileProblem


@dataclass(frozen=True)
class Format:
    name: str  # the format id (`--format`), also the id of the dataset it loads into (`dataset`)
    module: str  # etl.sources.<module>.events maps the cells of a file of this format
    title: str  # what the dataset is
    publisher: str  # the source_name of its events, the author_publisher of its imports
    required: tuple[str, ...]  # lower-case columns the header must have (format detection)
    files: str  # which files the format reads
    event_id: str
    headline: str  # where `fatalities` comes from
    records: str  # what the dataset records (its coverage by kind of event)
    licence: str
    aliases: dict[str, str] = field(default_factory=dict)  # older column names -> current ones
    # Precedence of a probable-duplicate cluster's figures: the member of the lowest rank that
    # reports a figure gives it (see etl/duplicates.py).
    rank_deaths: int = 9
    rank_injured: int = 9
    options: dict = field(default_factory=dict)  # keyword arguments of the adapter's load
    preliminary: bool = False  # a publisher's preliminary release, revised and later replaced
    # Does the dataset aim to record every event of its kinds in its countries (UCDP, ACLED, GTD)?
    # A period covered only by datasets that do not (one group, one kind of attack) is partial.
    complete: bool = False
    detect: bool = True  # tried by auto-detection (False: a header it shares with another format)

    @property
    def dataset(self) -> str:
        """The dataset its events (and its imports) load into: its name, unless its adapter is
        given another (`options`: the Candidate formats load into `ucdp_candidate`)."""
        return self.options.get("dataset", self.name)

    def _check_header(self, path, name) -> None:
        """A FileProblem when the file's header lacks a column the format needs."""
        header = {ALIASES.get(h, h) for h in files.header_of(path, name)}
        missing = [c for c in self.required if c not in header]
        if missing:
            raise FileProblem(f"{name} line 1: missing column {missing[0]!r} (a {self.name} file "
                              f"has {', '.join(self.required)}); is this the right format for "
                              f"this file?")

    def load(self, path, name):
        """The file's outcome (schema.Outcome); a FileProblem when its header lacks a column
        the format needs."""
        parts = files.read_whole(lambda how: self.chunks(path, name, how))
        return parts[0] if len(parts) == 1 else schema.Outcome(
            *(pd.concat([getattr(p, f) for p in parts], ignore_index=True)
              for f in ("events", "rejects", "flags", "out_of_scope")),
            rows_read=sum(p.rows_read for p in parts))

    def chunks(self, path, name, how: str = "checked"):
        """The file's outcome in parts (schema.Outcome each) of at most files.CHUNK_ROWS rows, so
        that memory does not grow with the file: the adapter's `events` on each part its reader
        gives (the adapter's USED columns and the older names of columns, renamed by its RENAMES;
        `how`: files.READS)."""
        self._check_header(path, name)
        module = importlib.import_module(f"etl.sources.{self.module}")
        used = getattr(module, "USED", None)
        columns = None if used is None else tuple(used) + tuple(ALIASES)
        renames = getattr(module, "RENAMES", {})
        for part in files.read_parts(path, name, columns, files.CHUNK_ROWS, how):
            renamed = replace(part, frame=part.frame.rename(columns=renames))
            yield replace(module.events(renamed, name, **self.options), read=part.read)


_LICENCE_IMPORT = "the analyst's licence; kept in data/imports, never committed"

FORMATS: dict[str, Format] = {f.name: f for f in (  # in the order auto-detection tries them
    Format(
        "acled", "acled", "ACLED export or API download imported by an analyst",
        "ACLED (Armed Conflict Location & Event Data)",
        ("event_id_cnty", "event_date", "event_type", "actor1", "country", "latitude", "longitude",
         "fatalities"),
        "export CSV (current 31 columns, the 2018-2020 layout, old UPPERCASE files with "
        "`ALLY_ACTOR_1/2`, spreadsheet re-saves), API JSON (rows under `\"data\"`); UTF-8 with or "
        "without BOM", "`acled:<event_id_cnty>`",
        "`fatalities` (ACLED records no injuries)",
        "all political violence, demonstrations and strategic developments",
        _LICENCE_IMPORT, {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"},
        rank_deaths=5, rank_injured=5, complete=True),
    Format(
        "gtd", "gtd", "Global Terrorism Database (START) export imported by an analyst",
        "Global Terrorism Database (START, University of Maryland)",
        ("eventid", "iyear", "imonth", "iday", "country_txt", "latitude", "longitude",
         "attacktype1_txt", "gname", "nkill"),
        "CSV (Latin-1, as START distributes it, or written from R with `NA`) or XLSX (first sheet)",
        "`gtd:<eventid>`",
        "`nkill` as published, fractions kept (GTD divides a multi-part attack's deaths across its "
        "incidents); `nwound` for injured; blank, `NA` or -99 = unknown",
        "terrorist attacks by non-state actors, to the release's last year", _LICENCE_IMPORT,
        rank_deaths=4, rank_injured=2, complete=True),
    Format(
        "ucdp", "ucdp", "UCDP Georeferenced Event Dataset export imported by an analyst",
        "UCDP Georeferenced Event Dataset (Uppsala Conflict Data Program)",
        ("id", "date_start", "type_of_violence", "side_a", "side_b", "country", "latitude",
         "longitude", "where_prec", "date_prec"),
        "GED CSV, older releases (`best_est`...), HDX copies (HXL tag row skipped), Candidate "
        "Events, rows with a trailing comma", "`ucdp:<id>`",
        "`best` (UCDP's best estimate); `low` and `high` as fatalities_low / fatalities_high, kept "
        "as published when out of order (flagged)",
        "organised violence with at least one death: state-based, non-state and one-sided",
        _LICENCE_IMPORT, {"best_est": "best", "high_est": "high", "low_est": "low"},
        rank_deaths=2, rank_injured=9, complete=True),
    Format(
        "ucdp_candidate", "ucdp",
        "UCDP Candidate Events (monthly, preliminary: revised later and replaced by the yearly GED)",
        "UCDP Candidate Events Dataset (Uppsala Conflict Data Program), preliminary",
        ("id", "date_start", "type_of_violence", "side_a", "side_b", "country", "latitude",
         "longitude", "where_prec", "date_prec"),
        "a monthly Candidate Events release (the GED columns); not auto-detected (its header is "
        "GED's): give `--format ucdp_candidate`", "`ucdp_candidate:<id>`",
        "`best`, as in GED; preliminary", "organised violence with at least one death, "
        "preliminary (the months after the last GED release)", _LICENCE_IMPORT,
        {"best_est": "best", "high_est": "high", "low_est": "low"},
        rank_deaths=3, rank_injured=9, options={"dataset": "ucdp_candidate"}, preliminary=True,
        complete=True, detect=False),
    Format(
        "ucdp_candidate_7col", "ucdp_candidate_7col",
        "UCDP Candidate Events reduced to 7 columns by a third party (preliminary; no places, no "
        "sides): events known only to their country",
        "UCDP Candidate Events Dataset (Uppsala Conflict Data Program), preliminary; 7-column "
        "reduction",
        ("id", "conflict_new_id", "conflict_name", "country", "best", "type_of_violence", "date"),
        "a Candidate Events file cut to id, conflict_new_id, conflict_name, country, best, "
        "type_of_violence and date (as github stvbao/AtrocityViz's ged_2025.csv); the actor from "
        "`conflict_name` by data/reference/ucdp_conflicts.csv; loads into dataset `ucdp_candidate`",
        "`ucdp_candidate:<id>` (UCDP's ids: a GED event of the same id replaces it)",
        "`best`; preliminary", "organised violence with at least one death, preliminary; every "
        "event known only to its country (geo_precision `country`)", _LICENCE_IMPORT,
        rank_deaths=3, rank_injured=9, options={"dataset": "ucdp_candidate"}, preliminary=True,
        complete=True),
    Format(
        "events", "template", "Events coded by an analyst in the event template",
        "Events coded by an analyst (event template)",
        ("event_date", "country", "category", "source_name"),
        "the event template: the schema's columns as CSV (download it empty or filled from the "
        "Data page)", "`events:<event_id or a hash>`", "`fatalities` as written",
        "what the analyst coded", _LICENCE_IMPORT, rank_deaths=6, rank_injured=6),
    Format(
        "curated", "curated",
        "Hand-coded, cited events of the Islamic State network in Pakistan and Afghanistan",
        "Events coded by an analyst (curated format)",
        ("event_date", "date_end", "date_precision", "country", "admin1", "admin2", "location",
         "category", "actor", "assoc_actor", "target", "killed", "injured", "description",
         "source_title", "source_url", "source_publisher", "source_date"),
        "the bundled curated files and newer releases of them", "`curated:<hash of the row>`",
        "`killed` as cited", "only the Islamic State network (attacks and weak signals)",
        "the facts are public; cite each row's source", rank_deaths=1, rank_injured=1),
    Format(
        "pk_suicide_attacks", "pk_suicide_attacks",
        "Pakistan suicide bombing attacks 1995-2017 (Usmani, Kaggle)",
        "Pakistan Suicide Bombing Attacks (Zeeshan-ul-hassan Usmani, Kaggle)",
        ("s#", "date", "city", "province", "latitude", "longitude", "location", "target type",
         "targeted sect if any", "killed min", "killed max", "injured min", "injured max"),
        "the bundled file and the original Kaggle releases (`Sunday-November 19-1995`, "
        "`Friday-Jan 29-2016`, typos such as `Sturday`, Windows-1252 bytes)",
        "`pk_suicide_attacks:<S#>`", "`Killed Max` (the file's maximum), with Min and Max as the range",
        "only suicide bombings in Pakistan", "as published on Kaggle by its author; cite the author",
        rank_deaths=3, rank_injured=3),
    Format(
        "pk_drone_strikes", "pk_drone_strikes",
        "US drone strikes in Pakistan 2004-2017 (Usmani / Pakistan Body Count, Kaggle)",
        "Pakistan Drone Attacks (Zeeshan-ul-hassan Usmani / Pakistan Body Count, Kaggle)",
        ("s#", "date", "location", "city", "province", "total died min", "injured min",
         "injured max", "comments", "references", "longitude", "latitude"),
        "the bundled file and other releases (`Total Died Mix` or `Max`)", "`pk_drone_strikes:<S#>`",
        "`Total Died Max` (the file's maximum), with Min and Max as the range",
        "only US drone strikes in Pakistan", "as published on Kaggle by its author; cite the author",
        {"total died max": "total died mix"}, rank_deaths=4, rank_injured=4),
)}

# Datasets whose events another dataset's event of the same id replaces: UCDP gives an event the
# same id in its Candidate releases and in GED, the final word on it (etl/duplicates.py
# `same_event`: the Candidate row counts as a duplicate id of the GED event).
REPLACED_BY: dict[str, str] = {"ucdp_candidate": "ucdp"}

# Older column names of every format (detection and the fast reader look for these too).
ALIASES: dict[str, str] = {old: new for f in FORMATS.values() for old, new in f.aliases.items()}


def formats_markdown() -> str:
    """The formats as the README's table (a test keeps the README equal to it)."""
    lines = ["| format | files | event id | fatalities from | records |", "|---|---|---|---|---|"]
    for f in FORMATS.values():
        lines.append(f"| `{f.name}` | {f.files} | {f.event_id} | {f.headline} | {f.records} |")
    return "\n".join(lines)
