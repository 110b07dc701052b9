"""The benchmarks stand on the tests' harness, never the other way round: no module under tests/
imports bench/ (a test of a bench script runs it as a subprocess), and bench/ reaches the server,
the browser and the websocket client through tests/support/."""
from __future__ import annotations

import ast

from tests.helpers import ROOT


def imported(path) -> set[str]:
    """Every module `path` imports, at any depth of the file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def test_no_test_module_imports_bench():
    offenders = {str(path.relative_to(ROOT)): sorted(n for n in imported(path) if n.split(".")[0] == "bench")
                 for path in (ROOT / "tests").rglob("*.py") if "node_modules" not in path.parts}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_bench_takes_the_harness_from_tests_support():
    used = set().union(*(imported(path) for path in (ROOT / "bench").glob("*.py")))
    assert {"tests.support.server", "tests.support.runs", "tests.support.st_client"} <= used
    assert not {"server", "st_client", "bench.server", "bench.st_client"} & used
    assert not (ROOT / "bench" / "server.py").exists() and not (ROOT / "bench" / "st_client.py").exists()
