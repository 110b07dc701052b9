"""`make run`, `make test` and `make screenshots` install Chromium when they can (.ci/chromium) and
otherwise stop with the one command to run. apt-get, sudo and id are stand-ins on a PATH of their
own (the real ones would install packages); the script is the real one."""
import os
import subprocess

import pytest

from tests.helpers import ROOT

SCRIPT = ROOT / ".ci" / "chromium"


def _tool(folder, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def run(tmp_path, uid: int, sudo: bool, chromium: str = "/nonexistent/chromium"):
    bin_ = tmp_path / "bin"
    bin_.mkdir(exist_ok=True)
    log = tmp_path / "calls.log"
    _tool(bin_, "id", f"echo {uid}")
    _tool(bin_, "apt-get", f'echo "apt-get $*" >> {log}')
    if sudo:
        _tool(bin_, "sudo", f'[ "$1" = -n ] && shift\n[ "$1" = true ] && exit 0\necho "sudo $1" >> {log}\n"$@"')
    out = subprocess.run(["/bin/sh", str(SCRIPT)], capture_output=True, text=True,
                         env={"PATH": str(bin_), "CHROMIUM": chromium})
    return out, (log.read_text().splitlines() if log.exists() else [])


def test_an_installed_chromium_is_left_alone(tmp_path):
    out, calls = run(tmp_path, uid=1000, sudo=False, chromium="/bin/sh")
    assert out.returncode == 0 and calls == []


def test_root_installs_it_with_apt(tmp_path):
    out, calls = run(tmp_path, uid=0, sudo=False)
    assert out.returncode == 0, out.stderr
    assert calls == ["apt-get update -qq", "apt-get install -y -qq chromium fonts-dejavu-core"]


def test_a_user_with_sudo_installs_it_through_sudo(tmp_path):
    out, calls = run(tmp_path, uid=1000, sudo=True)
    assert out.returncode == 0, out.stderr
    assert calls == ["sudo apt-get", "apt-get update -qq", "sudo apt-get",
                     "apt-get install -y -qq chromium fonts-dejavu-core"]


def test_otherwise_it_stops_with_the_command_to_run(tmp_path):
    out, calls = run(tmp_path, uid=1000, sudo=False)
    assert out.returncode == 1 and calls == []
    assert out.stderr.splitlines() == ["Chromium is missing (/nonexistent/chromium). Install it with:",
                                       "  sudo apt-get install -y chromium fonts-dejavu-core"]


@pytest.mark.parametrize("target", ["run", "test", "screenshots"])
def test_make_targets_check_chromium_first(target):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}  # also under `make test`
    out = subprocess.run(["make", "-n", "--no-print-directory", "-o", ".venv/bin/.installed", "-o",
                          "data/warehouse.duckdb", target], capture_output=True, text=True, cwd=ROOT, env=env)
    assert out.returncode == 0, out.stderr
    commands = out.stdout.splitlines()
    assert commands[0] == ".ci/chromium"
