"""What every command line shares (`python -m etl`, `python -m indicators`, `python -m export`):
the options that name the data folder, the warehouse and --debug, each declared once, and `fail`,
the one error path (exit code 1; typer's own usage errors stay 2). It lives here, below both the
writer (etl) and the reading side, because each of them may import access/."""
from __future__ import annotations

import sys

import typer
from rich.console import Console

import settings

EXIT_FAILED = 1
WAREHOUSE_HELP = "The warehouse file."

DATA_DIR = typer.Option(settings.DATA_DIR, "--data-dir", help="Folder holding raw/, reference/ and imports/.")
OUT = typer.Option(settings.WAREHOUSE_FILE, "--out", help=WAREHOUSE_HELP)
WAREHOUSE = typer.Option(settings.WAREHOUSE_FILE, "--warehouse", help=WAREHOUSE_HELP)
DEBUG = typer.Option(False, "--debug", help="Show the traceback of a failure.")


def fail(title: str, error, consequence: str = "", debug: bool = False):
    """Print `title: error` and what it left unchanged on stderr (the traceback first, with --debug,
    when there is one), then exit with EXIT_FAILED."""
    console = Console(stderr=True, soft_wrap=True)
    if debug and sys.exc_info()[0] is not None:
        console.print_exception()
    console.print(f"[bold red]{title}:[/] {error}" + (f"\n{consequence}" if consequence else ""),
                  highlight=False)
    raise typer.Exit(EXIT_FAILED)
