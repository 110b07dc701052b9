"""`python -m indicators list` and `python -m indicators show ID --by year ...`: the dashboard's
numbers from the command line, computed by the same functions."""
from __future__ import annotations

import os
import re
from enum import Enum
from pathlib import Path
from typing import List, Optional

import duckdb
import typer
from rich.console import Console
from rich.table import Table

from etl.schema import EXTREMIST_CATEGORIES
from indicators.filters import Filters
from indicators.registry import BY_ID, INDICATORS, compute

ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE = Path(os.environ.get("DASHBOARD_WAREHOUSE", ROOT / "data" / "warehouse.duckdb"))
app = typer.Typer(help="Indicators of the dashboard, from the warehouse.", no_args_is_help=True,
                  add_completion=False)
err = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str) -> None:
    err.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(2)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    if not path.exists():
        fail(f"no warehouse at {path}; build it with `python -m etl build`.")
    return duckdb.connect(str(path), read_only=True)


@app.command("list")
def list_indicators() -> None:
    """Every indicator with its question, definition, formula and unit."""
    for i in INDICATORS:
        typer.echo(f"{i.id}: {i.name} ({i.unit}; {'higher is worse' if i.higher_is_worse else 'higher is better'})\n"
                   f"  question:   {i.question}\n  definition: {i.definition}\n  formula:    {i.formula}\n"
                   f"  by:         {', '.join(i.dimensions)}\n")


def _years(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", text.strip())
    if not match:
        fail(f"--years {text!r}: expected YYYY or YYYY-YYYY, for example 2014-2017")
    start, end = int(match[1]), int(match[2] or match[1])
    if end < start:
        fail(f"--years {text!r}: the first year is after the last")
    return start, end


@app.command()
def show(
    indicator: str = typer.Argument(..., help="Indicator id (see `list`)."),
    by: str = typer.Option("year", help="year|quarter|month|province|district|category|actor_group|"
                                         "target_class, or a period and a breakdown: 'year,province'."),
    years: str = typer.Option("2014-2019", help="YYYY-YYYY"),
    country: Optional[List[str]] = typer.Option(None, help="ISO3, repeatable"),
    province: Optional[List[str]] = typer.Option(None, help="repeatable"),
    district: Optional[List[str]] = typer.Option(None, help="district name or id, repeatable"),
    category: Optional[List[str]] = typer.Option(None, help="repeatable; default: extremist activity"),
    actor_group: Optional[List[str]] = typer.Option(None, "--actor-group", help="repeatable"),
    dataset: Optional[List[str]] = typer.Option(None, help="repeatable"),
    precise_dates_only: bool = typer.Option(False, help="Only events dated to the day."),
    fmt: Format = typer.Option(Format.table, "--format"),
    warehouse: Path = typer.Option(WAREHOUSE),
) -> None:
    """Compute one indicator with the filters, as a table, CSV or JSON."""
    if indicator not in BY_ID:
        fail(f"unknown indicator {indicator!r}; `python -m indicators list` shows them")
    con = connect(warehouse)
    ids = []
    for name in district or []:
        found = con.execute("SELECT district_id FROM districts WHERE district_id = ? OR lower(admin2) = lower(?)",
                            [name, name]).fetchall()
        if not found:
            fail(f"--district {name!r}: no such district in the boundary layer")
        ids += [r[0] for r in found]
    start, end = _years(years)
    f = Filters(start, end, countries=tuple(country or ()), provinces=tuple(province or ()),
                districts=tuple(ids), categories=tuple(category) if category else EXTREMIST_CATEGORIES,
                actor_groups=tuple(actor_group or ()), datasets=tuple(dataset or ()),
                precise_dates_only=precise_dates_only)
    try:
        frame = compute(con, indicator, f, tuple(d.strip() for d in by.split(",")))
    except (ValueError, KeyError) as error:
        fail(str(error).strip("'\""))
    if fmt is Format.csv:
        typer.echo(frame.to_csv(index=False), nl=False)
    elif fmt is Format.json:
        typer.echo(frame.to_json(orient="records", date_format="iso", indent=1))
    else:
        typer.echo(f"{BY_ID[indicator].name} ({BY_ID[indicator].unit}): {f.describe()}")
        table = Table()
        for column in frame.columns:
            table.add_column(str(column))
        for row in frame.itertuples(index=False):
            table.add_row(*["" if v is None or v != v else str(v) for v in row])
        Console(width=160).print(table)
        left_out = frame.attrs.get("left_out_imprecise", 0)
        if left_out:
            typer.echo(f"{left_out} events dated only to the year are not placed in a {by.split(',')[0]}.")


if __name__ == "__main__":
    app()
