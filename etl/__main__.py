"""The ETL command line: `python -m etl build`, `boundaries`, `import`, `remove`, `fetch`,
`changes`, `publish`."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

import settings
from access import audit, cli
from access.roles import local_user
from etl.build import BuildError, build_warehouse
from etl.progress import Reading, Step

app = typer.Typer(help="Build the DuckDB warehouse of the extremist-activity dashboard.",
                  no_args_is_help=True, add_completion=False)
console = Console(stderr=True)
out_console = Console(width=110)
# the command line runs as the operating-system user, with every right; each change it makes is
# recorded under that name in the audit trail of its data folder (access/audit.py)
USER = local_user()


@app.callback()
def main() -> None:
    """ETL commands."""


@app.command()
def build(
    data_dir: Path = cli.DATA_DIR,
    out: Path = cli.OUT,
    fresh: bool = typer.Option(False, "--fresh", help="Read every file again, ignoring the outcomes "
                               "kept from earlier builds (.etl-cache beside the warehouse)."),
    debug: bool = cli.DEBUG,
) -> None:
    """Load every file listed in data/raw/sources.csv into the warehouse (all or nothing)."""
    try:
        with audit.recorded(USER, "build", {"warehouse": out.name, "fresh": fresh},
                            data_dir=data_dir) as what, _progress_bar("building") as bar:
            result = build_warehouse(data_dir, out, fresh=fresh, progress=lambda step: (
                bar(step), console.log(str(step))))
            what.update(version=result.version, rows_loaded=sum(c.loaded for c in result.files))
    except Exception as err:
        cli.fail("Build failed", err if isinstance(err, BuildError) else f"{type(err).__name__}: {err}",
                "The previous warehouse, if any, is unchanged.", debug)
    table = Table(title=f"Warehouse {out.name}, version {result.version}")
    for column in ("file", "rows read", "loaded", "out of scope", "rejected", "duplicates",
                   "flagged", "no district"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for c in result.files:
        table.add_row(c.file, *(f"{v:,}" for v in (c.rows_read, c.loaded, c.out_of_scope, c.rejected,
                                                   c.duplicates, c.flagged, c.unplaced)))
    out_console.print(table)
    out_console.print("rows read = loaded + out of scope + rejected + duplicates, checked per file; "
                      "flagged: loaded with a quality flag (table quality_flags).", highlight=False)
    if len(result.rejects):
        out_console.print("First rejects (all are in table `rejects`):")
        for r in result.rejects.head(5).itertuples():
            cell = "" if r.column == "*" else f" {r.column}={r.value!r}:"
            out_console.print(f"  {r.source_file} line {r.source_line}:{cell} {r.reason}", highlight=False)


@app.command("boundaries")
def boundaries_command(
    file: Path = typer.Argument(None, help="Boundary layer: GeoJSON, GeoPackage or zipped shapefile."),
    level: str = typer.Option(..., help="district or province."),
    name_field: str = typer.Option(None, help="Field holding each unit's name."),
    parent_field: str = typer.Option(None, help="District layers: the field holding the province."),
    country: str = typer.Option(None, help="PAK or AFG (guessed from where the layer lies if not given)."),
    bundled: bool = typer.Option(False, "--bundled", help="Go back to the bundled layer for --country and --level."),
    data_dir: Path = cli.DATA_DIR,
    out: Path = cli.OUT,
) -> None:
    """Use another boundary layer (an official district layer, say) in place of the bundled one for
    a country and level, then rebuild so that every event is placed in the new units."""
    from etl import boundaries
    from etl.geo import GeoError

    folder = data_dir / "raw" / "boundaries"
    saved = boundaries.snapshot(folder)
    try:
        if bundled:
            if not country:
                raise GeoError("--bundled needs --country (PAK or AFG) and --level.")
            boundaries.unregister(folder, country, level)
            console.print(f"Using the bundled {level} layer for {country} again.", highlight=False)
        else:
            if file is None or not name_field:
                raise GeoError("give the layer FILE and --name-field (or --bundled to go back).")
            row = boundaries.register(folder, file, level, name_field, parent_field, country)
            if row.get("notes"):
                console.print(f"Note: {row['notes']}", highlight=False)
            console.print(f"{file}: {level} layer for {row['country']} saved as "
                          f"raw/boundaries/{row['file']} and recorded in raw/boundaries/"
                          f"{boundaries.REGISTRY}.", highlight=False)
        with audit.recorded(USER, "build", {"warehouse": out.name, "boundaries": f"{country} {level}"},
                            data_dir=data_dir):
            result = build_warehouse(data_dir, out, progress=lambda step: console.log(str(step)))
    except (GeoError, BuildError) as err:
        boundaries.restore(folder, saved)
        cli.fail("Boundaries not changed", err, "The layers and the warehouse are as they were.")
    placed = sum(c.loaded - c.unplaced for c in result.files)
    unplaced = sum(c.unplaced for c in result.files)
    out_console.print(f"Rebuilt {out.name} (version {result.version}): {placed} events in a "
                      f"district, {unplaced} known only to a province or the country.", highlight=False)


@contextmanager
def _progress_bar(what: str):
    """A `progress` for a build: a bar per file read in parts (its share read, rows, rows and MB
    per second, time left: etl.progress.Reading) under a line with the current step."""
    from rich.progress import (BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn,
                               TimeRemainingColumn)

    from rich.table import Column

    with Progress(SpinnerColumn(), TextColumn("{task.description}", table_column=Column(
                      ratio=1, no_wrap=True, overflow="ellipsis")), BarColumn(bar_width=16),
                  TaskProgressColumn(), TextColumn("{task.fields[figures]}"), TimeRemainingColumn(),
                  console=console, transient=True, expand=True) as bar:
        status, files = bar.add_task(what, total=None, figures=""), {}

        def progress(step: Step) -> None:
            if isinstance(step, Reading):
                if step.file not in files:
                    files[step.file] = bar.add_task(f"reading {step.file}", total=1.0, figures="")
                bar.update(files[step.file], completed=step.done, figures=(
                    f"{step.rows:,} rows {step.megabytes / step.seconds:,.0f} MB/s"))
            else:
                bar.update(status, description=f"{what}: {step}")

        yield progress


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="ACLED (CSV or API JSON), GTD (CSV or XLSX), UCDP GED "
                                "CSV, the event template, or a bundled format."),
    format: str = typer.Option("auto", "--format", help="auto, acled, gtd, ucdp, events, curated, "
                               "pk_suicide_attacks or pk_drone_strikes."),
    data_dir: Path = cli.DATA_DIR,
    out: Path = cli.OUT,
    max_mb: int = typer.Option(0, help="Refuse files larger than this many megabytes (0: no "
                               "limit but the machine's memory)."),
    debug: bool = cli.DEBUG,
) -> None:
    """Copy FILE into data/imports/, register it and rebuild the warehouse; print what loaded."""
    from etl.imports import import_file

    try:
        with audit.recorded(USER, "import", {"file": file.name}, data_dir=data_dir) as what, \
                _progress_bar("importing") as progress:
            what["sha256"] = audit.sha256(file)
            summary = import_file(file, data_dir, out, format, original=file.name,
                                  max_bytes=max_mb * 1024 * 1024 or None, progress=progress)
            audit.imported(what, summary)
    except Exception as err:
        cli.fail("Import failed", err, "The warehouse and data/imports are unchanged.", debug)
    for line in summary.lines():
        out_console.print(line, highlight=False, soft_wrap=True)


@app.command("remove")
def remove(
    file: str = typer.Argument(..., help="An imported file: its name under data/imports/ (as the "
                               "build's messages give it) or the name it was imported with."),
    data_dir: Path = cli.DATA_DIR,
    out: Path = cli.OUT,
    debug: bool = cli.DEBUG,
) -> None:
    """Take an imported file out of data/imports/ and rebuild the warehouse without it."""
    from etl.imports import remove_file

    try:
        with audit.recorded(USER, "remove", {"file": file}, data_dir=data_dir), \
                console.status("removing"):
            gone = remove_file(file, data_dir, out)
    except Exception as err:
        cli.fail("Not removed", err, "The warehouse and data/imports are unchanged.", debug)
    out_console.print(f"Removed {gone} and rebuilt {out.name}.", highlight=False)


@app.command("fetch")
def fetch_command(
    source: str = typer.Argument(..., help="ucdp (GED and Candidate Events) or acled; "
                                 "'configured' fetches every source named in the configuration."),
    config: Path = typer.Option(None, "--config", help="Fetch configuration (URLs, countries, "
                                "dates); default $ETL_FETCH_CONFIG or etl/fetch.toml."),
    data_dir: Path = cli.DATA_DIR,
    out: Path = cli.OUT,
    debug: bool = cli.DEBUG,
) -> None:
    """Download the newest release of SOURCE, keep the configured countries and import it into
    data/imports/ (replacing the previous fetch), all or nothing. Credentials come from the
    environment (ACLED_EMAIL, ACLED_PASSWORD, UCDP_TOKEN) or Streamlit's secrets file, never from
    the command line."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from etl.fetch import FetchProblem, Http, load_config
    from etl.fetch import acled, ucdp

    fetchers = {"ucdp": ucdp.fetch, "acled": acled.fetch}
    try:
        configured = load_config(config)
        names = list(configured["fetch"].get("sources", [])) if source == "configured" else [source]
        for name in names:
            if name not in fetchers:
                raise FetchProblem(f"{name}: no such source (expected ucdp, acled or configured).")
        for name in names:
            with audit.recorded(USER, "fetch", {"source": name}, data_dir=data_dir) as what, \
                    Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                             console=console, transient=True) as progress:
                lines = fetchers[name](configured, data_dir, out, Http.from_config(configured), progress)
                what["result"] = " ".join(lines)
            for line in lines:
                out_console.print(line, highlight=False, soft_wrap=True)
    except Exception as err:
        cli.fail("Fetch failed", err if isinstance(err, FetchProblem) else
                f"{type(err).__name__}: {err}", "data/imports and the warehouse are unchanged.", debug)


