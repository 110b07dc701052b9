"""`python -m indicators list` and `python -m indicators show ID --by year ...`: the dashboard's
numbers from the command line, computed by the same functions."""
from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer
from rich.console import Console
from rich.table import Table

import settings

from indicators import cli_options as opt
from indicators import outlook, outlook_backtest, outlook_cache
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


OUTLOOK_DOC = settings.ROOT / "docs" / "outlook.md"


@app.command("outlook")
def outlook_command(
    backtest: bool = typer.Option(False, "--backtest", help="Score the rolling-origin backtest against the "
                                                             "baselines and write --doc."),
    cache: bool = typer.Option(False, "--cache", help="Only compute the backtest and the forecast ahead into "
                                                      "the cache beside the warehouse (run it after a build)."),
    horizon: int = typer.Option(1, min=1, max=6, help="Months ahead of the as-of month (the forecast table)."),
    top: int = typer.Option(15, help="Districts shown, most likely first (the forecast table)."),
    first_year: int = typer.Option(outlook.FIRST_YEAR, help="The first year of the backtest's target months."),
    country: Optional[List[str]] = opt.COUNTRY, actor_kind: Optional[List[str]] = opt.KIND,
    all_duplicates: bool = opt.ALL_DUPLICATES,
    doc: Path = typer.Option(OUTLOOK_DOC, help="Where --backtest writes its Markdown report."),
    warehouse: Path = opt.WAREHOUSE,
) -> None:
    """The Outlook: per district, the chance of militant violence in the next months, or (--backtest)
    the scores of the model and the baselines per horizon, written to docs/outlook.md. Both read the
    cache beside the warehouse (indicators/outlook_cache.py), computing it when it is missing."""
    con = opt.connect(warehouse)
    f = opt.build_filters(con, None, country, None, None, None, None, None, False, all_duplicates, actor_kind)
    try:
        scope = outlook.outlook_scope(con, f)
    except ValueError as error:
        if cache:  # `make build`: a warehouse without district-level months has no Outlook, not a failed build
            typer.echo(f"No Outlook to compute ahead: {error}")
            return
        opt.fail(str(error))
    typer.echo(f"As of {scope['as_of']:%Y-%m} (the last month of {scope['dataset']}); "
               f"{outlook.outlook_filters(f).scope()}.")
    started = time.perf_counter()
    parts = outlook_cache.outlook(con, f) if cache or not backtest or first_year == outlook.FIRST_YEAR else {
        "summary": outlook_backtest.backtest_summary(con, f, first_year),
        "deaths": outlook_backtest.backtest_summary(con, f, first_year, measure="deaths")}
    if cache:
        typer.echo(f"The outlook of {outlook_cache.key(con, f)} is in {outlook_cache.folder_of(con)} "
                   f"({time.perf_counter() - started:.1f} s).")
        return
    if not backtest:
        frame = parts["forecast"]
        frame = frame[frame["horizon"] == horizon].sort_values("p_within", ascending=False).head(top)
        table = Table()
        for column in ("district", "province", "month", "expected events", f"P(>=1 within {horizon} months)",
                       "90% interval"):
            table.add_column(column)
        for r in frame.itertuples():
            table.add_row(r.admin2, r.admin1, f"{r.month:%Y-%m}", f"{r.mean:.2f}", f"{r.p_within:.0%}",
                          f"{r.q05}-{r.q95}")
        Console(width=160).print(table)
        return
    summary = parts["summary"]
    scores, bands = outlook.part(summary, "score"), outlook.part(summary, "reliability")
    deaths = outlook.part(parts["deaths"], "score")
    markdown = outlook.scores_markdown(scores)
    typer.echo(markdown)
    skilful = outlook.skilful_horizons(scores)
    text = "\n".join([
        "<!-- Generated by `python -m indicators outlook --backtest`: do not edit by hand. -->",
        "# Outlook: the backtest", "",
        f"Forecasts of militant-violence events per district-month ({', '.join(scope['countries'])}), as of "
        f"{scope['as_of']:%Y-%m}, scored on every target month from {first_year}-01 to {scope['as_of']:%Y-%m}: "
        "each forecast made from the data up to its origin (target month minus the horizon) only, the "
        "model refitted once a year. The model is described in `indicators/outlook_model.py`, the backtest and "
        "the baselines in `indicators/outlook_backtest.py`. CRPS and Brier: lower is better.", "",
        markdown, "",
        f"Horizons where the model beats no change on CRPS (the Outlook page shows only these): "
        f"{', '.join(map(str, skilful)) or 'none'}.", "",
        "Reliability (the model's probability of at least one event in a district-month against how often "
        "there was one):", "",
        *[f"- {h} month{'s' if h > 1 else ''} ahead: {outlook.reliability_sentence(bands, h)}"
          for h in outlook.HORIZONS], "",
        "## Deaths", "",
        "The same model and baselines, scored on the deaths per district-month (deaths are forecast only where "
        "the model beats no change on both CRPS and Brier):", "",
        outlook.scores_markdown(deaths, "deaths"), "",
        outlook.deaths_sentence(deaths), ""])
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {doc}.")


if __name__ == "__main__":
    app()
