"""`python -m export deck|brief|chart|data`: the dashboard's exports from the command line."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from access import audit
from access.roles import local_user
from export import render, tables
from export.deck import build_deck
from figures import catalog
from indicators import brief as briefing
from indicators import cli_options as opt
from indicators import overview, provenance
from indicators.periods import KINDS, parse_period

app = typer.Typer(help="Slide-ready charts, data files and the briefing deck.", no_args_is_help=True,
                  add_completion=False)


def _setup(warehouse, years, country, province, district, category, actor_group, dataset, precise,
           all_duplicates=False, actor_kind=None):
    con = opt.connect(warehouse)
    f = opt.build_filters(con, years, country, province, district, category, actor_group, dataset, precise,
                          all_duplicates, actor_kind)
    return con, f, (lambda fn, *args: fn(con, *args))


def _recorded(export: str, out: Path | None, f):
    """The audit row of an export from the command line: the operating-system user, the file
    written and the filters (access/audit.py)."""
    return audit.recorded(local_user(), "export", {"export": export, "file": str(out) if out else
                                                   "(standard output)", "filters": f.describe()})


def _suffix(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower().lstrip(".")
    if suffix not in allowed:
        opt.fail(f"-o {out}: the file name must end in {', '.join('.' + a for a in allowed)}")
    return suffix


@app.command()
def deck(out: Path = typer.Option(..., "-o", "--output", help="brief.pptx or brief.pdf"),
         fmt: Optional[str] = typer.Option(None, "--format", help="pptx|pdf (default: from -o)"),
         years: Optional[str] = opt.YEARS, country: Optional[List[str]] = opt.COUNTRY,
         province: Optional[List[str]] = opt.PROVINCE, district: Optional[List[str]] = opt.DISTRICT,
         category: Optional[List[str]] = opt.CATEGORY, actor_kind: Optional[List[str]] = opt.KIND,
    actor_group: Optional[List[str]] = opt.ACTOR_GROUP,
         dataset: Optional[List[str]] = opt.DATASET, precise_dates_only: bool = opt.PRECISE,
         all_duplicates: bool = opt.ALL_DUPLICATES, warehouse: Path = opt.WAREHOUSE) -> None:
    """The briefing deck for the filters."""
    kind = fmt or _suffix(out, ("pptx", "pdf"))
    if kind not in ("pptx", "pdf"):
        opt.fail(f"--format {kind!r}: expected pptx or pdf")
    _, f, query = _setup(warehouse, years, country, province, district, category, actor_group, dataset,
                         precise_dates_only, all_duplicates, actor_kind)
    try:
        with _recorded(f"deck {kind}", out, f):
            out.write_bytes(build_deck(query, f, kind))
    except render.ExportUnavailable as err:
        opt.fail(str(err))
    typer.echo(f"wrote {out} ({f.describe()})")


PERIOD = typer.Option(None, "--period", help="YYYY-MM, YYYY-Q1..Q4, YYYY-H1/H2 or YYYY (default: the "
                                               "latest complete period of --period-kind with data)")
PERIOD_KIND = typer.Option("quarter", "--period-kind", help="month|quarter|half|year, for the default period")


@app.command()
def brief(out: Optional[Path] = typer.Option(None, "-o", "--output", help="note.docx or note.pdf "
                                             "(default: the text on stdout)"),
          period: Optional[str] = PERIOD, period_kind: str = PERIOD_KIND,
          base_url: str = typer.Option("http://localhost:8501", "--base-url",
                                       help="The dashboard's address, for the evidence links"),
          years: Optional[str] = opt.YEARS, country: Optional[List[str]] = opt.COUNTRY,
          province: Optional[List[str]] = opt.PROVINCE, district: Optional[List[str]] = opt.DISTRICT,
          category: Optional[List[str]] = opt.CATEGORY, actor_kind: Optional[List[str]] = opt.KIND,
    actor_group: Optional[List[str]] = opt.ACTOR_GROUP,
          dataset: Optional[List[str]] = opt.DATASET, precise_dates_only: bool = opt.PRECISE,
          all_duplicates: bool = opt.ALL_DUPLICATES, warehouse: Path = opt.WAREHOUSE) -> None:
    """The briefing note for the filters and a period: text, DOCX or PDF, with its footnotes."""
    from export import note as notes

    kind = _suffix(out, ("docx", "pdf")) if out else "text"
    con, f, _ = _setup(warehouse, years, country, province, district, category, actor_group, dataset,
                       precise_dates_only, all_duplicates, actor_kind)
    if period_kind not in KINDS:
        opt.fail(f"--period-kind {period_kind!r}: expected one of {', '.join(KINDS)}")
    try:
        chosen = parse_period(period) if period else briefing.default_period(con, f, period_kind)
    except ValueError as err:
        opt.fail(str(err))
    if chosen is None:
        opt.fail(f"no complete {period_kind} with data for {f.describe()}; choose one with --period")
    note = briefing.briefing_note(con, f, chosen)
    if kind == "text":
        with _recorded(f"note text {chosen.code}", out, f):
            typer.echo(notes.note_text(note, base_url), nl=False)
        return
    try:
        with _recorded(f"note {kind} {chosen.code}", out, f):
            out.write_bytes(notes.note_docx(note, base_url) if kind == "docx" else notes.note_pdf(note, base_url))
    except render.ExportUnavailable as err:
        opt.fail(str(err))
    typer.echo(f"wrote {out} ({note.title}; {f.describe()})")


@app.command()
def chart(chart_id: str = typer.Argument(..., help=f"one of: {', '.join(catalog.CHARTS)}"),
          out: Path = typer.Option(..., "-o", "--output", help="FILE.png|.svg|.pdf|.html"),
          years: Optional[str] = opt.YEARS, country: Optional[List[str]] = opt.COUNTRY,
          province: Optional[List[str]] = opt.PROVINCE, district: Optional[List[str]] = opt.DISTRICT,
          category: Optional[List[str]] = opt.CATEGORY, actor_kind: Optional[List[str]] = opt.KIND,
    actor_group: Optional[List[str]] = opt.ACTOR_GROUP,
          dataset: Optional[List[str]] = opt.DATASET, precise_dates_only: bool = opt.PRECISE,
          all_duplicates: bool = opt.ALL_DUPLICATES, warehouse: Path = opt.WAREHOUSE) -> None:
    """One chart of the dashboard, titled and sourced, as PNG (1600x900 at scale 2), SVG, PDF or HTML."""
    kind = _suffix(out, ("png", "svg", "pdf", "html"))
    if chart_id not in catalog.CHARTS:
        opt.fail(f"unknown chart {chart_id!r} (known: {', '.join(catalog.CHARTS)})")
    _, f, query = _setup(warehouse, years, country, province, district, category, actor_group, dataset,
                         precise_dates_only, all_duplicates, actor_kind)
    fig, _ = catalog.chart(query, chart_id, f, static=kind != "html")
    try:
        with _recorded(f"chart {chart_id} {kind}", out, f):
            out.write_bytes(render.export_figure(render.for_slide(fig) if kind != "html" else fig, kind))
    except render.ExportUnavailable as err:
        opt.fail(str(err))
    typer.echo(f"wrote {out}")


@app.command()
def data(out: Path = typer.Option(..., "-o", "--output", help="FILE.csv|.xlsx|.geojson"),
         years: Optional[str] = opt.YEARS, country: Optional[List[str]] = opt.COUNTRY,
         province: Optional[List[str]] = opt.PROVINCE, district: Optional[List[str]] = opt.DISTRICT,
         category: Optional[List[str]] = opt.CATEGORY, actor_kind: Optional[List[str]] = opt.KIND,
    actor_group: Optional[List[str]] = opt.ACTOR_GROUP,
         dataset: Optional[List[str]] = opt.DATASET, precise_dates_only: bool = opt.PRECISE,
         all_duplicates: bool = opt.ALL_DUPLICATES, warehouse: Path = opt.WAREHOUSE) -> None:
    """The filtered events (every column, with their sources) as CSV, XLSX or GeoJSON."""
    kind = _suffix(out, ("csv", "xlsx", "geojson"))
    con, f, query = _setup(warehouse, years, country, province, district, category, actor_group, dataset,
                           precise_dates_only, all_duplicates, actor_kind)
    events = overview.filtered_events(con, f)
    note = f"{f.describe()}. Source: {provenance.source_line(con, f)}"
    payload = {"csv": lambda: tables.csv_bytes(events),
               "xlsx": lambda: tables.xlsx_bytes(events, "events", note),
               "geojson": lambda: tables.geojson_bytes(events)}[kind]()
    with _recorded(f"events {kind}", out, f):
        out.write_bytes(payload)
    typer.echo(f"wrote {out}: {len(events)} events ({f.describe()})")


if __name__ == "__main__":
    app()
