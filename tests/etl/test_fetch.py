"""`python -m etl fetch ucdp|acled` against real HTTP servers on loopback (tests/etl/loopback.py)
serving responses in the publishers' documented formats: UCDP's download files (a zip holding one
CSV, made from tests/data/imports/ucdp_ged.csv) and API pages, ACLED's OAuth token endpoint, paged
read endpoint and deleted-events endpoint. The CLI and fetch code are the real ones, pointed at
the server by a configuration file (--config). Every failure leaves data/imports and the
warehouse as they were and exits 1 with one line saying what to do."""
from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import shutil
import socket
import time
import zipfile

import duckdb
import pytest
from typer.testing import CliRunner

from etl.__main__ import app
from etl.build import build_warehouse
from tests.helpers import FIXTURES, TODAY, fixture_data_dir
from tests.etl.loopback import Reply, Server

pytestmark = pytest.mark.slow  # each test imports what it fetched into a warehouse

EMAIL, PASSWORD = "analyst@example.org", "s3cret-Pa55word"
runner = CliRunner()


# ---------------------------------------------------------------- fixtures and helpers

@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A small data/ folder (the indicator fixture as its only raw file) and its warehouse."""
    tmp = tmp_path_factory.mktemp("fetch_base")
    data = fixture_data_dir(tmp, {"indicator_events.csv": "curated"})
    build_warehouse(data, data / "warehouse.duckdb", today=TODAY)
    return data


@pytest.fixture()
def small_dir(base, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(base, data)
    return data


@pytest.fixture()
def server():
    with Server() as s:
        yield s


def write_config(tmp_path, url: str, probe: bool = False, **over) -> str:
    """A fetch configuration pointing every URL at `url` (the loopback server). UCDP's files are
    named (ged_url, candidate_urls, api_ged_url), or with `probe` found from the templates, as
    etl/fetch.toml does."""
    values = {"timeout": 2, "retries": 2, "page_size": 2, "ucdp_candidates": '["/ucdp/candidate.zip"]'}
    values.update(over)
    named = f"""ged_url = "{url}/ucdp/ged.zip"
candidate_urls = {values['ucdp_candidates'].replace('"/', f'"{url}/')}
api_ged_url = "{url}/api/gedevents/25.1"
api_candidate_urls = []"""
    templates = f"""ged_from = "25.1"
ged_url_template = "{url}/downloads/ged/ged{{yy}}{{r}}-csv.zip"
candidate_url_template = "{url}/downloads/candidateged/GEDEvent_v{{yy}}_0_{{m}}.csv"
api_url_template = "{url}/api/gedevents/{{version}}"
"""
    text = f"""
[fetch]
sources = ["ucdp"]
countries = ["Pakistan", "Afghanistan"]
timeout_seconds = {values['timeout']}
retries = {values['retries']}
backoff_seconds = 0
max_retry_wait_seconds = 5

[ucdp]
{templates if probe else named}
token_env = "UCDP_TOKEN"
api_page_size = 2
api_countries = "770,700"

[acled]
token_url = "{url}/oauth/token"
read_url = "{url}/api/acled/read"
deleted_url = "{url}/api/deleted/read"
client_id = "acled"
scope = "authenticated"
email_env = "ACLED_EMAIL"
password_env = "ACLED_PASSWORD"
secrets_file = "{values.get('secrets', '/nonexistent/secrets.toml')}"
page_size = {values['page_size']}
start_date = "2015-01-01"
"""
    path = tmp_path / "fetch.toml"
    path.write_text(text)
    return str(path)


def run(small_dir, config, *args, env=None):
    env = {"ACLED_EMAIL": EMAIL, "ACLED_PASSWORD": PASSWORD, "UCDP_TOKEN": "", **(env or {})}
    return runner.invoke(app, ["fetch", *args, "--config", config, "--data-dir", str(small_dir),
                               "--out", str(small_dir / "warehouse.duckdb")], env=env)


def state(small_dir) -> dict:
    """The hash of every file under data/imports/ and of the warehouse."""
    files = {p.relative_to(small_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted((small_dir / "imports").rglob("*")) if p.is_file() and p.name != ".lock"} \
        if (small_dir / "imports").exists() else {}
    files["warehouse"] = hashlib.sha256((small_dir / "warehouse.duckdb").read_bytes()).hexdigest()
    return files


def rows(small_dir, sql, params=()):
    con = duckdb.connect(str(small_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def failed(result) -> str:
    """The failure's message as one line (the CLI prints it on stderr)."""
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert text.startswith("Fetch failed:"), text
    assert "Traceback" not in result.output
    return text


# ---------------------------------------------------------------- UCDP

