"""What a build reads: the registries of input files (data/raw/sources.csv, data/imports/imports.csv),
every input file in a stable order, their hashes (remembered across builds), the warehouse version
made from them, and the inputs a build records for the next import to tell whether it can add to
that build's warehouse."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb

from etl import boundaries, filecache, population, yardsticks
from etl.sources.registry import FORMATS

REGISTRY = "sources.csv"
# Files analysts import (`python -m etl import`, the Data page): data/imports/, same registry columns.
IMPORTS = "imports"
IMPORTS_REGISTRY = "imports.csv"


class BuildError(RuntimeError):
    """A build that cannot go on; the message says what to fix. The old warehouse is untouched."""



def file_sha256(path: Path) -> str:
    """Hash of a file, remembered while its path, device, inode, size, mtime and ctime stay the
    same (a build and an import hash the same big export several times; builds keep the hashes in
    their cache folder, filecache.keep_hashes). ctime is set by the system on any change: a copy
    that restores an archive's mtime and size still counts as a change."""
    key = hash_key(path)
    if key not in _HASHES:
        _HASHES[key] = _sha256(path)
    return _HASHES[key]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 24), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_file(source: Path, target: Path, sha256: str) -> None:
    """Copy `source` (whose hash is `sha256`) to `target` and remember the copy's hash, so the
    build does not read the copy again to hash it."""
    shutil.copyfile(source, target)
    _HASHES[hash_key(target)] = sha256


_HASHES: dict[tuple, str] = {}


def known_hashes() -> dict[tuple, str]:
    """The hashes known to this process ({hash_key(path): sha256})."""
    return dict(_HASHES)


def remember_hashes(warehouse: Path) -> None:
    """The hashes of the files the last build of `warehouse` read (kept in its cache folder),
    for file_sha256 while those files stay as they were (an import then hashes only its own
    file)."""
    _HASHES.update(filecache.hashes(filecache.folder(warehouse)))


def hash_key(path: Path) -> tuple:
    stat = Path(path).stat()
    return (str(Path(path).resolve()), stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns,
            stat.st_ctime_ns)


def input_files(data_dir: Path) -> list[Path]:
    """Every file a build reads, in a stable order (its hashes make the warehouse version)."""
    raw = data_dir / "raw"
    files = [raw / REGISTRY] + [raw / row["file"] for row in read_registry(data_dir)]
    if (data_dir / IMPORTS / IMPORTS_REGISTRY).exists():
        files += [data_dir / IMPORTS / IMPORTS_REGISTRY]
        files += [data_dir / IMPORTS / row["file"] for row in read_registry(data_dir, IMPORTS)]
    files += sorted((raw / "boundaries").glob("*.geojson"))
    files += sorted((raw / "boundaries").glob(boundaries.REGISTRY))  # layers loaded by the user
    files += sorted((data_dir / "reference").glob("*.csv"))
    files += [p for p in [data_dir / population.CENSUS_FILE] if p.exists()]
    files += [p for p in [data_dir / yardsticks.FILE] if p.exists()]
    return files


def warehouse_version(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in input_files(data_dir):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0")
        digest.update(file_sha256(path).encode())
    return digest.hexdigest()[:12]


def read_registry(data_dir: Path, folder: str = "raw") -> list[dict[str, str]]:
    """The rows of data/raw/sources.csv (or, with folder='imports', of data/imports/imports.csv,
    which may be absent: nothing imported yet)."""
    path = data_dir / folder / (REGISTRY if folder == "raw" else IMPORTS_REGISTRY)
    if folder != "raw" and not path.exists():
        return []
    if not path.exists():
        raise BuildError(f"{path}: missing. It lists the raw files to load (file, format, "
                         f"dataset, title, author_publisher, origin, licence).")
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if row["format"] not in FORMATS:
            raise BuildError(f"{path} line {line}: format={row['format']!r} is not known "
                             f"(expected one of {', '.join(FORMATS)}).")
        if not (data_dir / folder / row["file"]).exists():
            raise BuildError(f"{path} line {line}: file={row['file']!r} is not in {data_dir / folder}; "
                             f"copy it there or remove the line.")
    return rows


def build_inputs(data_dir: Path, registry: list[dict], context: str, today: dt.date) -> dict:
    """What a build read: `base`, a hash of everything but the imports (the ETL's code, reference
    tables and boundaries: `context`; the bundled files), `imports`, each imported file (name,
    hash, format) in build order, and `day`, the day of its checks."""
    digest = hashlib.sha256(context.encode())
    for path in input_files(data_dir):
        name = path.relative_to(data_dir).as_posix()
        if not name.startswith(IMPORTS + "/"):
            digest.update(name.encode() + b"\0" + file_sha256(path).encode())
    imports = [[f"{IMPORTS}/{e['file']}", file_sha256(data_dir / IMPORTS / e["file"]), e["format"],
                e["dataset"]] for e in registry if e["folder"] == IMPORTS]
    return {"base": digest.hexdigest(), "imports": imports, "day": today.isoformat()}


def added_imports(warehouse: Path, inputs: dict, latest: dict) -> list[str] | None:
    """The imported files added to the inputs of the build that wrote `warehouse`, when that is
    all that changed (else None: a full build). That build's day must give the other files the
    outcomes they have now (`latest`: each file's latest date, filecache.latest): none of their
    dates may be after it."""
    if not warehouse.exists() or warehouse.with_name(warehouse.name + ".wal").exists():
        return None
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            value = con.execute("SELECT value FROM meta WHERE key = 'inputs'").fetchall()
        finally:
            con.close()
        old = json.loads(value[0][0]) if value else None
    except (duckdb.Error, ValueError):
        return None
    if not old or old.get("base") != inputs["base"]:
        return None
    kept, new = old.get("imports", []), inputs["imports"]
    if len(new) <= len(kept) or new[:len(kept)] != kept:
        return None
    added = [name for name, *_ in new[len(kept):]]
    day = old.get("day", "")
    if not day or day > inputs["day"] or any(
            last is not None and last.isoformat() > day
            for name, last in latest.items() if name not in added):
        return None
    return added
