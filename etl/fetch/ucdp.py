"""`python -m etl fetch ucdp`: the newest UCDP GED yearly release and the Candidate Events
monthly files after it, from UCDP's public download files (a zip or a CSV each) or, with a token in
$UCDP_TOKEN, from UCDP's API (JSON pages, header x-ucdp-access-token). Only the configured
countries are kept; Candidate rows dated within the years GED covers are dropped (GED supersedes
them). Both are imported through etl.imports as datasets `ucdp` and `ucdp_candidate`, each
replacing the previous fetch of itself, with the versions taken in their titles.

Which releases: UCDP publishes no list of them (neither the download site nor, as far as its
documentation says, the API), so the names are probed in order from the configured templates:
- GED yy.1 for the years after `ged_from` (ged261, ged271, ...), up to the first that is not
  there (HTTP 404 or 410; in the API, 404 or an empty answer); the newest found is taken, and
  `ged_from` itself when no later one is there.
- Candidate Events yy.0.1, yy.0.2, ... for the years after the last year the GED taken covers
  (GED 26.1 ends in 2025: 26.0.1, 26.0.2, ..., then 27.0.1, ...), up to the first missing file of
  a year, and every file found is taken. A monthly file is not cumulative: each holds mainly its
  own month (the bundled 26.0.2 has 102 events of February 2026 and 3 of late January), so the
  newest alone would lose the earlier months. The files are joined in version order and an event
  in several keeps its newest version (de-duplicated by id, keeping the last).
Every probe is bounded (MAX_YEARS_AHEAD, MAX_MONTHS). A probe that fails for another reason (a
5xx after the retries, a timeout, a refused token) stops the fetch before anything is imported.
`ged_url` / `candidate_urls` (`api_ged_url` / `api_candidate_urls` with a token), when set, are
taken as they are instead of probing.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

import settings
from etl import imports, inputs
from etl.fetch import FetchProblem, Http, where
from etl.sources.registry import FORMATS

GED_FILE = "ucdp_ged_fetched.csv"  # the names the imports carry (a newer fetch replaces them)
CANDIDATE_FILE = "ucdp_candidate_fetched.csv"
GED, CANDIDATE = "UCDP GED", "UCDP Candidate Events"
MAX_YEARS_AHEAD = 10  # GED releases probed after ged_from; Candidate years after GED's last year
MAX_MONTHS = 15       # Candidate files probed per year (UCDP publishes at most one a month)


@dataclass(frozen=True)
class Release:
    """One release taken: GED or Candidate Events, its version ('' when the configuration names
    the file) and where it came from."""
    name: str
    version: str
    url: str

    @property
    def file(self) -> str:
        return urlsplit(self.url).path.rstrip("/").rsplit("/", 1)[-1]

    def label(self, how: str) -> str:
        """'UCDP GED 26.1 (newest found; ged261-csv.zip)'."""
        if not self.version:
            return f"{self.name} {self.file} (as configured)"
        return f"{self.name} {self.version} ({how}" + \
            (f"; {self.file})" if self.file != self.version else ")")


def fetch(config: dict, data_dir: Path, warehouse: Path, http: Http, progress=None,
          today: dt.date | None = None) -> list[str]:
    """Find the newest releases, download, check, filter and import; the lines to print.
    FetchProblem on any failure, raised before anything is imported."""
    ucdp, countries = config["ucdp"], config["fetch"]["countries"]
    token = settings.credential(ucdp.get("token_env", "UCDP_TOKEN"))
    source = (_Api(http, ucdp, token, config["path"]) if token
              else _Downloads(http, ucdp, config["path"]))
    how = "newest found" + (" in UCDP's API" if token else "")
    task = progress.add_task("UCDP: looking for the newest GED release", total=None) \
        if progress else None
    ged_release = source.newest_ged()
    ged = source.read(ged_release, progress)
    wanted = {c.lower() for c in countries}
    if ged.empty:
        raise FetchProblem(f"{GED}: the release at {where(ged_release.url)} has no rows; check "
                           f"the GED settings in {config['path']} (UCDP may be publishing a new "
                           f"release).")
    covered = _covered_until(ged)
    ged = ged[ged["country"].str.strip().str.lower().isin(wanted)]
    if ged.empty:
        raise FetchProblem(f"{GED}: no event of {', '.join(countries)} in the release; check "
                           f"the country names in {config['path']} (as UCDP writes them).")
    if progress:
        progress.update(task, description="UCDP: looking for the Candidate Events files")
    taken = source.candidates_after(covered.year, progress)
    if progress:
        progress.update(task, completed=1, total=1, description="UCDP: releases found")
    candidates = [frame for _, frame in taken]
    candidate = pd.concat(candidates, ignore_index=True) if candidates else ged.iloc[:0]
    candidate = candidate[candidate["country"].str.strip().str.lower().isin(wanted)]
    starts = pd.to_datetime(candidate["date_start"].str.slice(0, 10), errors="coerce")
    superseded = starts.notna() & (starts.dt.date <= covered)
    candidate = candidate[~superseded].drop_duplicates("id", keep="last")
    releases = [r for r, _ in taken]
    named = _versions(releases)
    fetched = (today or dt.date.today()).isoformat()

    files = [r.file for r in releases if r.file != r.version]
    if not releases:
        found = f"{CANDIDATE}: no file after {covered} is published yet."
    elif not any(r.version for r in releases):
        found = f"{CANDIDATE} {named} (as configured)."
    else:
        found = (f"{CANDIDATE} {named} ({how} after {GED} {ged_release.version or ged_release.file}"
                 + (f"; {', '.join(files)}" if files else "") + ").")
    lines = [f"{ged_release.label(how)}: {len(ged):,} events of {', '.join(countries)} to "
             f"{covered}."]
    with tempfile.TemporaryDirectory(prefix="ucdp-fetch-") as tmp:
        ged_path, candidate_path = Path(tmp) / GED_FILE, Path(tmp) / CANDIDATE_FILE
        ged.to_csv(ged_path, index=False)
        candidate.to_csv(candidate_path, index=False)
        # both files checked before either is imported (a whole-file problem changes nothing)
        for path, fmt in ((ged_path, "ucdp"), (candidate_path, "ucdp_candidate")):
            if path == ged_path or len(candidate):
                imports.check_file(path, path.name)
                imports.detect(path, path.name, fmt)
        summary = imports.import_file(
            ged_path, data_dir, warehouse, "ucdp", original=GED_FILE, today=today,
            title=f"{GED} {ged_release.version or ged_release.file} (fetched {fetched})",
            origin=f"python -m etl fetch ucdp: {where(ged_release.url)}, filtered to "
                   f"{', '.join(countries)}")
        lines += summary.lines()[:2] + [found]
        if len(candidate):
            summary = imports.import_file(
                candidate_path, data_dir, warehouse, "ucdp_candidate", original=CANDIDATE_FILE,
                today=today, title=f"{CANDIDATE} {named} (fetched {fetched})",
                origin=f"python -m etl fetch ucdp: {', '.join(where(r.url) for r in releases)}, "
                       f"filtered to {', '.join(countries)}, without the rows GED covers")
            lines += [f"{CANDIDATE}: {len(candidate):,} events after {covered} "
                      f"({int(superseded.sum()):,} rows within GED's years dropped: GED "
                      f"supersedes them)."]
            lines += summary.lines()[:2]
        else:
            lines += [f"{CANDIDATE}: no event after {covered} "
                      f"({int(superseded.sum()):,} rows within GED's years dropped)."]
            if any(r["short_name"] == CANDIDATE_FILE for r in _imported(data_dir)):
                gone = imports.remove_file(CANDIDATE_FILE, data_dir, warehouse)
                lines += [f"Removed the earlier Candidate Events fetch {gone}: GED covers it now."]
    return lines


def _versions(releases: list[Release]) -> str:
    """'26.0.1 to 26.0.3' (the files taken, in order), or their file names when configured."""
    names = [r.version or r.file for r in releases]
    return names[0] if len(names) == 1 else f"{names[0]} to {names[-1]}" if names else ""


class _Source:
    """Where the releases come from and how their names are probed; the subclasses say how a
    name is spelt (the configuration's templates), whether it is there and how it is read."""
    ged_key, candidates_key, template_keys = "", "", ("", "")

    def __init__(self, http: Http, ucdp: dict, config_path: str):
        self.http, self.ucdp, self.config_path = http, ucdp, config_path

    def ged_url(self, yy: int, r: int) -> str:
        return self._spell(0, yy=f"{yy:02d}", r=r, version=f"{yy:02d}.{r}")

    def candidate_url(self, yy: int, m: int) -> str:
        return self._spell(1, yy=f"{yy:02d}", m=m, version=f"{yy:02d}.0.{m}")

    def _spell(self, which: int, **values) -> str:
        """A release's URL from the configuration's template of GED (0) or Candidate (1)."""
        key = self.template_keys[which]
        template = self.ucdp.get(key)
        if not template:
            raise FetchProblem(f"UCDP: {key} is not set in {self.config_path}; set it (see "
                               f"etl/fetch.toml), or name the files with "
                               f"{(self.ged_key, self.candidates_key)[which]}.")
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError) as err:
            raise FetchProblem(f"UCDP: {key} = {template!r} in {self.config_path} is not a "
                               f"template ({type(err).__name__}: {err}); use the placeholders "
                               f"{{yy}}, {{r}}, {{m}} or {{version}} as etl/fetch.toml does.") \
                from None

    def newest_ged(self) -> Release:
        if self.ucdp.get(self.ged_key):
            return Release(GED, "", self.ucdp[self.ged_key])
        start = str(self.ucdp.get("ged_from", ""))
        match = re.fullmatch(r"(\d{2})\.(\d+)", start)
        if not match:
            raise FetchProblem(f"UCDP: ged_from = {start!r} in {self.config_path} is not a GED "
                               f"version such as '25.1'; set it to a published release.")
        yy, r = int(match[1]), int(match[2])
        for year in range(yy + 1, yy + MAX_YEARS_AHEAD + 1):
            if not self.exists(self.ged_url(year, 1), f"{GED} {year:02d}.1 (looking for the "
                                                     f"newest release)"):
                break
            yy, r = year, 1
        return Release(GED, f"{yy:02d}.{r}", self.ged_url(yy, r))

    def candidates_after(self, covered_year: int,
                         progress=None) -> list[tuple[Release, pd.DataFrame]]:
        """The Candidate files (and their rows) of the years after `covered_year`, or the
        configured ones."""
        if self.candidates_key in self.ucdp:
            return [(release, self.read(release, progress)) for release in
                    (Release(CANDIDATE, "", url) for url in self.ucdp[self.candidates_key])]
        taken = []
        for year in range(covered_year + 1, covered_year + 1 + MAX_YEARS_AHEAD):
            yy = year % 100
            for month in range(1, MAX_MONTHS + 1):
                release = Release(CANDIDATE, f"{yy:02d}.0.{month}", self.candidate_url(yy, month))
                frame = self.read(release, progress, optional=True)
                if frame is None:
                    break
                taken.append((release, frame))
            if month == 1 and frame is None:  # no file of this year yet: none of the next either
                break
        return taken

    def exists(self, url: str, what: str) -> bool:
        raise NotImplementedError

    def read(self, release: Release, progress, optional: bool = False) -> pd.DataFrame | None:
        """The release's rows; with `optional`, None when it is not there."""
        raise NotImplementedError


