"""The ETL command line: `python -m etl build`."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from etl.build import BuildError, build_warehouse

app = typer.Typer(help="Build the DuckDB warehouse of the extremist-activity dashboard.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
out_console = Console(width=110)
ROOT = Path(__file__).resolve().parent.parent


@app.callback()
def main() -> None:
    """ETL commands."""


@app.command()
def build(
    data_dir: Path = typer.Option(ROOT / "data", help="Folder holding raw/ and reference/."),
    out: Path = typer.Option(ROOT / "data" / "warehouse.duckdb", help="Warehouse file to write."),
) -> None:
    """Load every file listed in data/raw/sources.csv into the warehouse (all or nothing)."""
    try:
        with console.status("building") as status:
            result = build_warehouse(data_dir, out, progress=lambda step: (
                status.update(f"building: {step}"), console.log(step)))
    except BuildError as err:
        console.print(f"[bold red]Build failed:[/] {err}\nThe previous warehouse, if any, is unchanged.",
                      highlight=False)
        raise typer.Exit(1)
    table = Table(title=f"Warehouse {out.name}, version {result.version}")
    for column in ("file", "rows read", "loaded", "rejected", "duplicates", "no district"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for c in result.files:
        table.add_row(c.file, *(str(v) for v in (c.rows_read, c.loaded, c.rejected, c.duplicates, c.unplaced)))
    out_console.print(table)
    if len(result.rejects):
        out_console.print("First rejects (all are in table `rejects`):")
        for r in result.rejects.head(5).itertuples():
            out_console.print(f"  {r.source_file} line {r.source_line}: {r.column}={r.value!r}: {r.reason}",
                            highlight=False)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="ACLED (CSV or API JSON), GTD (CSV or XLSX), UCDP GED "
                                "CSV, the event template, or a bundled format."),
    format: str = typer.Option("auto", "--format", help="auto, acled, gtd, ucdp, events, curated, "
                               "pk_suicide_attacks or pk_drone_strikes."),
    data_dir: Path = typer.Option(ROOT / "data", help="Folder holding raw/, reference/ and imports/."),
    out: Path = typer.Option(ROOT / "data" / "warehouse.duckdb", help="Warehouse file to write."),
    max_mb: int = typer.Option(1024, help="Refuse files larger than this many megabytes."),
) -> None:
    """Copy FILE into data/imports/, register it and rebuild the warehouse; print what loaded."""
    from etl.imports import ImportProblem, import_file

    try:
        with console.status("importing") as status:
            summary = import_file(file, data_dir, out, format, original=file.name,
                                  max_bytes=max_mb * 1024 * 1024,
                                  progress=lambda step: status.update(f"importing: {step}"))
    except ImportProblem as err:
        console.print(f"[bold red]Import failed:[/] {err}\nThe warehouse and data/imports are "
                      f"unchanged.", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    for line in summary.lines():
        out_console.print(line, highlight=False, soft_wrap=True)


if __name__ == "__main__":
    app()