def ucdp_rows() -> tuple[list[str], list[list[str]]]:
    with open(FIXTURES / "imports" / "ucdp_ged.csv", encoding="utf-8", newline="") as handle:
        records = list(csv.reader(handle))
    header = records[0]
    body = [r[:len(header)] for r in records[1:]]
    return header, body


def ucdp_zip(header, body, name="GEDEvent_v25_1.csv") -> bytes:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header] + body)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text.getvalue())
    return buffer.getvalue()


def ged_release():
    """GED: the fixture's five Pakistan events of 2015, one Afghan event and one Indian (dropped)."""
    header, body = ucdp_rows()
    col = header.index
    afghan = list(body[1])
    afghan[col("id")], afghan[col("country")] = "201", "Afghanistan"
    afghan[col("adm_1")], afghan[col("adm_2")] = "Kabul province", "Kabul district"
    afghan[col("latitude")], afghan[col("longitude")] = "34.5553", "69.2075"
    india = list(body[1])
    india[col("id")], india[col("country")] = "301", "India"
    return header, body + [afghan, india]


def candidate_release():
    """Candidate Events: one event of 2015 (GED covers that year: dropped) and two of 2016."""
    header, body = ucdp_rows()
    col = header.index
    out = []
    for new_id, date in (("9001", "2015-12-30"), ("9002", "2016-02-03"), ("9003", "2016-03-04")):
        row = list(body[1])
        row[col("id")], row[col("year")] = new_id, date[:4]
        row[col("date_start")] = row[col("date_end")] = date
        out.append(row)
    return header, out


def serve_ucdp(server, ged=None, candidate=None):
    server.routes["/ucdp/ged.zip"] = ged or Reply(200, ucdp_zip(*ged_release()))
    server.routes["/ucdp/candidate.zip"] = candidate or Reply(200, ucdp_zip(*candidate_release()))


def test_ucdp_fetch_imports_ged_and_the_candidate_events_after_it(server, small_dir, tmp_path):
    serve_ucdp(server)
    result = run(small_dir, write_config(tmp_path, server.url), "ucdp")
    assert result.exit_code == 0, result.output
    assert rows(small_dir, "SELECT dataset, event_id FROM events WHERE dataset LIKE 'ucdp%' "
                          "ORDER BY ALL") == [
        ("ucdp", "ucdp:101"), ("ucdp", "ucdp:102"), ("ucdp", "ucdp:103"), ("ucdp", "ucdp:104"),
        ("ucdp", "ucdp:105"), ("ucdp", "ucdp:201"),
        ("ucdp_candidate", "ucdp_candidate:9002"), ("ucdp_candidate", "ucdp_candidate:9003")]
    assert rows(small_dir, "SELECT short_name, dataset FROM sources WHERE file LIKE 'imports/%' "
                          "ORDER BY 1") == [("ucdp_candidate_fetched.csv", "ucdp_candidate"),
                                            ("ucdp_ged_fetched.csv", "ucdp")]
    assert "1 rows within GED's years dropped" in result.output


def test_a_newer_ged_release_supersedes_the_candidate_events_it_covers(server, small_dir, tmp_path):
    serve_ucdp(server)
    config = write_config(tmp_path, server.url)
    assert run(small_dir, config, "ucdp").exit_code == 0
    header, body = ged_release()
    col = header.index
    extra = list(body[0])  # GED 2016 now holds the events Candidate had (under its own ids)
    extra[col("id")], extra[col("year")], extra[col("date_start")] = "401", "2016", "2016-02-03"
    serve_ucdp(server, ged=Reply(200, ucdp_zip(header, body + [extra])))
    result = run(small_dir, config, "ucdp")
    assert result.exit_code == 0, result.output
    assert rows(small_dir, "SELECT count(*) FROM events WHERE dataset = 'ucdp_candidate'") == [(0,)]
    assert rows(small_dir, "SELECT count(*) FROM events WHERE dataset = 'ucdp'") == [(7,)]
    assert [p.name for p in (small_dir / "imports").glob("ucdp_candidate-*")] == []
    assert "GED covers it now" in result.output


