"""Table `actor_kinds`: the kind of every actor group of the events (jihadist, nationalist
insurgent, sectarian, political or communal, state, unknown; contract/schema.py ACTOR_KINDS), from
data/reference/actor_kinds.csv with its reason. The default view counts the militant kinds.

A group of the events that the table does not list (a user's own rule in actor_groups.csv) is
'unknown', with a reason saying which line to add.
"""
from __future__ import annotations

import csv

import duckdb
import pandas as pd

from contract.schema import ACTOR_KINDS
from contract.tables import BY_NAME
from etl import reference
from etl.schema import create_sql

REFERENCE = "actor_kinds.csv"


class KindProblem(ValueError):
    pass


def read() -> pd.DataFrame:
    """The reference table (actor_group, kind, reason); a KindProblem names the line of a kind
    that is not one of ACTOR_KINDS or a group listed twice."""
    path = reference.path(REFERENCE)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen = set()
    for line, row in enumerate(rows, start=2):
        if not (row["actor_group"] or "").strip():
            raise KindProblem(f"{path} line {line}: actor_group is empty; name the group or remove "
                              "the line.")
        if row["kind"] not in ACTOR_KINDS:
            raise KindProblem(f"{path} line {line}: kind={row['kind']!r} is not a kind of actor "
                              f"(expected one of {', '.join(ACTOR_KINDS)}); fix the line.")
        if row["actor_group"] in seen:
            raise KindProblem(f"{path} line {line}: actor_group={row['actor_group']!r} is listed "
                              f"twice; keep one line.")
        seen.add(row["actor_group"])
    return pd.DataFrame(rows, columns=["actor_group", "kind", "reason"])


def write(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)write table actor_kinds: every group of the reference table and of table events."""
    con.register("actor_kinds_frame", read())
    try:
        con.execute(create_sql(BY_NAME["actor_kinds"], replace=True))
        con.execute(
            "INSERT INTO actor_kinds SELECT * FROM actor_kinds_frame UNION ALL "
            "SELECT DISTINCT actor_group, 'unknown', 'not in data/reference/actor_kinds.csv: add a "
            "line giving its kind' FROM events WHERE actor_group NOT IN "
            "(SELECT actor_group FROM actor_kinds_frame) ORDER BY actor_group")
    finally:
        con.unregister("actor_kinds_frame")
