"""Probable duplicates across datasets: the same incident reported by two datasets (for example an
attack in both GTD and ACLED) is linked, never deleted.

Two events of different datasets are linked when their dates are at most a day apart, they are in
the same district or within NEAR_KM of each other, their categories are equal (or one is an attack
and the other an armed clash: UCDP codes a suicide bombing of an army post as state-based conflict
without saying who attacked), and their actor
groups are compatible (equal, one is Unknown or Other, or one is the parent of the other, as
Jamaat-ul-Ahrar and TTP). Linked events form clusters (connected components); table
`duplicate_links` has one row per linked pair with the cluster's id: the member of the dataset
with the most specific category (an attack before an armed clash), then ranked first for deaths
(`rank_deaths` in etl/sources/registry.py), then the smallest event_id: the one event a cluster
counts as, so its category is the most precise any member gives. Its figures are the best of the members' (`best_figures`).

Not to be confused with duplicate ids (table `duplicates`, etl/stage.py `write_events`): rows of
one event id, of which one loads. An id can also stand for the event of another dataset's id:
UCDP gives an event the same id in its Candidate releases and in GED, so `ucdp:<n>` replaces
`ucdp_candidate:<n>` (registry REPLACED_BY; `same_event`, `replaced`, `twins`).
"""
from __future__ import annotations

import duckdb
import pandas as pd

from contract.tables import BY_NAME
from etl.actors import OTHER, UNKNOWN, parents
from etl.schema import create_sql, sql_text
from etl.sources.registry import FORMATS, REPLACED_BY

NEAR_KM = 10.0
MAX_DAYS = 1
# Categories that may describe the same incident (compared through this class, else as they are).
LINK_CLASS = {"attack": "violence", "armed_clash": "violence"}
# A cluster's counted event is the member whose category says the most (lower first).
VAGUE = {"armed_clash": 1}
COLUMNS = BY_NAME["duplicate_links"].column_names


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in COLUMNS})


def link(events: pd.DataFrame) -> pd.DataFrame:
    """The linked pairs of `events` (canonical frame), with cluster ids."""
    con = duckdb.connect()
    try:
        con.register("events_frame", events[["event_id", "dataset", "event_date", "district_id",
                                             "latitude", "longitude", "category", "actor_group"]])
        return link_table(con, "events_frame")
    finally:
        con.close()


