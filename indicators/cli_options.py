"""The filter flags shared by `python -m indicators` and `python -m export` (same names, same
meaning as the dashboard's sidebar), and the Filters they make."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import duckdb
import typer

import settings
from access import cli
from contract.schema import DEFAULT_CATEGORIES, MILITANT_KINDS
from indicators import overview
from indicators.filters import Filters, check_values, default_years, parse_years

DEFAULT_WAREHOUSE = settings.WAREHOUSE_FILE

YEARS = typer.Option(None, "--years", help="YYYY or YYYY-YYYY; default: the last ten years with "
                     "data, as the dashboard opens")
COUNTRY = typer.Option(None, "--country", help="ISO3, repeatable")
PROVINCE = typer.Option(None, "--province", help="repeatable")
DISTRICT = typer.Option(None, "--district", help="district name or id, repeatable")
CATEGORY = typer.Option(None, "--category", help="repeatable; default: militant violence (attack, "
                        "armed_clash) and the weak signals")
KIND = typer.Option(None, "--kind", help="actor kind, repeatable; 'all' for every kind; default: "
                    "the militant kinds (" + ", ".join(MILITANT_KINDS) + ")")
ACTOR_GROUP = typer.Option(None, "--actor-group", help="repeatable")
DATASET = typer.Option(None, "--dataset", help="repeatable")
PRECISE = typer.Option(False, "--precise-dates-only", help="Only events dated to the day.")
ALL_DUPLICATES = typer.Option(False, "--all-duplicates",
                              help="Count every member of a cluster of probable duplicates.")
WAREHOUSE = cli.WAREHOUSE


def fail(message: str) -> None:
    """The command lines' one error path (access/cli.py): `Error: message`, exit 1."""
    cli.fail("Error", message)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        fail(f"no warehouse at {path}; build it with `python -m etl build`.")
    return duckdb.connect(str(path), read_only=True)


def build_filters(con: duckdb.DuckDBPyConnection, years: Optional[str], country: Optional[List[str]],
                  province: Optional[List[str]], district: Optional[List[str]],
                  category: Optional[List[str]], actor_group: Optional[List[str]],
                  dataset: Optional[List[str]], precise: bool, all_duplicates: bool = False,
                  kind: Optional[List[str]] = None) -> Filters:
    """The Filters of the flags, every value checked against the warehouse (indicators.filters:
    an unknown one stops with the valid ones and the closest); what is not given is the
    dashboard's default (indicators.filters.default_years, the default scope)."""
    options = overview.filter_options(con)
    try:
        start, end = parse_years(years) if years else default_years(options)
    except ValueError as err:
        fail(f"--years {years[:40]!r}: {err}")
    chosen, errors = {}, []
    every_kind = [k.lower() for k in kind or ()] == ["all"]
    for field, values in (("countries", country), ("provinces", province), ("districts", district),
                          ("categories", category), ("actor_kinds", () if every_kind else kind),
                          ("actor_groups", actor_group), ("datasets", dataset)):
        chosen[field], bad = check_values(options, field, values or ())
        errors += bad
    if errors:
        fail("\n".join(errors))
    return Filters(start, end, **{k: tuple(v) for k, v in chosen.items() if k not in ("categories", "actor_kinds")},
                   categories=tuple(chosen["categories"]) if category else DEFAULT_CATEGORIES,
                   actor_kinds=() if every_kind else tuple(chosen["actor_kinds"]) if kind else MILITANT_KINDS,
                   precise_dates_only=precise, all_duplicates=all_duplicates)
