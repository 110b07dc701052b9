"""The filter flags shared by `python -m indicators` and `python -m export` (same names, same
meaning as the dashboard's sidebar), and the Filters they make."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import List, Optional

import duckdb
import typer
from rich.console import Console

from etl.schema import EXTREMIST_CATEGORIES
from indicators.filters import Filters

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WAREHOUSE = Path(os.environ.get("DASHBOARD_WAREHOUSE", ROOT / "data" / "warehouse.duckdb"))

YEARS = typer.Option("2014-2019", "--years", help="YYYY or YYYY-YYYY")
COUNTRY = typer.Option(None, "--country", help="ISO3, repeatable")
PROVINCE = typer.Option(None, "--province", help="repeatable")
DISTRICT = typer.Option(None, "--district", help="district name or id, repeatable")
CATEGORY = typer.Option(None, "--category", help="repeatable; default: extremist activity")
ACTOR_GROUP = typer.Option(None, "--actor-group", help="repeatable")
DATASET = typer.Option(None, "--dataset", help="repeatable")
PRECISE = typer.Option(False, "--precise-dates-only", help="Only events dated to the day.")
ALL_DUPLICATES = typer.Option(False, "--all-duplicates",
                              help="Count every member of a cluster of probable duplicates.")
WAREHOUSE = typer.Option(DEFAULT_WAREHOUSE, "--warehouse", help="Warehouse file to read.")


def fail(message: str, code: int = 2) -> None:
    Console(stderr=True).print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not Path(path).exists():
        fail(f"no warehouse at {path}; build it with `python -m etl build`.")
    return duckdb.connect(str(path), read_only=True)


def parse_years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        fail(f"--years {text!r}: expected YYYY or YYYY-YYYY, for example 2014-2017")
    start, end = int(match[1]), int(match[2] or match[1])
    if end < start:
        fail(f"--years {text!r}: the first year is after the last")
    return start, end


def build_filters(con: duckdb.DuckDBPyConnection, years: str, country: Optional[List[str]],
                  province: Optional[List[str]], district: Optional[List[str]],
                  category: Optional[List[str]], actor_group: Optional[List[str]],
                  dataset: Optional[List[str]], precise: bool, all_duplicates: bool = False) -> Filters:
    ids = []
    for name in district or []:
        found = con.execute("SELECT district_id FROM districts WHERE district_id = ? OR lower(admin2) = lower(?)",
                            [name, name]).fetchall()
        if not found:
            fail(f"--district {name!r}: no such district in the boundary layer")
        ids += [r[0] for r in found]
    start, end = parse_years(years)
    return Filters(start, end, countries=tuple(country or ()), provinces=tuple(province or ()),
                   districts=tuple(ids), categories=tuple(category) if category else EXTREMIST_CATEGORIES,
                   actor_groups=tuple(actor_group or ()), datasets=tuple(dataset or ()),
                   precise_dates_only=precise, all_duplicates=all_duplicates)
