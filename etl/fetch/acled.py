"""`python -m etl fetch acled`: ACLED's API with OAuth. The account's e-mail and password (from
the environment only) are exchanged at the token endpoint for a bearer token (valid 24 hours) and
a refresh token; a token refused mid-fetch is refreshed (or, failing that, obtained again) and the
page asked again. Events come in pages of at most 5,000 rows for the configured countries and
dates; after the first run only rows with a `timestamp` newer than the last fetch are asked for,
and ACLED's deleted-events list is applied. The merged rows are imported through etl.imports as
one file (dataset `acled`), replacing the previous fetch.

Credentials come from the environment or Streamlit's secrets file and are never written anywhere: not to data/imports, the state file, the warehouse, a log
or a message. ACLED's terms forbid redistributing its rows: they stay in data/imports/
(git-ignored).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import settings
from etl import imports, inputs
from etl.fetch import STATE, FetchProblem, Http, where
from etl.sources.registry import FORMATS

SECRETS_SHOWN = settings.SECRETS_FILE.relative_to(settings.ROOT)  # as messages name it
FILE = "acled_fetched.json"  # the name the import carries (a newer fetch replaces it)
DENIED = ("check ACLED_EMAIL and ACLED_PASSWORD (a wrong password, or an account without API "
          "access: ask ACLED to enable it at acleddata.com)")


@dataclass
class Token:
    access: str
    refresh: str
    expires_at: float


class Session:
    """The bearer token of one fetch, refreshed when it expires or is refused."""

    def __init__(self, http: Http, acled: dict):
        self.http, self.acled = http, acled
        email_env, password_env = acled.get("email_env", "ACLED_EMAIL"), acled.get("password_env", "ACLED_PASSWORD")
        secrets = acled.get("secrets_file", settings.SECRETS_FILE)  # read, never written
        self.email = settings.credential(email_env, secrets)
        self.password = settings.credential(password_env, secrets)
        if not self.email or not self.password:
            raise FetchProblem(f"ACLED: set {email_env} and {password_env} in the environment or in "
                               f"Streamlit's secrets ({acled.get('secrets_file') or SECRETS_SHOWN}) (your "
                               f"ACLED account; never on the command line) and run the fetch again.")
        self.token = self._ask({"username": self.email, "password": self.password,
                                "grant_type": "password", "scope": acled.get("scope", "authenticated")})

    def _ask(self, form: dict) -> Token:
        form = dict(form, client_id=self.acled.get("client_id", "acled"))
        response = self.http.request("POST", self.acled["token_url"], "ACLED login", denied=DENIED,
                                     data=form, pass_statuses=(400,))
        if response.status_code == 400:
            raise FetchProblem(f"ACLED login: {where(self.acled['token_url'])} refused the "
                               f"credentials (HTTP 400); {DENIED}.")
        try:
            body = response.json()
            return Token(str(body["access_token"]), str(body.get("refresh_token", "")),
                         time.time() + float(body.get("expires_in", 86400)))
        except (ValueError, KeyError, TypeError):
            raise FetchProblem(f"ACLED login: the answer of {where(self.acled['token_url'])} has no "
                               f"access_token (not the documented OAuth JSON); run the fetch "
                               f"again later.") from None

    def renew(self) -> None:
        """A new token: with the refresh token, else with the password again."""
        if self.token.refresh:
            try:
                self.token = self._ask({"grant_type": "refresh_token", "refresh_token": self.token.refresh})
                return
            except FetchProblem:
                pass
        self.token = self._ask({"username": self.email, "password": self.password,
                                "grant_type": "password", "scope": self.acled.get("scope", "authenticated")})

    def get(self, url: str, what: str, params: dict) -> dict:
        """One page as JSON; a token that expired or is refused is renewed once."""
        if time.time() > self.token.expires_at - 60:
            self.renew()
        for attempt in (1, 2):
            response = self.http.request("GET", url, what, denied=DENIED, params=params,
                                         headers={"Authorization": f"Bearer {self.token.access}"},
                                         pass_statuses=(401,))
            if response.status_code != 401:
                break
            if attempt == 2:
                raise FetchProblem(f"{what}: {where(url)} refused a fresh token (HTTP 401); {DENIED}.")
            self.renew()
        try:
            body = response.json()
        except ValueError:
            raise FetchProblem(f"{what}: page {params.get('page')} from {where(url)} is not JSON "
                               f"(truncated or malformed); run the fetch again.") from None
        if not isinstance(body, dict) or not isinstance(body.get("data"), list) \
                or body.get("success") is False:
            said = body.get("error") or body.get("messages") if isinstance(body, dict) else None
            raise FetchProblem(f"{what}: page {params.get('page')} from {where(url)} is not the "
                               f"documented JSON (no data list{f': {said}' if said else ''}); "
                               f"check the parameters in the configuration and run again.")
        return body


def pages(session: Session, url: str, what: str, params: dict, size: int, progress) -> list[dict]:
    """Every page of a read endpoint (a page shorter than `size` is the last)."""
    rows, page = [], 1
    task = progress.add_task(f"{what}: pages", total=None) if progress else None
    while True:
        data = session.get(url, what, dict(params, limit=size, page=page))["data"]
        rows += data
        if progress:
            progress.update(task, advance=1, description=f"{what}: {page} pages, {len(rows):,} rows")
        if len(data) < size:
            return rows
        page += 1


def fetch(config: dict, data_dir: Path, warehouse: Path, http: Http, progress=None,
          today: dt.date | None = None) -> list[str]:
    acled, countries = config["acled"], config["fetch"]["countries"]
    data_dir = Path(data_dir)
    size = min(int(acled.get("page_size", 5000)), 5000)
    state = read_state(data_dir).get("acled", {})
    old = _previous_rows(data_dir) if state else {}
    since = state.get("last_timestamp") if old else None
    session = Session(http, acled)
    end = (today or dt.date.today()).isoformat()
    params = {"_format": "json", "country": "|".join(countries),
              "event_date": f"{acled.get('start_date', '2017-01-01')}|{end}",
              "event_date_where": "BETWEEN"}
    if since is not None:
        params.update(timestamp=since, timestamp_where=">")
    new = pages(session, acled["read_url"], "ACLED events", params, size, progress)
    deleted = []
    if since is not None:
        deleted = pages(session, acled["deleted_url"], "ACLED deleted events",
                        {"_format": "json", "deleted_timestamp": since,
                         "deleted_timestamp_where": ">"}, size, progress)
    if since is None and not new:
        raise FetchProblem(f"ACLED: no event of {', '.join(countries)} from "
                           f"{acled.get('start_date')} to {end}; check countries and start_date "
                           f"in {config['path']} (as ACLED writes country names).")
    for n, row in enumerate(new, start=1):
        missing = [c for c in FORMATS["acled"].required + ("timestamp",) if c not in row]
        if missing:
            raise FetchProblem(f"ACLED events: row {n} lacks {', '.join(missing)} (ACLED changed "
                               f"its columns?); nothing was imported. Report it with the date.")
    gone = {str(d.get("event_id_cnty")) for d in deleted}
    merged = dict(old)
    merged.update({str(r["event_id_cnty"]): r for r in new})
    removed = [k for k in gone if k in merged]
    for key in removed:
        merged.pop(key)
    if since is not None and not new and not removed:
        return [f"ACLED: nothing new since the last fetch ({state.get('fetched_at', '?')}); "
                f"nothing changed."]
    if not merged:
        raise FetchProblem("ACLED: after applying ACLED's deletions no event is left; nothing was "
                           "imported (remove the import with `python -m etl remove "
                           f"{FILE}` if that is right).")
    rows = sorted(merged.values(), key=lambda r: str(r["event_id_cnty"]))
    with tempfile.TemporaryDirectory(prefix="acled-fetch-") as tmp:
        path = Path(tmp) / FILE
        path.write_text(json.dumps({"success": True, "count": len(rows), "data": rows}), "utf-8")
        summary = imports.import_file(path, data_dir, warehouse, "acled", original=FILE, today=today)
    latest = max(int(float(r.get("timestamp") or 0)) for r in rows)
    write_state(data_dir, "acled", {"last_timestamp": max(latest, int(since or 0)),
                                    "fetched_at": dt.datetime.now(dt.timezone.utc)
                                    .replace(microsecond=0).isoformat()}, warehouse)
    kind = "first fetch" if since is None else f"rows changed since timestamp {since}"
    return [f"ACLED ({kind}): {len(new):,} rows received, {len(removed):,} deleted by ACLED; "
            f"{len(rows):,} events kept."] + summary.lines()[:2]


def _previous_rows(data_dir: Path) -> dict[str, dict]:
    """The rows of the last fetch, from its import under data/imports/ (empty when removed)."""
    for row in inputs.read_registry(data_dir, inputs.IMPORTS):
        if row["format"] == "acled" and row["short_name"] == FILE:
            body = json.loads((data_dir / inputs.IMPORTS / row["file"]).read_text("utf-8"))
            return {str(r["event_id_cnty"]): r for r in body["data"]}
    return {}


def read_state(data_dir: Path) -> dict:
    path = Path(data_dir) / inputs.IMPORTS / STATE
    return json.loads(path.read_text("utf-8")) if path.exists() else {}


def write_state(data_dir: Path, source: str, values: dict, warehouse: Path) -> None:
    """Record a successful fetch (no credentials: a timestamp and a date), dated as the warehouse
    (so that the dashboard does not take it for an input newer than the build)."""
    state = read_state(data_dir)
    state[source] = values
    path = Path(data_dir) / inputs.IMPORTS / STATE
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(state, indent=1) + "\n", "utf-8")
    os.replace(tmp, path)
    stamp = Path(warehouse).stat().st_mtime_ns
    os.utime(path, ns=(stamp, stamp))
