"""`python -m indicators list` and `python -m indicators show ID --by year ...`: the dashboard's
numbers from the command line, computed by the same functions."""
from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

from indicators import cli_options as opt
from indicators.registry import BY_ID, INDICATORS, compute

app = typer.Typer(help="Indicators of the dashboard, from the warehouse.", no_args_is_help=True,
                  add_completion=False)


class Format(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command("list")
def list_indicators() -> None:
    """Every indicator with its question, definition, formula and unit."""
    for i in INDICATORS:
        typer.echo(f"{i.id}: {i.name} ({i.unit}; {'higher is worse' if i.higher_is_worse else 'higher is better'})\n"
                   f"  question:   {i.question}\n  definition: {i.definition}\n  formula:    {i.formula}\n"
                   f"  by:         {', '.join(i.dimensions)}\n")


@app.command()
def show(
    indicator: str = typer.Argument(..., help="Indicator id (see `list`)."),
    by: str = typer.Option("year", help="year|quarter|month|province|district|category|actor_group|"
                                         "target_class, or a period and a breakdown: 'year,province'."),
    years: Optional[str] = opt.YEARS, country: Optional[List[str]] = opt.COUNTRY,
    province: Optional[List[str]] = opt.PROVINCE, district: Optional[List[str]] = opt.DISTRICT,
    category: Optional[List[str]] = opt.CATEGORY, actor_kind: Optional[List[str]] = opt.KIND,
    actor_group: Optional[List[str]] = opt.ACTOR_GROUP,
    dataset: Optional[List[str]] = opt.DATASET, precise_dates_only: bool = opt.PRECISE,
    all_duplicates: bool = opt.ALL_DUPLICATES,
    fmt: Format = typer.Option(Format.table, "--format"),
    warehouse: Path = opt.WAREHOUSE,
) -> None:
    """Compute one indicator with the filters, as a table, CSV or JSON."""
    if indicator not in BY_ID:
        opt.fail(f"unknown indicator {indicator!r}; `python -m indicators list` shows them")
    con = opt.connect(warehouse)
    f = opt.build_filters(con, years, country, province, district, category, actor_group, dataset,
                          precise_dates_only, all_duplicates, actor_kind)
    try:
        frame = compute(con, indicator, f, tuple(d.strip() for d in by.split(",")))
    except (ValueError, KeyError) as error:
        opt.fail(str(error).strip("'\""))
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