class _Downloads(_Source):
    """UCDP's public download files (no login)."""
    ged_key, candidates_key = "ged_url", "candidate_urls"
    template_keys = ("ged_url_template", "candidate_url_template")

    def exists(self, url: str, what: str) -> bool:
        return self.http.exists(url, what)

    def read(self, release: Release, progress, optional: bool = False) -> pd.DataFrame | None:
        what = f"{release.name} {release.version}".strip()
        return _download(self.http, release.url, what, progress, optional)


class _Api(_Source):
    """UCDP's API (a token in the header x-ucdp-access-token)."""
    ged_key, candidates_key = "api_ged_url", "api_candidate_urls"
    template_keys = ("api_url_template", "api_url_template")

    def __init__(self, http: Http, ucdp: dict, token: str, config_path: str):
        super().__init__(http, ucdp, config_path)
        self.token = token

    def get(self, url: str, what: str, params: dict | None, statuses=()):
        env = self.ucdp.get("token_env", "UCDP_TOKEN")
        return self.http.request("GET", url, what, params=params,
                                 headers={"x-ucdp-access-token": self.token},
                                 denied=f"check the token in ${env} (ask UCDP for one), or unset "
                                        f"it to use the download files", pass_statuses=statuses)

    def exists(self, url: str, what: str) -> bool:
        """One event of any country: a version not published answers 404 or no event."""
        response = self.get(url, what, {"pagesize": 1}, statuses=(404,))
        if response.status_code == 404:
            return False
        return bool(_page(response, what, url, 0)[0])

    def read(self, release: Release, progress, optional: bool = False) -> pd.DataFrame | None:
        what = f"{release.name} {release.version} (API)".replace("  ", " ")
        if optional and not self.exists(release.url, what):
            return None
        return _from_api(self, release.url, what, progress, empty_ok=release.name == CANDIDATE)


