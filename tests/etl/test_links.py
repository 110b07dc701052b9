"""Probable duplicates (etl/duplicates.py): the pairs the SQL's equi-joins find are exactly those
of the rule checked on every pair of events (dates at most a day apart, the same district or
within NEAR_KM, compatible categories and actor groups, different datasets), for a whole build
and for the events an import adds. Random events crowd a small area over a few days, so that many
pairs lie on each side of every boundary (a day, a district, 10 km, a latitude band)."""
from __future__ import annotations

import itertools
import math
import random

import duckdb
import pandas as pd
import pytest

from etl import duplicates
from etl.actors import OTHER, UNKNOWN, parents

GROUPS = ("Islamic State", "TTP", "Jamaat-ul-Ahrar", UNKNOWN, OTHER, "Lashkar-e-Jhangvi")
CATEGORIES = ("attack", "armed_clash", "protest")


def events(seed: int, n: int = 400, weights=(1, 1, 1)) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        dataset = rng.choices(("acled", "gtd", "ucdp"), weights)[0]
        point = rng.random() > 0.15
        rows.append({
            "event_id": f"{dataset}:{i}", "dataset": dataset,
            "event_date": pd.Timestamp("2016-03-01") + pd.Timedelta(days=rng.randint(0, 5)),
            # a 0.6 x 0.6 degree square across latitude bands 339-345 (33.9-34.5 N)
            "latitude": 33.9 + rng.random() * 0.6 if point else None,
            "longitude": 71.2 + rng.random() * 0.6 if point else None,
            "district_id": rng.choice(("PAK-1", "PAK-2", "PAK-3", None)),
            "category": rng.choice(CATEGORIES), "actor_group": rng.choice(GROUPS)})
    return pd.DataFrame(rows)


def expected(frame: pd.DataFrame, only: set[str] | None = None) -> set[tuple[str, str]]:
    """The rule, on every pair."""
    family = parents()

    def distance(a, b):
        if pd.isna(a.latitude) or pd.isna(b.latitude):
            return None
        la1, la2 = math.radians(a.latitude), math.radians(b.latitude)
        h = (math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2)
             * math.sin(math.radians(b.longitude - a.longitude) / 2) ** 2)
        return round(6371 * 2 * math.asin(math.sqrt(h)), 2)

    def related(a, b):
        cls = duplicates.LINK_CLASS
        return (cls.get(a.category, a.category) == cls.get(b.category, b.category)
                and (a.actor_group == b.actor_group
                     or family.get(a.actor_group, a.actor_group) == family.get(b.actor_group, b.actor_group)
                     or {a.actor_group, b.actor_group} & {UNKNOWN, OTHER})
                and abs((a.event_date - b.event_date).days) <= duplicates.MAX_DAYS
                and ((a.district_id is not None and a.district_id == b.district_id)
                     or (distance(a, b) is not None and distance(a, b) <= duplicates.NEAR_KM)))

    out = set()
    for a, b in itertools.combinations(frame.itertuples(), 2):
        if a.dataset == b.dataset:
            continue
        a, b = (a, b) if a.dataset < b.dataset else (b, a)
        if (only is None or {a.event_id, b.event_id} & only) and related(a, b):
            out.add((a.event_id, b.event_id))
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_pairs_are_those_of_the_rule_in_a_build_and_in_an_addition(seed):
    frame = events(seed)
    only = set(frame["event_id"].sample(frac=0.2, random_state=seed))
    con = duckdb.connect()
    try:
        con.register("events_frame", frame)
        con.execute("CREATE TABLE ev_table AS SELECT * FROM events_frame")
        con.register("added", pd.DataFrame({"event_id": sorted(only)}))
        whole = duplicates.link_table(con, "ev_table", clusters=False)
        added = duplicates.link_table(con, "ev_table", only="event_id IN (SELECT event_id FROM added)", clusters=False)
    finally:
        con.close()
    rule = expected(frame)
    assert len(rule) > 100  # many pairs, near every boundary
    assert set(zip(whole["event_id"], whole["linked_event_id"])) == rule
    assert set(zip(added["event_id"], added["linked_event_id"])) == expected(frame, only)


def test_an_addition_bigger_than_the_other_datasets_gives_the_pairs_of_the_rule():
    """A big import into a small warehouse (1M ACLED events into the bundled ones): the other
    datasets' events are the side listed around their days and bands."""
    frame = events(4, weights=(8, 1, 1))
    only = set(frame.loc[frame["dataset"].eq("acled"), "event_id"]) | ({"gtd:7", "ucdp:9"} & set(frame["event_id"]))
    con = duckdb.connect()
    try:
        con.register("ev_table", frame)
        con.register("added", pd.DataFrame({"event_id": sorted(only)}))
        added = duplicates.link_table(con, "ev_table", only="event_id IN (SELECT event_id FROM added)", clusters=False)
    finally:
        con.close()
    rule = expected(frame, only)
    assert len(rule) > 50
    assert set(zip(added["event_id"], added["linked_event_id"])) == rule
