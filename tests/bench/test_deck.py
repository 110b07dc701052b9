"""bench/deck.py, run as the script it is (tests never import bench/): it writes its own section of
a results file, replacing its earlier one in place and keeping every other script's section."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from export import render
from tests.helpers import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not render.chromium_available(), reason="needs Debian's chromium")]

BEFORE = """# Benchmark results

<!-- section: bench/run.py -->
## The speed benchmark
| measure | p50 |
<!-- end of section -->

<!-- section: bench/deck.py -->
## Exports: an earlier run
<!-- end of section -->

<!-- section: bench/load.py: 20 ws sessions on one server -->
## Load
<!-- end of section -->
"""


def test_deck_writes_its_own_section_and_keeps_the_others(built, tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text(BEFORE)
    subprocess.run([sys.executable, "bench/deck.py", "--runs", "1", "--warehouse", str(built.warehouse),
                    "--output", str(results)], cwd=ROOT, check=True, capture_output=True, text=True)
    text = results.read_text()
    keys = re.findall(r"<!-- section: (.+?) -->", text)
    assert keys == ["bench/run.py", "bench/deck.py", "bench/load.py: 20 ws sessions on one server"]
    assert "## The speed benchmark\n| measure | p50 |\n" in text  # the others' sections as they were
    assert "## Load\n" in text
    assert "an earlier run" not in text  # its own replaced, not added
    deck = text.split("<!-- section: bench/deck.py -->")[1].split("<!-- end of section -->")[0]
    assert re.search(r"^`bench/deck.py --runs 1 .*` on \d{4}-\d\d-\d\d \d\d:\d\d, \d+ cores", deck, re.M)
    rows = re.findall(r"^\| (.+?) \| (.+?) \|$", deck, re.M)
    assert rows[0] == ("measure", "figure")
    measured = dict(rows[1:])
    assert set(measured) == {"browser start + first PNG",
                             "first deck PPTX (with the Outlook computed, unless cached)",
                             "deck PPTX (2014-2017)", "deck PDF (2014-2017)", "PNG events_by_category",
                             "PNG district_map (static)", "PNG district_map (tile map)"}
    assert re.fullmatch(r"median \d+\.\d\d s, max \d+\.\d\d s \(1 run\)", measured["deck PPTX (2014-2017)"])
    assert all(re.fullmatch(r"\d+\.\d\d s", measured[k]) for k in measured if k.startswith("PNG"))
