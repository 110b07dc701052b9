"""THE event schema: the columns of table `events`, their types and allowed values, the category
vocabulary and the target classes: what the ETL writes and every reader may rely on.

Every adapter in etl/sources/ returns a frame with these columns (plus the provenance columns
`source_file` and `source_line`); etl/schema.py validates it against them. Indicators, pages and
exports read the names here, never the writer's modules.
"""
from __future__ import annotations

from dataclasses import dataclass

# Controlled list of categories. The default view (DEFAULT_CATEGORIES) counts attacks and clashes
# of militant actors and the weak signals; state action, protests and context are added by a user.
CATEGORIES: dict[str, str] = {
    "attack": "Violence by a non-state armed group: bombing, suicide attack, armed assault, "
    "targeted killing, kidnapping.",
    "propaganda": "Public messaging for a group: wall-chalking, flags, pamphlets, booklets, "
    "videos and statements meant to attract support.",
    "allegiance": "A pledge of allegiance (bay'ah) to a group or its leader, or a group's public "
    "announcement of a branch, province or commander.",
    "recruitment": "A documented case of recruiting, radicalising or sending people to a group, "
    "including recruitment cells and travel to join it.",
    "organisation": "A militant group's organisational step reported as a strategic development: a "
    "change to the group or its activity, an agreement, a headquarters or base established "
    "(ACLED strategic developments by a non-state actor). A weak signal.",
    "counter_terrorism": "Arrests, raids, trials and killings of militants by Pakistani or Afghan "
    "security forces. State action: not counted as extremist activity.",
    "state_strike": "Air or drone strikes by a foreign state against militants (the US drone "
    "campaign in Pakistan). State action: not counted as extremist activity or attacks.",
    "armed_clash": "Fighting between armed sides where the source does not say who attacked: a "
    "government against an organised group (UCDP state-based conflict, ACLED battles) or two "
    "groups (UCDP non-state conflict). Not counted as attacks by either side; counted as "
    "militant violence when its non-state side (the event's actor) is a militant group.",
    "state_violence": "Violence by state forces against civilians (ACLED violence against "
    "civilians by state forces, UCDP one-sided violence by a government). State action.",
    "protest": "Protests and riots (ACLED). Not extremist activity.",
    "strategic_development": "Other strategic developments (ACLED): looting, transfers of "
    "territory, agreements and other non-violent events that are context, not extremist activity.",
    "other": "A source type not yet mapped in data/reference/event_categories.csv; such rows load "
    "with a quality flag saying which value to map.",
}
SIGNAL_CATEGORIES = ("propaganda", "allegiance", "recruitment", "organisation")
# Militant violence, the headline: attacks and armed clashes of a militant actor (MILITANT_KINDS).
# The categories stay the source's: a clash is never relabelled an attack.
MILITANT_CATEGORIES = ("attack", "armed_clash")
# The default view: militant violence with the weak signals beside it.
DEFAULT_CATEGORIES = (*MILITANT_CATEGORIES, *SIGNAL_CATEGORIES)

# The kind of each actor group (data/reference/actor_kinds.csv, table `actor_kinds`). For a clash
# the actor is its non-state side, so "a clash of a militant kind" is one a militant group fought.
ACTOR_KINDS: dict[str, str] = {
    "jihadist": "Jihadist groups: TTP and its factions, IS/ISKP, al-Qaeda, Lashkar-e-Jhangvi, ...",
    "nationalist insurgent": "Nationalist and separatist insurgents: BLA, BLF, BRAS, ...",
    "sectarian": "Sectarian militant groups and militias (Shi'a and Sunni).",
    "political or communal": "Political parties' supporters and armed wings (MQM), tribal "
    "lashkars, clans and communal militias.",
    "state": "Governments and their forces, and foreign states (drone strikes, border fighting, "
    "counter-terrorism, state violence).",
    "unknown": "No group named by the source (unclaimed), or a named actor that no rule of "
    "data/reference/actor_groups.csv recognises.",
}
MILITANT_KINDS = ("jihadist", "nationalist insurgent", "sectarian", "unknown")

DATE_PRECISIONS = ("day", "month", "year")
# point: coordinates given by the source; place: a named town or village from the gazetteer;
# district / province / country: known only to that level, with no point placed.
GEO_PRECISIONS = ("point", "place", "district", "province", "country")
COUNTRIES = ("PAK", "AFG")
COUNTRY_NAMES = {"PAK": "Pakistan", "AFG": "Afghanistan"}  # ISO code -> the name shown
# Target classes, derived by etl/targets.py from data/reference/target_classes.csv: the class of a
# target that no rule matches, and the classes counted as attacks on civilians.
UNKNOWN_TARGET = "other or unknown"
CIVILIAN_CLASSES = ("civilians", "religious minorities")


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
    Column("fatalities", "DOUBLE", "People killed: the source's own headline figure (UCDP `best`, "
           "GTD `nkill`, ACLED `fatalities`, the curated file's `killed`, the Kaggle files' "
           "maximum); fractions kept as published (GTD divides a multi-part attack's deaths across "
           "its incidents); null when unknown (never 0 for unknown)."),
    Column("fatalities_low", "DOUBLE", "The source's low estimate where it gives a range (UCDP "
           "`low`, the Kaggle files' minimum)."),
    Column("fatalities_high", "DOUBLE", "The source's high estimate where it gives a range (UCDP "
           "`high`, the Kaggle files' maximum)."),
    Column("injured", "DOUBLE", "People injured: the source's own figure (the Kaggle files' "
           "maximum); null when unknown."),
    Column("injured_low", "DOUBLE", "The source's minimum figure where it gives a range."),
    Column("injured_high", "DOUBLE", "The source's maximum figure where it gives a range."),
    Column("description", "VARCHAR", "What happened, in words."),
    Column("source_name", "VARCHAR", "Publisher or dataset the event is cited from.", True),
    Column("source_title", "VARCHAR", "Title of the cited report or dataset."),
    Column("source_url", "VARCHAR", "Link to the report, where there is one."),
    Column("source_date", "DATE", "Publication date of the cited report."),
    Column("qa_flags", "VARCHAR", "Quality flags: what was wrong in the row's secondary fields and "
           "what was done (one per cell, '; '-separated; every flag is also a row of table "
           "`quality_flags`)."),
    Column("source_file", "VARCHAR", "Raw file the row was read from (path under data/).", True),
    Column("source_line", "INTEGER", "Line of that file (1 = header).", True),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
INT_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == "INTEGER")
# People counts: the source's figures, fractions allowed (GTD), never negative.
COUNT_COLUMNS = ("fatalities", "fatalities_low", "fatalities_high", "injured", "injured_low",
                 "injured_high")
DATE_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == "DATE")
FLOAT_COLUMNS = tuple(c.name for c in COLUMNS if c.sql_type == "DOUBLE")

def describe_markdown() -> str:
    """The schema as a Markdown table (docs/reference/schema.md and the Methods page)."""
    lines = ["| column | type | required | meaning |", "|---|---|---|---|"]
    for c in COLUMNS:
        allowed = f" One of: {', '.join(c.allowed)}." if c.allowed else ""
        lines.append(f"| `{c.name}` | {c.sql_type} | {'yes' if c.required else ''} | "
                     f"{c.description}{allowed} |")
    return "\n".join(lines)


def __getattr__(name: str):
    """WAREHOUSE_LAYOUT, derived from every table's contract (contract/tables.py), also read here."""
    if name == "WAREHOUSE_LAYOUT":
        from contract.tables import WAREHOUSE_LAYOUT
        return WAREHOUSE_LAYOUT
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