def link_table(con: duckdb.DuckDBPyConnection, table: str, only: str | None = None,
               clusters: bool = True) -> pd.DataFrame:
    """The linked pairs of the events in `table` (the build's events table), with cluster ids
    (without, and without column cluster_id, when not `clusters`); with `only` (SQL: a condition
    over the table's columns that holds for the new events, such as their source files), the
    pairs with at least one of those events. Only the pairs leave DuckDB. (`only` is a condition,
    not a table of ids: a semi-join with millions of new ids keeps them materialised and spills.)"""
    if con.execute(f"SELECT count(DISTINCT dataset) FROM {table}").fetchall()[0][0] < 2:
        return empty()
    link_class = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in LINK_CLASS.items())
    family = pd.DataFrame([(g, p) for g, p in parents().items()], columns=["actor_group", "parent"])
    con.register("family", family)
    try:
        con.execute(f"""CREATE OR REPLACE TEMP VIEW ev AS SELECT event_id, dataset,
                            event_date::TIMESTAMP AS event_date, district_id,
                            latitude::DOUBLE AS latitude, longitude::DOUBLE AS longitude, category,
                            actor_group, CASE category {link_class} ELSE category END AS link_class,
                            ({only or 'false'}) AS is_new
                        FROM {table}""")
        # Candidates by equi-joins only: on the category class, the day (one side listed under
        # the day before, its day and the day after) and a place: the same district, or for two
        # points the same band of 0.1 degree of latitude or a neighbouring one (a distance up to
        # NEAR_KM, 10.005 km as rounded, is at most 0.09 degree of latitude). Without the place,
        # two 1M-event datasets of one region met in tens of millions of candidates (1M
        # GTD-shaped events and 100k ACLED ones: 17 s). A whole build lists each event once for
        # every other dataset that sorts before its own (`shifted`, `near`), so no pair of one
        # dataset is compared; an addition (`only`) compares the new events with the other
        # datasets' events only (`_new_candidates`).
        on = "s.other = a.dataset AND s.link_class = a.link_class AND s.day = a.day"
        candidates, news = (
            f"SELECT a.event_id, s.event_id AS linked_event_id FROM e a JOIN shifted s "
            f"ON {on} AND s.district_id = a.district_id UNION "
            f"SELECT a.event_id, s.event_id FROM e a JOIN near s ON {on} AND s.band = a.band"), ""
        if only:  # a pair with a new event on either side, named in dataset order
            candidates, news = _new_candidates(con), (
                "new AS (SELECT * FROM e WHERE is_new), ")
        pairs = con.execute(f"""
            WITH e AS (SELECT ev.*, coalesce(f.parent, ev.actor_group) AS root,
                              ev.event_date::DATE AS day,
                              CASE WHEN ev.latitude IS NOT NULL AND ev.longitude IS NOT NULL
                                   THEN floor(ev.latitude * 10)::BIGINT END AS band
                       FROM ev LEFT JOIN family f USING (actor_group)),
            names AS (SELECT DISTINCT dataset AS other FROM ev),
            offsets AS (SELECT unnest(range(-{MAX_DAYS}, {MAX_DAYS} + 1)) AS offset_days),
            steps AS (SELECT unnest([-1, 0, 1]) AS step),
            shifted AS (SELECT e.event_id, e.link_class, n.other, e.day + o.offset_days::INTEGER AS day,
                               e.district_id, e.band
                        FROM e JOIN names n ON n.other < e.dataset CROSS JOIN offsets o),
            near AS (SELECT event_id, link_class, other, day, band + b.step AS band
                     FROM shifted CROSS JOIN steps b WHERE band IS NOT NULL),
            {news}candidates AS ({candidates})
            SELECT a.event_id, b.event_id AS linked_event_id,
                   abs(date_diff('day', a.day, b.day)) AS days_apart,
                   round(6371 * 2 * asin(sqrt(
                       pow(sin(radians(b.latitude - a.latitude) / 2), 2) +
                       cos(radians(a.latitude)) * cos(radians(b.latitude)) *
                       pow(sin(radians(b.longitude - a.longitude) / 2), 2))), 2) AS distance_km
            FROM candidates c JOIN e a ON a.event_id = c.event_id
                              JOIN e b ON b.event_id = c.linked_event_id
            WHERE (a.actor_group = b.actor_group OR a.root = b.root
                   OR a.actor_group IN (?, ?) OR b.actor_group IN (?, ?))
              AND ((a.district_id IS NOT NULL AND a.district_id = b.district_id)
                   OR distance_km <= ?)
            ORDER BY 1, 2""", [UNKNOWN, OTHER, UNKNOWN, OTHER, NEAR_KM]).df()
    finally:
        con.execute("DROP VIEW IF EXISTS ev")
        con.unregister("family")
    return clustered(con, table, pairs) if clusters else pairs


def _new_candidates(con: duckdb.DuckDBPyConnection) -> str:
    """SQL: the candidate pairs of the new events (CTE `new`, the events of view ev with is_new) with the
    events of the other datasets (CTE `e`), dataset by dataset of the new events, so that every
    condition of the join is an equality: a 'dataset <>' tested after the join met every new
    ACLED event with the ACLED events of its day and band. The smaller side of each join is the
    one listed around its days and bands."""
    counts = con.execute("SELECT dataset, count(*) FILTER (WHERE is_new), count(*) FROM ev "
                         "GROUP BY dataset").fetchall()
    total = sum(n for _, _, n in counts)
    pair = ("CASE WHEN n.dataset < o.dataset THEN n.event_id ELSE o.event_id END AS event_id, "
            "CASE WHEN n.dataset < o.dataset THEN o.event_id ELSE n.event_id END AS linked_event_id")
    same = "o.link_class = n.link_class AND o.day = n.near_day"
    parts = []
    for dataset, added, events in counts:
        if not added:
            continue
        mine = f"(SELECT * FROM new WHERE dataset = {sql_text(dataset)})"
        theirs = f"(SELECT * FROM e WHERE dataset <> {sql_text(dataset)})"
        wide, narrow = (mine, theirs) if added <= total - events else (theirs, mine)
        days = (f"(SELECT x.event_id, x.dataset, x.link_class, x.district_id, x.band, "
                f"x.day + s.offset_days::INTEGER AS near_day FROM {wide} x CROSS JOIN offsets s)")
        bands = (f"(SELECT w.*, w.band + b.step AS near_band FROM {days} w CROSS JOIN steps b "
                 f"WHERE w.band IS NOT NULL)")
        parts.append(f"SELECT {pair} FROM {days} n JOIN {narrow} o ON {same} AND "
                     f"o.district_id = n.district_id UNION SELECT {pair} FROM {bands} n "
                     f"JOIN {narrow} o ON {same} AND o.band = n.near_band")
    return " UNION ".join(parts) or \
        "SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS linked_event_id WHERE false"


