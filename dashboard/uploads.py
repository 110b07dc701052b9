"""The Data page's import: the same `etl.imports.import_file` as `python -m etl import`, on the
uploaded bytes, into the dashboard's data folder and warehouse."""
from __future__ import annotations

import tempfile
from pathlib import Path

import settings
from access import audit
from access.roles import Caller
from dashboard import data
from etl.imports import FORMATS, ImportProblem, ImportSummary, Reading, import_file, remove_file
from etl.sources import template

ENABLED = settings.IMPORTS  # off on replicas of a published warehouse, or by DASHBOARD_IMPORTS=off
DISABLED = ("Imports are disabled on this server (it only reads a published warehouse, or "
            "DASHBOARD_IMPORTS=off). Import files on the builder: `.venv/bin/python -m etl import "
            "FILE`, then `.venv/bin/python -m etl publish`; every replica shows the new version at "
            "its next rerun.")
MAX_MB = 200  # the page's limit (the CLI has none but the machine's memory: import bigger files there)
TYPES = ["csv", "json", "xlsx", "txt"]
CHOICES = ["auto", *FORMATS]

__all__ = ["CHOICES", "DISABLED", "ENABLED", "MAX_MB", "TYPES", "ImportProblem", "ImportSummary", "import_upload",
           "remove_import", "showing", "template_csv", "example_csv"]


def import_upload(name: str, content: bytes, fmt: str = "auto",
                  progress=lambda step: None, *, caller: Caller) -> ImportSummary:
    """Import uploaded bytes (named `name` by the user) and rebuild the warehouse; each step of
    the import to `progress` (`showing`). Refused (access.roles.Refused) unless `caller` may
    import on this server; recorded in the audit trail either way."""
    with audit.recorded(caller, "import", {"file": name, "sha256": audit.sha256(content)},
                        writable=ENABLED, data_dir=data.DATA_DIR) as what, \
            tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "upload"
        path.write_bytes(content)
        summary = import_file(path, data.DATA_DIR, data.WAREHOUSE, fmt, original=name,
                              max_bytes=MAX_MB * 1024 * 1024, progress=progress)
        audit.imported(what, summary)
        return summary


def showing(bar, name: str):
    """A `progress` for import_upload that shows each step on `bar` (an st.progress): the share
    of the file read (the build's Reading events carry it as `done`), then the build's steps."""
    done = 0.0

    def show(step) -> None:
        nonlocal done
        if isinstance(step, Reading):
            done = step.done
        bar.progress(done, text=f"Importing {name}: {step}")

    return show


def remove_import(name: str, *, caller: Caller) -> str:
    """Take an imported file (by the name it was imported with) out and rebuild the warehouse;
    refused and recorded as import_upload is."""
    with audit.recorded(caller, "remove", {"file": name}, writable=ENABLED, data_dir=data.DATA_DIR):
        return remove_file(name, data.DATA_DIR, data.WAREHOUSE)


def template_csv() -> bytes:
    return template.empty_csv().encode("utf-8")


def example_csv() -> bytes:
    return template.example_csv(data.DATA_DIR / "raw" / "isis_network_events.csv").encode("utf-8")