def test_ucdp_api_with_a_token_follows_the_pages(server, small_dir, tmp_path):
    header, body = ged_release()
    records = [dict(zip(header, r)) for r in body]
    pages = [records[i:i + 2] for i in range(0, len(records), 2)]

    def api(request):
        if request.headers.get("x-ucdp-access-token") != "tok-123":
            return Reply.json({"error": "token"}, 401)
        page = int(request.query.get("page", 0))
        nxt = f"{server.url}/api/gedevents/25.1?pagesize=2&page={page + 1}" if page + 1 < len(pages) else ""
        return Reply.json({"TotalCount": len(records), "TotalPages": len(pages),
                           "PreviousPageUrl": "", "NextPageUrl": nxt, "Result": pages[page]})

    server.routes["/api/gedevents/25.1"] = api
    result = run(small_dir, write_config(tmp_path, server.url), "ucdp", env={"UCDP_TOKEN": "tok-123"})
    assert result.exit_code == 0, result.output
    assert len(server.hits("/api/gedevents/25.1")) == len(pages)
    assert server.hits("/api/gedevents/25.1")[0].query["Country"] == "770,700"
    assert rows(small_dir, "SELECT count(*) FROM events WHERE dataset = 'ucdp'") == [(6,)]
    assert not server.hits("/ucdp/ged.zip")


def test_ucdp_api_refused_token_says_what_to_do(server, small_dir, tmp_path):
    server.routes["/api/gedevents/25.1"] = Reply.json({"error": "bad token"}, 401)
    before = state(small_dir)
    text = failed(run(small_dir, write_config(tmp_path, server.url), "ucdp",
                      env={"UCDP_TOKEN": "wrong"}))
    assert "refused access (HTTP 401)" in text and "UCDP_TOKEN" in text
    assert state(small_dir) == before


# UCDP's releases as its download site names them, for the fetch that finds the newest itself
# (etl/fetch.toml's templates, ged_from = "25.1"). Each GED release holds ged_release()'s events
# of 2015 and the events below; each Candidate file the events below (id, date, country, best).
GED_EVENTS = {
    "25": [("501", "2024-06-01")],                                  # GED 25.1: to 2024
    "26": [("501", "2024-06-01"), ("601", "2025-03-05"),            # GED 26.1: to 2025
           ("602", "2025-11-20", "Afghanistan")],
}
CANDIDATE_EVENTS = {
    "25_0_1": [("9101", "2025-01-10")],
    "25_0_10": [("9110", "2025-10-02")],
    "26_0_1": [("9200", "2025-12-30"), ("9201", "2026-01-15"), ("9202", "2026-01-20", "Pakistan", "3")],
    "26_0_2": [("9202", "2026-01-20", "Pakistan", "8"), ("9203", "2026-02-10"),  # 9202 revised
               ("9204", "2026-02-11", "India")],
}


def ucdp_event(event_id, date, country="Pakistan", best="3") -> list[str]:
    """The fixture's second event with another id, date, country and death toll."""
    header, body = ucdp_rows()
    col = header.index
    row = list(body[1])
    row[col("id")], row[col("year")], row[col("country")], row[col("best")] = \
        event_id, date[:4], country, best
    row[col("date_start")] = row[col("date_end")] = date
    if country == "Afghanistan":
        row[col("adm_1")], row[col("adm_2")] = "Kabul province", "Kabul district"
        row[col("latitude")], row[col("longitude")], row[col("country_id")] = "34.5553", "69.2075", "700"
    return row


def ged_records(yy: str):
    header, body = ged_release()
    return header, body + [ucdp_event(*e) for e in GED_EVENTS[yy]]


def candidate_records(version: str):
    return ucdp_rows()[0], [ucdp_event(*e) for e in CANDIDATE_EVENTS[version]]


def serve_releases(server, ged=(), candidates=()):
    """GED zips and Candidate CSVs under UCDP's names; any other name answers 404."""
    for yy in ged:
        server.routes[f"/downloads/ged/ged{yy}1-csv.zip"] = Reply(200, ucdp_zip(*ged_records(yy)))
    for version in candidates:
        header, body = candidate_records(version)
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows([header] + body)
        server.routes[f"/downloads/candidateged/GEDEvent_v{version}.csv"] = \
            Reply(200, text.getvalue().encode())


def ucdp_events(small_dir):
    return rows(small_dir, "SELECT event_id, CAST(event_date AS VARCHAR), fatalities FROM events "
                          "WHERE dataset LIKE 'ucdp%' AND event_id NOT LIKE 'ucdp:10_' "
                          "AND event_id NOT LIKE 'ucdp:201' ORDER BY ALL")


