"""`make run` serves this machine only unless told otherwise, and says so on every start: the
server is started with the very command `make run` prints (make -n), then asked on 127.0.0.1 and
on the machine's other address."""
from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from access import serving
from deploy.cluster import free_port, wait_healthy
from tests.helpers import ROOT


def _make_run(env: dict, *variables: str) -> list[str]:
    """The commands `make run` would run (the build and the install taken as done)."""
    env = {k: v for k, v in {**os.environ, **env}.items() if not k.startswith("MAKE") and v is not None}
    out = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/bin/.installed", "-o",
                          "data/warehouse.duckdb", "run", *variables], capture_output=True,
                         text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def _other_address() -> str | None:
    """An IPv4 address of this machine that is not loopback (None when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.connect(("192.0.2.254", 9))  # no packet is sent: the kernel picks the route's address
            address = sock.getsockname()[0]
        except OSError:
            address = None
    if address and not address.startswith("127."):
        return address
    out = subprocess.run(["hostname", "-I"], capture_output=True, text=True)
    found = [a for a in out.stdout.split() if "." in a and not a.startswith("127.")]
    return found[0] if found else None


def _answers(host: str, port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://{host}:{port}/_stcore/health", timeout=3)
        return True
    except OSError:
        return False


def test_make_run_listens_on_localhost_and_not_on_the_network(built, tmp_path):
    other = _other_address()
    if other is None:
        pytest.skip("this machine has no address but loopback to try from")
    port = free_port()
    lines = _make_run({"DASHBOARD_LISTEN": None}, f"PORT={port}")
    start = next(line for line in lines if " run app.py" in line)
    assert "--server.address 127.0.0.1" in start
    env = {**os.environ, "DASHBOARD_WAREHOUSE": str(built.warehouse)}
    log = open(tmp_path / "streamlit.log", "w")
    proc = subprocess.Popen(["sh", "-c", f"exec {start} --server.fileWatcherType none"], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, tmp_path / "streamlit.log", time.monotonic() + 60)
        assert not _answers(other, port), f"make run answers on {other}, not only on localhost"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_make_run_says_where_it_serves_and_warns_on_the_network_without_sign_in(tmp_path):
    lines = _make_run({"DASHBOARD_LISTEN": "0.0.0.0"})
    assert any("--server.address 0.0.0.0" in line for line in lines)
    announce = next(line for line in lines if "access.serving" in line)
    assert shlex.split(announce)[-1] == "0.0.0.0"
    home = tmp_path / "home"  # no ~/.streamlit/secrets.toml; the repository has none either
    run = subprocess.run([sys.executable, "-m", "access.serving", "0.0.0.0"], cwd=ROOT, capture_output=True,
                         text=True, env={**os.environ, "HOME": str(home)})
    assert run.stderr.startswith("WARNING: serving on 0.0.0.0 (the network) without sign-in")
    local = subprocess.run([sys.executable, "-m", "access.serving", "127.0.0.1"], cwd=ROOT,
                           capture_output=True, text=True, env={**os.environ, "HOME": str(home)})
    assert local.stdout.startswith("Serving on 127.0.0.1 only (this machine), as the local user")
    assert local.stderr == ""


def test_sign_in_is_configured_by_an_auth_section_with_a_client(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
    assert not serving.signin_configured([secrets, tmp_path / "none.toml"])
    secrets.write_text('[auth]\nclient_id = "dashboard"\nclient_secret = "s"\n')
    assert serving.signin_configured([secrets])
    secrets.write_text('[auth.keycloak]\nclient_id = "dashboard"\n')  # a named provider
    assert serving.signin_configured([secrets])
    line, warning = serving.announcement("0.0.0.0", True)
    assert not warning and "every page asks for sign-in" in line
    assert [serving.loopback(a) for a in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "192.0.2.2")] \
        == [True, True, True, False, False]
