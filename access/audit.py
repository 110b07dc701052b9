"""The audit trail: one JSON object a line, appended (never rewritten) to audit.jsonl in the data
folder (settings.AUDIT_FILE to put it elsewhere), which no build or publish replaces. Every import,
removal, fetch, rebuild, publish and export writes a row through `recorded` (or `record`):

    {"time": "2026-12-07T21:40:00+00:00", "who": "amina", "role": "analyst", "action": "import",
     "what": {"file": "acled.csv", "sha256": "...", "rows_loaded": 120}, "outcome": "ok"}

outcome is "ok", "refused: <why>" or "failed: <why>"."""
from __future__ import annotations

import fcntl
import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import settings
from access.roles import Caller, Refused, require

FIELDS = ("time", "who", "role", "action", "what", "outcome")


def trail_file(data_dir: Path | None = None) -> Path:
    """The audit file of the data folder `data_dir` (default the settings' one)."""
    return settings.AUDIT_FILE or Path(data_dir or settings.DATA_DIR) / settings.AUDIT_NAME


def record(caller: Caller, action: str, what: dict, outcome: str, data_dir: Path | None = None) -> dict:
    """Append one row (locked against other processes' rows) and return it. A trail that cannot be
    written raises OSError naming the file: an action that cannot be recorded is not done."""
    row = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "who": caller.name,
           "role": caller.role, "action": action, "what": what, "outcome": outcome}
    _append(json.dumps(row, ensure_ascii=False, default=str) + "\n", data_dir)
    return row


def _append(text: str, data_dir: Path | None) -> None:
    """Append `text` to the trail under an exclusive lock; OSError naming the file when it cannot."""
    path = trail_file(data_dir)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(text)
            handle.flush()
    except OSError as err:
        raise OSError(f"The audit trail {path} cannot be written ({err.strerror or err}): make its "
                      f"folder writable or point DASHBOARD_AUDIT at a writable file.") from err


@contextmanager
def recorded(caller: Caller, action: str, what: dict, writable: bool = True,
             data_dir: Path | None = None):
    """`with recorded(caller, "import", {"file": name}) as what:` checks the caller's right first
    (Refused is recorded, then raised), runs the block (which may add to `what`, rows loaded say)
    and records its outcome, ok or the error it raised."""
    what = dict(what)
    try:
        require(caller, action, writable)
    except Refused as err:
        record(caller, action, what, f"refused: {err}", data_dir)
        raise
    writable_trail(data_dir)  # an action whose outcome could not be recorded is not started
    try:
        yield what
    except BaseException as err:
        record(caller, action, what, f"failed: {_reason(err)}", data_dir)
        raise
    record(caller, action, what, "ok", data_dir)


def writable_trail(data_dir: Path | None = None) -> None:
    """Raise OSError naming the trail unless a row can be appended to it now."""
    _append("", data_dir)


def _reason(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def sha256(source: Path | bytes) -> str:
    """The SHA-256 of a file's or of bytes' content, in hex."""
    digest = hashlib.sha256()
    if isinstance(source, (bytes, bytearray)):
        digest.update(source)
    else:
        with open(source, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def rows(data_dir: Path | None = None, newest_first: bool = True) -> list[dict]:
    """The trail's rows (none when nothing was recorded yet); a line that is not JSON stops with
    its file and line number."""
    path = trail_file(data_dir)
    try:
        with open(path, encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_SH)  # no line caught half-appended
            text = handle.read()
    except FileNotFoundError:
        return []
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                found.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path} line {n}: not a JSON object ({err.msg}); the trail is "
                                 f"appended by the dashboard only: restore the line from a backup.") from None
    return found[::-1] if newest_first else found


def imported(what: dict, summary) -> None:
    """Add an import's outcome (an etl.imports.ImportSummary) to its row's `what`: how it was
    stored and the rows read, loaded and rejected."""
    what.update(status=summary.status, stored=summary.stored, format=summary.format)
    if summary.counts is not None:
        c = summary.counts
        what.update(rows_read=c.rows_read, rows_loaded=c.loaded, rows_rejected=c.rejected)