def test_ucdp_fetch_finds_the_newest_ged_and_the_candidate_files_after_it(server, small_dir, tmp_path):
    serve_releases(server, ged=["25", "26"], candidates=["25_0_10", "26_0_1", "26_0_2"])
    result = run(small_dir, write_config(tmp_path, server.url, probe=True), "ucdp")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "UCDP GED 26.1 (newest found; ged261-csv.zip): 9 events of Pakistan, Afghanistan to " \
           "2025-12-31." in text
    assert "UCDP Candidate Events 26.0.1 to 26.0.2 (newest found after UCDP GED 26.1; " \
           "GEDEvent_v26_0_1.csv, GEDEvent_v26_0_2.csv)." in text
    assert "UCDP Candidate Events: 3 events after 2025-12-31 (1 rows within GED's years dropped" in text
    # few requests, in order: GED's names probed up to the first missing one (the probe's body
    # abandoned), the newest downloaded; the Candidate files of 2026 up to the first missing one,
    # then 2027's first. Must NOT happen: GED 25.1 or Candidate 25.0.x (GED 26.1 covers 2025) read.
    assert [r.path.rsplit("/", 1)[-1] for r in server.requests] == [
        "ged261-csv.zip", "ged271-csv.zip", "ged261-csv.zip",
        "GEDEvent_v26_0_1.csv", "GEDEvent_v26_0_2.csv", "GEDEvent_v26_0_3.csv", "GEDEvent_v27_0_1.csv"]
    # GED's events of 2025; the Candidate events of 2026 only, 9202 as the newer file has it
    assert ucdp_events(small_dir) == [
        ("ucdp:501", "2024-06-01", 3.0), ("ucdp:601", "2025-03-05", 3.0),
        ("ucdp:602", "2025-11-20", 3.0), ("ucdp_candidate:9201", "2026-01-15", 3.0),
        ("ucdp_candidate:9202", "2026-01-20", 8.0), ("ucdp_candidate:9203", "2026-02-10", 3.0)]
    assert rows(small_dir, "SELECT count(*) FROM events WHERE dataset = ? AND event_date <= ?",
                ["ucdp_candidate", "2025-12-31"]) == [(0,)]
    # the versions taken are in the imports' titles (the Data page lists them) and origins
    titles = rows(small_dir, "SELECT dataset, title, origin FROM sources WHERE file LIKE 'imports/%' "
                            "ORDER BY 1")
    assert [(d, t.split(" (fetched ")[0]) for d, t, _ in titles] == [
        ("ucdp", "UCDP GED 26.1"), ("ucdp_candidate", "UCDP Candidate Events 26.0.1 to 26.0.2")]
    assert "ged261-csv.zip" in titles[0][2] and "GEDEvent_v26_0_2.csv" in titles[1][2]


def test_a_newer_ged_found_later_replaces_the_candidate_events_it_covers(server, small_dir, tmp_path):
    config = write_config(tmp_path, server.url, probe=True)
    serve_releases(server, ged=["25"], candidates=["25_0_1", "26_0_1"])
    result = run(small_dir, config, "ucdp")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "UCDP GED 25.1 (newest found; ged251-csv.zip)" in text
    assert "UCDP Candidate Events 25.0.1 to 26.0.1" in text
    assert [e[0] for e in ucdp_events(small_dir)] == [
        "ucdp:501", "ucdp_candidate:9101", "ucdp_candidate:9200", "ucdp_candidate:9201",
        "ucdp_candidate:9202"]

    serve_releases(server, ged=["26"])  # UCDP publishes GED 26.1, with the events of 2025
    result = run(small_dir, config, "ucdp")
    assert result.exit_code == 0, result.output
    assert "UCDP GED 26.1 (newest found; ged261-csv.zip)" in " ".join(result.output.split())
    assert [e[0] for e in ucdp_events(small_dir)] == [
        "ucdp:501", "ucdp:601", "ucdp:602", "ucdp_candidate:9201", "ucdp_candidate:9202"]
    assert rows(small_dir, "SELECT count(*) FROM events WHERE dataset = ? AND event_date <= ?",
                ["ucdp_candidate", "2025-12-31"]) == [(0,)]
    assert rows(small_dir, "SELECT title FROM sources WHERE dataset = ? AND file LIKE 'imports/%'",
                ["ucdp_candidate"])[0][0].startswith("UCDP Candidate Events 26.0.1 (fetched ")


@pytest.mark.parametrize("path, reply, expected", [
    ("/downloads/ged/ged271-csv.zip", Reply(500, b"busy"),
     "UCDP GED 27.1 (looking for the newest release): 127.0.0.1:{port}/downloads/ged/ged271-csv.zip "
     "still answered with a server error (HTTP 500) after 3 tries"),
    ("/downloads/candidateged/GEDEvent_v26_0_3.csv", Reply(503, b"busy"),
     "UCDP Candidate Events 26.0.3: 127.0.0.1:{port}/downloads/candidateged/GEDEvent_v26_0_3.csv "
     "still answered with a server error (HTTP 503) after 3 tries"),
    ("/downloads/ged/ged271-csv.zip", Reply(200, b"x", delay=3),
     "UCDP GED 27.1 (looking for the newest release): no answer from 127.0.0.1:{port}"),
], ids=["ged-probe-5xx", "candidate-probe-5xx", "ged-probe-timeout"])
def test_a_probe_that_fails_stops_the_fetch_and_changes_nothing(server, small_dir, tmp_path, path,
                                                                reply, expected):
    serve_releases(server, ged=["25", "26"], candidates=["26_0_1", "26_0_2"])
    server.routes[path] = reply  # neither there nor not there: the newest cannot be known
    before = state(small_dir)
    text = failed(run(small_dir, write_config(tmp_path, server.url, probe=True, timeout=1), "ucdp"))
    assert expected.format(port=server.url.rsplit(":", 1)[1]) in text
    assert "data/imports and the warehouse are unchanged" in text
    assert len(server.hits(path)) == (3 if reply.status >= 500 else 1)
    assert state(small_dir) == before