@app.command("changes")
def changes_command(
    dataset: str = typer.Argument(None, help="A dataset (ucdp, ucdp_candidate, acled, ...); "
                                  "default every dataset that has changed."),
    out: Path = cli.OUT,
    events: bool = typer.Option(False, "--events", help="Also list each changed event and field."),
) -> None:
    """Print the latest change of each dataset: events added, removed and revised, with the
    changed fields' old and new values."""
    import duckdb

    from contract import revisions

    try:
        con = duckdb.connect(str(out), read_only=True)
    except duckdb.Error as err:
        cli.fail("No warehouse", f"{out}: {err}", "Build it with `python -m etl build`.", False)
    try:
        lines = revisions.summary_lines(con, dataset)
        if not lines:
            lines = [f"No recorded change{f' of {dataset}' if dataset else ''}: a change is "
                     f"recorded when a fetch or an import replaces an earlier version of a dataset."]
        for line in lines:
            out_console.print(line, highlight=False, soft_wrap=True)
        if events:
            detail = revisions.latest(con, dataset)
            for r in detail.itertuples():
                text = f"  {r.dataset} {r.event_id}: {r.change}"
                if r.change == "revised":
                    text += f" {r.field} {r.old_value} -> {r.new_value}"
                out_console.print(text, highlight=False, soft_wrap=True)
    finally:
        con.close()


