"""`python -m etl fetch ucdp`: the UCDP GED yearly release and the Candidate Events releases
after it, from UCDP's public download files (a zip of one CSV each) or, with a token in
$UCDP_TOKEN, from UCDP's API (JSON pages, header x-ucdp-access-token). Only the configured
countries are kept; Candidate rows dated within the years GED covers are dropped (GED supersedes
them). Both are imported through etl.imports as datasets `ucdp` and `ucdp_candidate`, each
replacing the previous fetch of itself.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

import settings
from etl import imports
from etl.fetch import FetchProblem, Http, where
from etl.sources.registry import FORMATS

GED_FILE = "ucdp_ged_fetched.csv"  # the names the imports carry (a newer fetch replaces them)
CANDIDATE_FILE = "ucdp_candidate_fetched.csv"


def fetch(config: dict, data_dir: Path, warehouse: Path, http: Http, progress=None,
          today: dt.date | None = None) -> list[str]:
    """Download, check, filter and import; the lines to print. FetchProblem on any failure,
    raised before anything is imported."""
    ucdp, countries = config["ucdp"], config["fetch"]["countries"]
    token = settings.credential(ucdp.get("token_env", "UCDP_TOKEN"))
    if token:
        ged = _from_api(http, ucdp["api_ged_url"], ucdp, token, "UCDP GED (API)", progress)
        candidates = [_from_api(http, url, ucdp, token, "UCDP Candidate Events (API)", progress)
                      for url in ucdp.get("api_candidate_urls", [])]
    else:
        ged = _download(http, ucdp["ged_url"], "UCDP GED", progress)
        candidates = [_download(http, url, "UCDP Candidate Events", progress)
                      for url in ucdp.get("candidate_urls", [])]
    wanted = {c.lower() for c in countries}
    if ged.empty:
        raise FetchProblem(f"UCDP GED: the release at {where(ucdp['ged_url'])} has no rows; check "
                           f"ged_url in {config['path']} (UCDP may be publishing a new release).")
    covered = _covered_until(ged)
    ged = ged[ged["country"].str.strip().str.lower().isin(wanted)]
    if ged.empty:
        raise FetchProblem(f"UCDP GED: no event of {', '.join(countries)} in the release; check "
                           f"the country names in {config['path']} (as UCDP writes them).")
    candidate = pd.concat(candidates, ignore_index=True) if candidates else ged.iloc[:0]
    candidate = candidate[candidate["country"].str.strip().str.lower().isin(wanted)]
    starts = pd.to_datetime(candidate["date_start"].str.slice(0, 10), errors="coerce")
    superseded = starts.notna() & (starts.dt.date <= covered)
    candidate = candidate[~superseded].drop_duplicates("id", keep="last")

    lines = []
    with tempfile.TemporaryDirectory(prefix="ucdp-fetch-") as tmp:
        ged_path, candidate_path = Path(tmp) / GED_FILE, Path(tmp) / CANDIDATE_FILE
        ged.to_csv(ged_path, index=False)
        candidate.to_csv(candidate_path, index=False)
        # both files checked before either is imported (a whole-file problem changes nothing)
        for path, fmt in ((ged_path, "ucdp"), (candidate_path, "ucdp_candidate")):
            if path == ged_path or len(candidate):
                imports.check_file(path, path.name)
                imports.detect(path, path.name, fmt)
        summary = imports.import_file(ged_path, data_dir, warehouse, "ucdp", original=GED_FILE,
                                      today=today)
        lines += [f"UCDP GED: {len(ged):,} events of {', '.join(countries)} to {covered}."]
        lines += summary.lines()[:2]
        if len(candidate):
            summary = imports.import_file(candidate_path, data_dir, warehouse, "ucdp_candidate",
                                          original=CANDIDATE_FILE, today=today)
            lines += [f"UCDP Candidate Events: {len(candidate):,} events after {covered} "
                      f"({int(superseded.sum()):,} rows within GED's years dropped: GED "
                      f"supersedes them)."]
            lines += summary.lines()[:2]
        else:
            lines += [f"UCDP Candidate Events: no event after {covered} "
                      f"({int(superseded.sum()):,} rows within GED's years dropped)."]
            if any(r["short_name"] == CANDIDATE_FILE for r in _imported(data_dir)):
                gone = imports.remove_file(CANDIDATE_FILE, data_dir, warehouse)
                lines += [f"Removed the earlier Candidate Events fetch {gone}: GED covers it now."]
    return lines


def _imported(data_dir: Path) -> list[dict]:
    from etl import build
    return build.read_registry(Path(data_dir), build.IMPORTS)


def _covered_until(ged: pd.DataFrame) -> dt.date:
    """The last day a GED release covers: the end of the last year it has events in."""
    years = pd.to_numeric(ged.get("year"), errors="coerce") if "year" in ged else \
        pd.to_datetime(ged["date_start"].str.slice(0, 10), errors="coerce").dt.year
    last = int(years.max())
    return dt.date(last, 12, 31)


def _check_columns(frame: pd.DataFrame, what: str, url: str) -> pd.DataFrame:
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    aliases = FORMATS["ucdp"].aliases
    frame = frame.rename(columns=aliases)
    missing = [c for c in FORMATS["ucdp"].required if c not in frame.columns]
    if missing:
        raise FetchProblem(f"{what}: the file from {where(url)} lacks the columns "
                           f"{', '.join(missing)} (UCDP changed its format?); nothing was imported. "
                           f"Check the release's codebook and report it.")
    return frame


def _download(http: Http, url: str, what: str, progress) -> pd.DataFrame:
    """One download file: a zip holding a CSV (or a plain CSV), every cell as text."""
    task = progress.add_task(f"{what}: downloading", total=None) if progress else None
    body = http.request("GET", url, what).content
    if progress:
        progress.update(task, completed=1, total=1,
                        description=f"{what}: {len(body) / 1e6:,.1f} MB received")
    if not body.strip():
        raise FetchProblem(f"{what}: {where(url)} sent an empty file; run the fetch again later.")
    try:
        if body[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
                if not names:
                    raise FetchProblem(f"{what}: the zip from {where(url)} holds no CSV file; check "
                                       f"the URL.")
                body = archive.read(names[0])
        frame = _parse_csv(body.decode("utf-8-sig"))
    except FetchProblem:
        raise
    except (zipfile.BadZipFile, EOFError, csv.Error, UnicodeDecodeError, ValueError) as err:
        raise FetchProblem(f"{what}: the file from {where(url)} is truncated or malformed "
                           f"({type(err).__name__}); run the fetch again.") from None
    return _check_columns(frame, what, url)


def _parse_csv(text: str) -> pd.DataFrame:
    """Every cell as text; a trailing empty cell past the header (as some releases have) is
    dropped, any other row longer or shorter than the header means a malformed file."""
    records = csv.reader(io.StringIO(text, newline=""))
    header = next(records, None)
    if not header:
        raise ValueError("no header")
    rows = []
    for record in records:
        while len(record) > len(header) and record[-1] == "":
            record.pop()
        if not any(record):
            continue
        if len(record) != len(header):
            raise ValueError(f"a row of {len(record)} cells under a header of {len(header)}")
        rows.append(record)
    return pd.DataFrame(rows, columns=header, dtype=object)


def _from_api(http: Http, url: str, ucdp: dict, token: str, what: str, progress) -> pd.DataFrame:
    """Every page of UCDP's API for the configured countries (it follows NextPageUrl)."""
    params = {"pagesize": ucdp.get("api_page_size", 1000), "Country": ucdp.get("api_countries", "")}
    headers = {"x-ucdp-access-token": token}
    rows, page, next_url = [], 0, url
    task = progress.add_task(f"{what}: pages", total=None) if progress else None
    while next_url:
        response = http.request("GET", next_url, what, params=params if page == 0 else None,
                                headers=headers,
                                denied=f"check the token in ${ucdp.get('token_env', 'UCDP_TOKEN')} "
                                       f"(ask UCDP for one), or unset it to use the download files")
        try:
            body = response.json()
            result, next_url = body["Result"], body.get("NextPageUrl") or ""
            if not isinstance(result, list):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            raise FetchProblem(f"{what}: page {page + 1} from {where(url)} is not the documented "
                               f"JSON (Result, NextPageUrl); run the fetch again.") from None
        rows += result
        page += 1
        if progress:
            progress.update(task, advance=1, description=f"{what}: {page} pages, {len(rows):,} rows")
    frame = pd.DataFrame(rows).astype(str) if rows else pd.DataFrame(columns=["id"])
    if not rows:
        raise FetchProblem(f"{what}: UCDP's API returned no event for the configured countries; "
                           f"check api_countries in the configuration.")
    return _check_columns(frame.replace({"None": "", "nan": ""}), what, url)