def test_ucdp_api_with_a_token_finds_the_newest_versions(server, small_dir, tmp_path):
    def version(records):
        def answer(request):
            if request.headers.get("x-ucdp-access-token") != "tok-123":
                return Reply.json({"error": "token"}, 401)
            size, page = int(request.query["pagesize"]), int(request.query.get("page", 0))
            nxt = f"{server.url}{request.path}?pagesize={size}&page={page + 1}" \
                if (page + 1) * size < len(records) else ""
            return Reply.json({"TotalCount": len(records), "NextPageUrl": nxt,
                               "Result": records[page * size:(page + 1) * size]})
        return answer

    def as_records(header, body):
        return [dict(zip(header, r)) for r in body]

    server.routes.update({  # 27.1 and 27.0.1: not routed, 404
        "/api/gedevents/25.1": version(as_records(*ged_records("25"))),
        "/api/gedevents/26.1": version(as_records(*ged_records("26"))),
        "/api/gedevents/26.0.1": version(as_records(*candidate_records("26_0_1"))),
        "/api/gedevents/26.0.2": version([]),  # no event: not published yet
    })
    result = run(small_dir, write_config(tmp_path, server.url, probe=True), "ucdp",
                 env={"UCDP_TOKEN": "tok-123"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "UCDP GED 26.1 (newest found in UCDP's API): 9 events" in text
    assert "UCDP Candidate Events 26.0.1 (newest found in UCDP's API after UCDP GED 26.1)." in text
    asked = [(r.path.rsplit("/", 1)[-1], r.query.get("pagesize"), r.query.get("Country"))
             for r in server.requests if "page" not in r.query]
    assert asked == [("26.1", "1", None), ("27.1", "1", None), ("26.1", "2", "770,700"),
                     ("26.0.1", "1", None), ("26.0.1", "2", "770,700"), ("26.0.2", "1", None),
                     ("27.0.1", "1", None)]
    assert not server.hits("/api/gedevents/25.1") and not server.hits("/downloads/ged/ged261-csv.zip")
    assert [e[0] for e in ucdp_events(small_dir)] == [
        "ucdp:501", "ucdp:601", "ucdp:602", "ucdp_candidate:9201", "ucdp_candidate:9202"]


def _zip_truncated():
    body = ucdp_zip(*ged_release())
    return Reply(200, body[: len(body) // 2])  # a whole answer, but half a zip


def _no_column():
    header, body = ged_release()
    drop = header.index("where_prec")
    return Reply(200, ucdp_zip([h for i, h in enumerate(header) if i != drop],
                               [[c for i, c in enumerate(r) if i != drop] for r in body]))


def _no_country():
    header, body = ged_release()
    return Reply(200, ucdp_zip(header, [r for r in body if "India" in r]))


@pytest.mark.parametrize("reply, expected", [
    (Reply(503, b"busy"), "server error (HTTP 503) after 3 tries"),
    (Reply(404, b"gone"), "answered HTTP 404"),
    (Reply(200, b"PK\x03\x04garbage", truncate=None), "truncated or malformed"),
    (_zip_truncated, "truncated or malformed"),
    (Reply(200, ucdp_zip(*ged_release()), truncate=100), "cut off before its end"),
    (Reply(200, b"", {}), "sent an empty file"),
    (_no_column, "lacks the columns where_prec"),
    (_no_country, "no event of Pakistan, Afghanistan"),
    (Reply(200, b"x", delay=3), "no answer from 127.0.0.1"),
], ids=["5xx", "404", "not-a-zip", "half-a-zip", "truncated-body", "empty", "changed-columns",
        "no-country", "timeout"])
def test_ucdp_failures_change_nothing(server, small_dir, tmp_path, reply, expected):
    reply = reply() if callable(reply) else reply
    serve_ucdp(server, ged=reply)
    before = state(small_dir)
    text = failed(run(small_dir, write_config(tmp_path, server.url, timeout=1), "ucdp"))
    assert expected in text
    assert "data/imports and the warehouse are unchanged" in text
    assert state(small_dir) == before


def test_unreachable_server_says_so(small_dir, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    before = state(small_dir)
    text = failed(run(small_dir, write_config(tmp_path, f"http://127.0.0.1:{port}"), "ucdp"))
    assert f"cannot reach 127.0.0.1:{port}/ucdp/ged.zip (connection refused)" in text
    assert "check the network connection" in text
    assert state(small_dir) == before


# ---------------------------------------------------------------- ACLED

def acled_row(event_id: str, fatalities: int, timestamp: int, country="Pakistan") -> dict:
    with open(FIXTURES / "imports" / "acled_api.json", encoding="utf-8") as handle:
        row = dict(json.load(handle)["data"][1 if country == "Pakistan" else 0])
    row.update(event_id_cnty=event_id, fatalities=str(fatalities), timestamp=str(timestamp))
    return row


class Acled:
    """ACLED's API as documented: OAuth password and refresh_token grants at /oauth/token,
    bearer-protected JSON pages (limit, page, timestamp with timestamp_where) at /api/acled/read,
    and deleted events at /api/deleted/read."""

    def __init__(self, server: Server):
        self.events = [acled_row(f"PAK{i}", i, 1700000000 + i) for i in range(1, 6)]
        self.deleted: list[dict] = []
        self.tokens: set[str] = set()
        self.issued = 0
        self.expire_after_pages = None  # the token stops working after this many pages
        self.pages_served = 0
        server.routes.update({"/oauth/token": self.token, "/api/acled/read": self.read,
                              "/api/deleted/read": self.read_deleted})

    def token(self, request):
        form = request.form
        ok = (form.get("grant_type") == "password" and form.get("username") == EMAIL
              and form.get("password") == PASSWORD) or \
             (form.get("grant_type") == "refresh_token" and form.get("refresh_token") == "refresh-1")
        if form.get("client_id") != "acled" or not ok:
            return Reply.json({"error": "invalid_grant"}, 401)
        self.issued += 1
        access = f"access-{self.issued}"
        self.tokens = {access}
        return Reply.json({"token_type": "Bearer", "expires_in": 86400, "access_token": access,
                           "refresh_token": "refresh-1"})

    def _authorised(self, request) -> bool:
        return request.headers.get("Authorization", "").removeprefix("Bearer ") in self.tokens

    def _page(self, request, rows):
        limit, page = int(request.query["limit"]), int(request.query["page"])
        assert limit <= 5000
        data = rows[(page - 1) * limit: page * limit]
        self.pages_served += 1
        if self.pages_served == self.expire_after_pages:
            self.tokens = set()  # this page is the last one the token is good for
        return Reply.json({"status": 200, "success": True, "count": len(data), "data": data})

    def read(self, request):
        if not self._authorised(request):
            return Reply.json({"error": "Access token expired"}, 401)
        q = request.query
        assert q["_format"] == "json" and q["country"] == "Pakistan|Afghanistan"
        assert q["event_date_where"] == "BETWEEN"
        rows = self.events
        if "timestamp" in q:
            assert q["timestamp_where"] == ">"
            rows = [r for r in rows if int(r["timestamp"]) > int(q["timestamp"])]
        return self._page(request, rows)

    def read_deleted(self, request):
        if not self._authorised(request):
            return Reply.json({"error": "Access token expired"}, 401)
        since = int(request.query["deleted_timestamp"])
        return self._page(request, [d for d in self.deleted if int(d["deleted_timestamp"]) > since])


def acled_ids(small_dir):
    return [r[0] for r in rows(small_dir, "SELECT event_id FROM events WHERE dataset = 'acled' ORDER BY 1")]


def test_acled_first_run_pages_then_incremental_run_with_deletions_and_revisions(server, small_dir, tmp_path):
    api = Acled(server)
    config = write_config(tmp_path, server.url)
    result = run(small_dir, config, "acled")
    assert result.exit_code == 0, result.output
    assert acled_ids(small_dir) == [f"acled:PAK{i}" for i in range(1, 6)]
    reads = server.hits("/api/acled/read")
    assert [r.query["page"] for r in reads] == ["1", "2", "3"]  # 2 + 2 + 1 rows
    assert all("timestamp" not in r.query for r in reads)
    assert json.loads((small_dir / "imports" / "fetch_state.json").read_text())["acled"][
        "last_timestamp"] == 1700000005

    # a week later: one new event, one revised toll, one event deleted by ACLED
    api.events.append(acled_row("PAK6", 6, 1700000100))
    api.events[1] = acled_row("PAK2", 12, 1700000101)
    api.deleted.append({"event_id_cnty": "PAK3", "deleted_timestamp": "1700000102"})
    server.requests.clear()
    result = run(small_dir, config, "acled")
    assert result.exit_code == 0, result.output
    # two rows changed: a full page of 2, then an empty page
    assert [(r.query["timestamp"], r.query["page"]) for r in server.hits("/api/acled/read")] == [
        ("1700000005", "1"), ("1700000005", "2")]
    assert server.hits("/api/deleted/read")[0].query["deleted_timestamp"] == "1700000005"
    assert acled_ids(small_dir) == ["acled:PAK1", "acled:PAK2", "acled:PAK4", "acled:PAK5", "acled:PAK6"]
    assert rows(small_dir, "SELECT fatalities FROM events WHERE event_id = 'acled:PAK2'") == [(12.0,)]
    assert rows(small_dir, "SELECT event_id, change, field, old_value, new_value FROM revisions "
                          "WHERE dataset = 'acled' ORDER BY ALL") == [
        ("acled:PAK2", "revised", "fatalities", "2", "12"),
        ("acled:PAK3", "removed", None, None, None),
        ("acled:PAK6", "added", None, None, None)]
    assert len(list((small_dir / "imports").glob("acled-*"))) == 1  # the older fetch was replaced
    # must not happen: the state or history file taken for an input newer than the warehouse
    # (the dashboard would then warn that a build failed)
    built = (small_dir / "warehouse.duckdb").stat().st_mtime_ns
    assert [p.name for p in (small_dir / "imports").iterdir() if p.stat().st_mtime_ns > built] == []

    # nothing new: nothing changes
    before = state(small_dir)
    result = run(small_dir, config, "acled")
    assert result.exit_code == 0 and "nothing new" in result.output
    assert state(small_dir) == before

    changes = runner.invoke(app, ["changes", "acled", "--out", str(small_dir / "warehouse.duckdb")])
    assert changes.exit_code == 0, changes.output
    line = " ".join(changes.output.split())
    assert line.startswith("acled since ")
    assert "1 added, 1 removed, 1 revised: fatalities 2 -> 12 (acled:PAK2)." in line


def test_acled_token_expiring_mid_fetch_is_refreshed(server, small_dir, tmp_path):
    api = Acled(server)
    api.expire_after_pages = 1  # the first page is the last one its token is good for
    result = run(small_dir, write_config(tmp_path, server.url), "acled")
    assert result.exit_code == 0, result.output
    grants = [r.form["grant_type"] for r in server.hits("/oauth/token")]
    assert grants == ["password", "refresh_token"]
    assert acled_ids(small_dir) == [f"acled:PAK{i}" for i in range(1, 6)]


def test_acled_credentials_are_never_written_or_printed(server, small_dir, tmp_path):
    Acled(server)
    result = run(small_dir, write_config(tmp_path, server.url), "acled")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output and EMAIL not in result.output
    for path in small_dir.rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            assert PASSWORD.encode() not in content and EMAIL.encode() not in content, path
            assert b"access-1" not in content and b"refresh-1" not in content, path


def test_acled_without_credentials_says_where_to_put_them(server, small_dir, tmp_path):
    Acled(server)
    before = state(small_dir)
    text = failed(run(small_dir, write_config(tmp_path, server.url), "acled",
                      env={"ACLED_PASSWORD": ""}))
    assert "set ACLED_EMAIL and ACLED_PASSWORD in the environment or in Streamlit's secrets" in text
    assert not server.requests and state(small_dir) == before


def test_acled_credentials_from_streamlit_secrets(server, small_dir, tmp_path):
    Acled(server)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'ACLED_EMAIL = "{EMAIL}"\nACLED_PASSWORD = "{PASSWORD}"\n')
    result = run(small_dir, write_config(tmp_path, server.url, secrets=str(secrets)), "acled",
                 env={"ACLED_EMAIL": "", "ACLED_PASSWORD": ""})
    assert result.exit_code == 0, result.output
    assert server.hits("/oauth/token")[0].form["username"] == EMAIL


def _json(value, status=200, **kw):
    return lambda request: Reply.json(value, status, **kw)


@pytest.mark.parametrize("route, reply, expected", [
    ("/oauth/token", _json({"error": "invalid_grant"}, 401),
     "refused access (HTTP 401); check ACLED_EMAIL and ACLED_PASSWORD (a wrong password, or an "
     "account without API access"),
    ("/api/acled/read", _json({"error": "forbidden"}, 403), "refused access (HTTP 403)"),
    ("/api/acled/read", _json({}, 429, headers={"Retry-After": "3600"}),
     "asks to wait 3600 s before the next request (HTTP 429, Retry-After)"),
    ("/api/acled/read", _json({}, 502), "server error (HTTP 502) after 3 tries"),
    ("/api/acled/read", lambda r: Reply(200, b'{"status": 200, "data": [{"event_id'), "is not JSON"),
    ("/api/acled/read", lambda r: Reply(200, json.dumps({"data": []}).encode() * 3, truncate=20),
     "cut off before its end"),
    ("/api/acled/read", _json({"success": False, "error": "Invalid country"}),
     "no data list: Invalid country"),
    ("/api/acled/read", _json({"status": 200, "success": True, "count": 0, "data": []}),
     "no event of Pakistan, Afghanistan from 2015-01-01"),
    ("/api/acled/read", lambda r: Reply.json({"success": True, "data": [
        {k: v for k, v in acled_row("PAK1", 1, 1).items() if k != "latitude"}]}),
     "row 1 lacks latitude (ACLED changed its columns?)"),
    ("/api/acled/read", lambda r: Reply(200, b"[]", delay=3), "no answer from 127.0.0.1"),
], ids=["401-login", "403", "429-long", "5xx", "malformed", "truncated", "error-json", "empty",
        "changed-columns", "timeout"])
def test_acled_failures_change_nothing(server, small_dir, tmp_path, route, reply, expected):
    api = Acled(server)
    if route == "/api/acled/read":
        server.routes[route] = lambda r: api.read(r) if not api._authorised(r) else reply(r)
    else:
        server.routes[route] = reply
    before = state(small_dir)
    text = failed(run(small_dir, write_config(tmp_path, server.url, timeout=1), "acled"))
    assert expected in text
    assert PASSWORD not in text
    assert state(small_dir) == before


def test_acled_failure_on_the_incremental_run_keeps_the_first_fetch(server, small_dir, tmp_path):
    api = Acled(server)
    config = write_config(tmp_path, server.url)
    assert run(small_dir, config, "acled").exit_code == 0
    before = state(small_dir)
    api.events.append(acled_row("PAK6", 6, 1700000100))
    server.routes["/api/deleted/read"] = _json({}, 500)
    text = failed(run(small_dir, config, "acled"))
    assert "server error (HTTP 500)" in text
    assert state(small_dir) == before  # the state file too: the next run asks for the same rows


def test_429_with_a_short_retry_after_is_waited_for(server, small_dir, tmp_path):
    api = Acled(server)
    served = []

    def busy_once(request):
        served.append(time.monotonic())
        if len(served) == 1:
            return Reply.json({"error": "rate limit"}, 429, headers={"Retry-After": "1"})
        return api.read(request)

    server.routes["/api/acled/read"] = busy_once
    result = run(small_dir, write_config(tmp_path, server.url), "acled")
    assert result.exit_code == 0, result.output
    assert served[1] - served[0] >= 0.95  # Retry-After: 1 honoured
    assert acled_ids(small_dir) == [f"acled:PAK{i}" for i in range(1, 6)]


def test_configured_sources_and_unknown_source(server, small_dir, tmp_path):
    serve_ucdp(server)
    config = write_config(tmp_path, server.url)
    result = run(small_dir, config, "configured")  # sources = ["ucdp"] in the test configuration
    assert result.exit_code == 0, result.output
    assert not server.hits("/oauth/token")
    text = failed(run(small_dir, config, "gdelt"))
    assert "gdelt: no such source (expected ucdp, acled or configured)" in text


def test_the_shipped_configuration_names_the_publishers_urls():
    from etl.fetch import load_config

    config = load_config()
    assert config["fetch"]["countries"] == ["Pakistan", "Afghanistan"]
    assert config["acled"]["page_size"] <= 5000
    ucdp = config["ucdp"]
    assert "ged_url" not in ucdp and "candidate_urls" not in ucdp  # found by probing
    assert ucdp["ged_url_template"].format(yy="26", r=1) == \
        "https://ucdp.uu.se/downloads/ged/ged261-csv.zip"
    assert ucdp["candidate_url_template"].format(yy="26", m=3) == \
        "https://ucdp.uu.se/downloads/candidateged/GEDEvent_v26_0_3.csv"
    assert ucdp["api_url_template"].format(version="26.1") == \
        "https://ucdpapi.pcr.uu.se/api/gedevents/26.1"
    assert ucdp["ged_from"] == "25.1"
    assert config["acled"]["token_url"] == "https://acleddata.com/oauth/token"
    copy.deepcopy(config)  # plain data, no secrets: nothing but names of environment variables
    assert "password" not in json.dumps({k: v for k, v in config["acled"].items()
                                         if k != "password_env"}).lower()
