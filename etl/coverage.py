"""What each dataset covers: table `coverage`, one row per dataset of the build.

The period comes from the publisher's release (data/reference/coverage.csv: a line per dataset and
file, used when that file is part of the build; an analyst corrects an import's period there,
naming its file under imports/) or else from the dataset's first and last event;
what it records and whether it aims to record every event of its kinds (`complete`) come from
the format registry. Indicators read this table to tell a period with no data from a period with
no events.
"""
from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pandas as pd

from contract.tables import BY_NAME
from etl.schema import create_sql
from etl.sources.registry import FORMATS

REFERENCE = "coverage.csv"
COLUMNS = BY_NAME["coverage"].column_names


def overrides(reference_dir: Path, files: set[str]) -> dict[str, dict[str, str]]:
    """dataset -> its line of coverage.csv, for the lines whose file is in the build. A dataset
    with several such lines (two releases bundled, such as UCDP's Candidate Events for 2025 and
    for early 2026) covers from the earliest start to the latest end (the releases are taken to
    follow each other), with their releases and notes joined in the table's order; `file` is
    the first line's."""
    path = Path(reference_dir) / REFERENCE
    if not path.exists():
        return {}
    merged: dict[str, dict[str, str]] = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["file"] not in files:
                continue
            if row["dataset"] not in merged:
                merged[row["dataset"]] = dict(row)
                continue
            kept = merged[row["dataset"]]
            kept["period_start"] = min(kept["period_start"], row["period_start"])  # YYYY-MM-DD
            kept["period_end"] = max(kept["period_end"], row["period_end"])
            for column, sep in (("release", " + "), ("note", "; ")):
                kept[column] = sep.join(v for v in (kept.get(column), row.get(column)) if v)
    return merged


def write(path: Path, registry: list[dict], reference_dir: Path) -> None:
    """Table coverage in the warehouse being built at `path` (after the events are written)."""
    given = overrides(reference_dir, {f"{r['folder']}/{r['file']}" for r in registry})
    con = duckdb.connect(str(path))
    try:
        seen = con.execute(
            "SELECT dataset, min(event_date), max(event_date), count(*), "
            "string_agg(DISTINCT country, ',' ORDER BY country), "
            "string_agg(DISTINCT category, ',' ORDER BY category) FROM events GROUP BY 1").fetchall()
        # a dataset is named by all its files, the one whose release gives the period first (an
        # import of three UCDP rows must not caption the bundled GED as if it were that file)
        names: dict[str, list[str]] = {}
        for row in sorted(registry, key=lambda r: f"{r['folder']}/{r['file']}" !=
                          given.get(r["dataset"], {}).get("file")):
            names.setdefault(row["dataset"], []).append(row.get("short_name") or row["dataset"])
        rows = []
        for dataset, first, last, events, countries, categories in seen:
            fmt = FORMATS.get(dataset)
            override = given.get(dataset)
            rows.append({
                "dataset": dataset, "name": _named(names.get(dataset, [dataset])),
                # a release's period, widened by the events of the dataset's other files (a newer
                # release fetched beside the bundled one)
                "period_start": min(_day(override["period_start"]), first) if override else first,
                "period_end": max(_day(override["period_end"]), last) if override else last,
                "period_from": "release (data/reference/coverage.csv)" if override
                else "first and last event",
                "release": (override or {}).get("release", ""), "note": (override or {}).get("note", ""),
                "countries": countries, "categories": categories,
                "records": fmt.records if fmt else "events of this dataset",
                "complete": bool(fmt and fmt.complete), "preliminary": bool(fmt and fmt.preliminary),
                "events": events})
        frame = pd.DataFrame(rows, columns=list(COLUMNS))
        con.register("coverage_frame", frame)
        con.execute(create_sql(BY_NAME["coverage"], replace=True))
        con.execute(f"INSERT INTO coverage SELECT {', '.join(COLUMNS)} FROM coverage_frame "
                    "ORDER BY period_start, dataset")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _named(files: list[str]) -> str:
    """'A', 'A + B', 'A + B + C', 'A + B + 3 more files' (' + ': the names go into sentences that
    list datasets with commas and 'and')."""
    if len(files) > 3:
        files = files[:2] + [f"{len(files) - 2} more files"]
    return " + ".join(files)


def _day(text: str):
    return pd.Timestamp(text).date()
