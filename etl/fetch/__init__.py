"""Fetching the publishers' newest data (`python -m etl fetch ucdp|acled`): the configuration
file, one HTTP client that turns every failure into one line saying what to do, and the staging
rule: everything is downloaded and checked first, then imported through etl.imports (all or
nothing), so a failed fetch leaves data/imports and the warehouse as they were.

The URLs and parameters live in etl/fetch.toml (or the file given by --config or the
ETL_FETCH_CONFIG environment variable); credentials only in the environment.
"""
from __future__ import annotations

import email.utils
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

import settings

STATE = "fetch_state.json"  # under data/imports/: when each source was last fetched (no secrets)


class FetchProblem(RuntimeError):
    """A fetch that cannot go on; the message is one line saying what happened and what to do.
    Nothing was imported."""


def load_config(path: Path | None = None) -> dict:
    """The fetch configuration: `path`, else settings.FETCH_CONFIG ($ETL_FETCH_CONFIG, else
    etl/fetch.toml)."""
    path = Path(path or settings.FETCH_CONFIG)
    try:
        with open(path, "rb") as handle:
            config = tomllib.load(handle)
    except FileNotFoundError:
        raise FetchProblem(f"{path}: no such configuration file; give an existing one with "
                           f"--config or ETL_FETCH_CONFIG.") from None
    except tomllib.TOMLDecodeError as err:
        raise FetchProblem(f"{path}: not valid TOML ({err}); fix the file.") from None
    config["path"] = str(path)
    return config


def where(url: str) -> str:
    """The host and path of a URL, without its query (what messages show)."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


@dataclass
class Http:
    """requests with the configured timeout, retries after 429 (honouring Retry-After) and 5xx,
    and every failure as a FetchProblem. Request bodies and headers (credentials, tokens) never
    appear in a message."""
    timeout: float = 120
    retries: int = 4
    backoff: float = 5
    max_wait: float = 300
    config_path: str = str(settings.FETCH_CONFIG)

    @classmethod
    def from_config(cls, config: dict) -> "Http":
        f = config.get("fetch", {})
        return cls(float(f.get("timeout_seconds", 120)), int(f.get("retries", 4)),
                   float(f.get("backoff_seconds", 5)), float(f.get("max_retry_wait_seconds", 300)),
                   config.get("path", str(settings.FETCH_CONFIG)))

    def __post_init__(self):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = "extremist-activity-dashboard (python -m etl fetch)"

    def exists(self, url: str, what: str, **kw) -> bool:
        """Is there a file at `url`? A GET whose body is abandoned unread (servers that refuse
        HEAD answer it too): 200 yes, 404 or 410 no; anything else (a 5xx after the retries, a
        timeout, a refusal) is a FetchProblem as for any request, never taken for 'not there'."""
        response = self.request("GET", url, what, pass_statuses=(404, 410), stream=True, **kw)
        response.close()
        return response.status_code not in (404, 410)

    def request(self, method: str, url: str, what: str, denied: str = "",
                pass_statuses: tuple[int, ...] = (), stream: bool = False,
                **kw) -> requests.Response:
        """The response, read in full (with `stream`, its body is left unread for the caller).
        `what` names the download in messages; `denied` says what to do after a 401 or 403;
        statuses in `pass_statuses` are returned to the caller."""
        for attempt in range(self.retries + 1):
            try:
                response = self.session.request(method, url, timeout=self.timeout, stream=stream,
                                                **kw)
                if not stream:
                    response.content  # the whole body now: a cut-off body raises here
            except requests.Timeout:
                raise FetchProblem(f"{what}: no answer from {where(url)} within {self.timeout:g} s; "
                                   f"try again later (or raise timeout_seconds in "
                                   f"{self.config_path}).") from None
            except requests.exceptions.ChunkedEncodingError:
                raise FetchProblem(f"{what}: the download from {where(url)} was cut off before its "
                                   f"end (truncated body); run the fetch again.") from None
            except requests.ConnectionError as err:
                raise FetchProblem(f"{what}: cannot reach {where(url)} ({_reason(err)}); check the "
                                   f"network connection and the URL in {self.config_path}, then run "
                                   f"the fetch again.") from None
            except requests.RequestException as err:
                raise FetchProblem(f"{what}: request to {where(url)} failed ({type(err).__name__}); "
                                   f"run the fetch again.") from None
            status = response.status_code
            if status in pass_statuses:
                return response
            if status in (401, 403):
                raise FetchProblem(f"{what}: {where(url)} refused access (HTTP {status}); "
                                   f"{denied or 'check the credentials'}.")
            if status == 429 or status >= 500:
                if attempt == self.retries:
                    kind = "rate limit (HTTP 429)" if status == 429 else f"server error (HTTP {status})"
                    raise FetchProblem(f"{what}: {where(url)} still answered with a {kind} after "
                                       f"{self.retries + 1} tries; the service is busy or down: "
                                       f"run the fetch again later.")
                wait = self._wait(response, attempt)
                if wait > self.max_wait:
                    raise FetchProblem(f"{what}: {where(url)} asks to wait {wait:.0f} s before the "
                                       f"next request (HTTP {status}, Retry-After); run the fetch "
                                       f"again after that.")
                response.close()  # an abandoned body (stream) is not kept for the next try
                time.sleep(wait)
                continue
            if status >= 400:
                raise FetchProblem(f"{what}: {where(url)} answered HTTP {status} ({response.reason}); "
                                   f"check the URL and parameters in {self.config_path}.")
            return response
        raise AssertionError("unreachable")

    def _wait(self, response: requests.Response, attempt: int) -> float:
        """Seconds to wait: Retry-After (seconds or an HTTP date) when given, else a backoff."""
        after = response.headers.get("Retry-After")
        if after:
            try:
                return max(0.0, float(after))
            except ValueError:
                when = email.utils.parsedate_to_datetime(after)
                if when is not None:
                    return max(0.0, when.timestamp() - time.time())
        return self.backoff * 2 ** attempt


def _reason(err: Exception) -> str:
    text = str(err)
    for known in ("Connection refused", "Name or service not known", "Connection reset",
                  "Temporary failure in name resolution", "No route to host"):
        if known in text:
            return known.lower()
    return type(err).__name__