@app.command("publish")
def publish_command(
    to: Path = typer.Option(None, "--to", help="The published folder the replicas read "
                            "(default: $DASHBOARD_WAREHOUSE_DIR)."),
    keep: int = typer.Option(None, help="Versions to keep (default: $DASHBOARD_KEEP_VERSIONS or 3)."),
    rebuild: bool = typer.Option(True, "--build/--no-build", help="Build first (default), or "
                                 "publish the current build as it is."),
    data_dir: Path = cli.DATA_DIR,
    out: Path = cli.OUT,
    debug: bool = cli.DEBUG,
) -> None:
    """Publish the build as a new version of the published folder, atomically: replicas read it
    at their next rerun; older versions beyond --keep are removed, never the current one."""
    from etl.publish import PublishError, publish

    folder = to or settings.PUBLISHED_DIR
    if folder is None:
        cli.fail("Not published", "no published folder: pass --to FOLDER or set DASHBOARD_WAREHOUSE_DIR.",
                "Nothing was published.", debug)
    keep = keep if keep is not None else settings.KEEP_VERSIONS
    try:
        if rebuild:
            with audit.recorded(USER, "build", {"warehouse": out.name}, data_dir=data_dir), \
                    console.status("building"):
                build_warehouse(data_dir, out, progress=lambda step: console.log(str(step)))
        with audit.recorded(USER, "publish", {"warehouse": out.name, "to": str(folder)},
                            data_dir=data_dir) as what:
            target = publish(out, folder, keep)
            what["version"] = target.name
    except Exception as err:
        cli.fail("Not published", err if isinstance(err, (BuildError, PublishError))
                else f"{type(err).__name__}: {err}", "The published version is unchanged.", debug)
    out_console.print(f"Published {target.name} in {folder}: replicas read it at their next rerun.",
                      highlight=False, soft_wrap=True)


if __name__ == "__main__":
    app()