def _imported(data_dir: Path) -> list[dict]:
    return inputs.read_registry(Path(data_dir), inputs.IMPORTS)


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


def _download(http: Http, url: str, what: str, progress, optional: bool = False
              ) -> pd.DataFrame | None:
    """One download file: a zip holding a CSV (or a plain CSV), every cell as text; with
    `optional`, None when it is not there (HTTP 404 or 410)."""
    task = progress.add_task(f"{what}: downloading", total=None) if progress else None
    response = http.request("GET", url, what, pass_statuses=(404, 410) if optional else ())
    if response.status_code in (404, 410):
        if progress:
            progress.update(task, completed=1, total=1, description=f"{what}: not published")
        return None
    body = response.content
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


def _page(response, what: str, url: str, page: int) -> tuple[list, str]:
    """The rows and the next page's URL of one API answer."""
    try:
        body = response.json()
        result, next_url = body["Result"], body.get("NextPageUrl") or ""
        if not isinstance(result, list):
            raise TypeError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise FetchProblem(f"{what}: page {page + 1} from {where(url)} is not the documented "
                           f"JSON (Result, NextPageUrl); run the fetch again.") from None
    return result, next_url


def _from_api(api: "_Api", url: str, what: str, progress, empty_ok: bool = False) -> pd.DataFrame:
    """Every page of UCDP's API for the configured countries (it follows NextPageUrl).
    `empty_ok`: no event of the countries is an answer (a Candidate month), not a problem."""
    params = {"pagesize": api.ucdp.get("api_page_size", 1000),
              "Country": api.ucdp.get("api_countries", "")}
    rows, page, next_url = [], 0, url
    task = progress.add_task(f"{what}: pages", total=None) if progress else None
    while next_url:
        response = api.get(next_url, what, params if page == 0 else None)
        result, next_url = _page(response, what, url, page)
        rows += result
        page += 1
        if progress:
            progress.update(task, advance=1, description=f"{what}: {page} pages, {len(rows):,} rows")
    if not rows:
        if empty_ok:
            return pd.DataFrame(columns=list(FORMATS["ucdp"].required), dtype=object)
        raise FetchProblem(f"{what}: UCDP's API returned no event for the configured countries; "
                           f"check api_countries in the configuration.")
    frame = pd.DataFrame(rows).astype(str)
    return _check_columns(frame.replace({"None": "", "nan": ""}), what, url)