def clustered(con: duckdb.DuckDBPyConnection, table: str, pairs: pd.DataFrame) -> pd.DataFrame:
    """`pairs` (event_id, linked_event_id, days_apart, distance_km) with their cluster ids, in
    the order of event_id, linked_event_id (the categories of the events come from `table`)."""
    if not len(pairs):
        return empty()
    pairs = pairs.sort_values(["event_id", "linked_event_id"], ignore_index=True)
    ids = pd.unique(pairs[["event_id", "linked_event_id"]].to_numpy().ravel())
    con.register("linked_ids", pd.DataFrame({"event_id": ids}))
    try:
        category = dict(con.execute(f"SELECT event_id, category FROM {table} "
                                    "JOIN linked_ids USING (event_id)").fetchall())
    finally:
        con.unregister("linked_ids")
    pairs = pairs.drop(columns=["cluster_id"], errors="ignore")
    pairs.insert(0, "cluster_id", _clusters(pairs, category))
    return pairs[list(COLUMNS)]


def _clusters(pairs: pd.DataFrame, category: dict[str, str]) -> list[str]:
    """Connected components of the pairs, each named by its first member in precedence: the most
    specific category, then the dataset's rank for deaths (the dataset is the event id's
    prefix), then the event id."""
    parent: dict[str, str] = {}

    def _precedence(event_id: str) -> tuple[int, int, str]:
        fmt = FORMATS.get(event_id.split(":", 1)[0])
        return (VAGUE.get(category.get(event_id), 0), fmt.rank_deaths if fmt else 99, event_id)

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(pairs["event_id"], pairs["linked_event_id"]):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb, key=_precedence)] = min(ra, rb, key=_precedence)
    return [find(a) for a in pairs["event_id"]]


# The events counted only through their cluster: every member but the cluster's id. Indicators
# leave them out unless a user asks for every event (Filters.all_duplicates).
SECONDARIES_VIEW = """CREATE OR REPLACE VIEW duplicate_secondaries AS
    SELECT event_id FROM duplicate_links WHERE event_id <> cluster_id
    UNION SELECT linked_event_id FROM duplicate_links WHERE linked_event_id <> cluster_id"""


def best_figures(events: str) -> str:
    """A query of columns event_id, fatalities_counted, fatalities_from, injured_counted,
    injured_from of the clusters' counted events in table `events` (dataset_ranks must be registered: `ranks()`):
    the figures an event counts with when a cluster of probable duplicates counts once. Every
    event has its own figures there, except a cluster's counted event (its cluster_id), which has
    the best of its members': deaths from the member that reports them whose dataset ranks first
    for deaths, injured likewise by `rank_injured`; fatalities_from / injured_from name that
    member (null: the event's own). `fatalities` and `injured` stay the source's own. Importing a
    dataset that merely duplicates events can then never lower a total."""
    best = {}
    for figure, rank in (("fatalities", "rank_deaths"), ("injured", "rank_injured")):
        best[figure] = f"""(SELECT DISTINCT ON (m.cluster_id) m.cluster_id, e.event_id, e.{figure}
            FROM (SELECT cluster_id, event_id FROM duplicate_links
                  UNION SELECT cluster_id, linked_event_id FROM duplicate_links) m
            JOIN {events} e USING (event_id) LEFT JOIN dataset_ranks r USING (dataset)
            WHERE e.{figure} IS NOT NULL
            ORDER BY m.cluster_id, coalesce(r.{rank}, 99), e.event_id)"""
    columns = ", ".join(
        f"CASE WHEN {b}.event_id <> {b}.cluster_id THEN {b}.{figure} ELSE e.{figure} END "
        f"AS {figure}_counted, CASE WHEN {b}.event_id <> {b}.cluster_id THEN {b}.event_id END "
        f"AS {figure}_from" for figure, b in (("fatalities", "bf"), ("injured", "bi")))
    return (f"SELECT e.event_id, {columns} FROM {events} e "
            f"SEMI JOIN duplicate_links d ON d.cluster_id = e.event_id "
            f"LEFT JOIN {best['fatalities']} bf ON bf.cluster_id = e.event_id "
            f"LEFT JOIN {best['injured']} bi ON bi.cluster_id = e.event_id")


def ranks() -> pd.DataFrame:
    """Each dataset's rank for deaths and for injured (table dataset_ranks of `best_figures`)."""
    return pd.DataFrame([(f.name, f.rank_deaths, f.rank_injured) for f in FORMATS.values()],
                        columns=["dataset", "rank_deaths", "rank_injured"])


def write(con: duckdb.DuckDBPyConnection, pairs: pd.DataFrame) -> None:
    """Table duplicate_links and view duplicate_secondaries in the warehouse of `con`."""
    con.execute(create_sql(BY_NAME["duplicate_links"], replace=True))
    if len(pairs):
        con.register("pairs", pairs)
        con.execute("INSERT INTO duplicate_links SELECT * FROM pairs ORDER BY cluster_id, "
                    "event_id, linked_event_id")
        con.unregister("pairs")
    con.execute(SECONDARIES_VIEW)


# --- the same event under another dataset's id (table `duplicates`) ------------------------------

def same_event(column: str) -> str:
    """SQL: the event the id in `column` stands for: the id itself, or for a dataset another
    replaces (REPLACED_BY) the replacing dataset's id of the same number (`ucdp_candidate:17` ->
    `ucdp:17`). Rows of one such key are duplicate ids; one of them loads."""
    whens = " ".join(f"WHEN starts_with({column}, {sql_text(old + ':')}) THEN "
                     f"{sql_text(new + ':')} || substr({column}, {len(old) + 2})"
                     for old, new in REPLACED_BY.items())
    return f"(CASE {whens} ELSE {column} END)" if whens else column


def replaced(column: str) -> str:
    """SQL: 1 for an id of a dataset another replaces (REPLACED_BY), else 0: among the rows of one
    `same_event`, those of the replacing dataset come first, whatever the file order."""
    whens = " ".join(f"WHEN starts_with({column}, {sql_text(old + ':')}) THEN 1" for old in REPLACED_BY)
    return f"(CASE {whens} ELSE 0 END)" if whens else "0"


def twins(table: str) -> str:
    """SQL: a query of the ids (column event_id) that stand for the same event as an id of `table`
    under another dataset's prefix (`ucdp:17` <-> `ucdp_candidate:17`): what an addition to the
    warehouse must rank with its new ids (etl/append.py)."""
    parts = []
    for old, new in REPLACED_BY.items():
        for a, b in ((old, new), (new, old)):
            parts.append(f"SELECT {sql_text(b + ':')} || substr(event_id, {len(a) + 2}) AS event_id "
                         f"FROM {table} WHERE starts_with(event_id, {sql_text(a + ':')})")
    return " UNION ALL ".join(parts) or f"SELECT event_id FROM {table} WHERE false"


def duplicate_reason(row: str, kept: str) -> str:
    """SQL: why the row whose id is in column `row` is a duplicate id of the row kept (id in
    `kept`): the same id, or the event of another dataset's id that replaces it."""
    return (f"CASE WHEN {row} = {kept} THEN 'the same event id as the row kept' ELSE "
            f"'replaced by ' || {kept} || ' (a ' || split_part({kept}, ':', 1) || ' event replaces "
            f"the ' || split_part({row}, ':', 1) || ' event of its id)' END")
