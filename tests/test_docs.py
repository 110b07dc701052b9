"""The README is the front door (under 12 KB, the two commands, a screenshot, a link to every page
of docs/); docs/ holds the rest. What describes code is generated into the pages by cog (`make
docs`) and must not be stale; the hand-written pages name every command, chart id and URL
parameter the code has, and every relative link resolves."""
import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from tests.helpers import ROOT

README = ROOT / "README.md"
LIMIT = 12 * 1024
# The pages cog writes into (the Makefile's `docs` target finds them the same way).
PAGES = sorted([README, ROOT / "CONTRIBUTING.md", *(ROOT / "docs").rglob("*.md")])
COG_BLOCK = re.compile(r"\[\[\[cog.*?\[\[\[end\]\]\]", re.S)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _hand_written(path: Path) -> str:
    """The page without what cog generates into it."""
    return COG_BLOCK.sub("", _text(path))


HAND_WRITTEN = "\n".join(_hand_written(p) for p in PAGES if "reference" not in p.parts)


@pytest.mark.slow
def test_no_generated_page_is_stale():
    """`cog --check` over every page with a cog block, in a process whose environment sets none of
    settings.py's variables (the pages show the defaults)."""
    cogged = [p for p in PAGES if "[[[cog" in _text(p)]
    assert {ROOT / "docs" / "reference" / f"{name}.md" for name in
            ("schema", "tables", "formats", "indicators", "cli", "settings")} <= set(cogged)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DASHBOARD_", "ETL_"))}
    out = subprocess.run([sys.executable, "-m", "cogapp", "--check", "--verbosity=1", "-I", ".",
                          *(str(p.relative_to(ROOT)) for p in cogged)],
                         cwd=ROOT, capture_output=True, text=True, env=env)
    stale = re.findall(r"^Checking (\S+)\s+\(changed\)", out.stdout, re.M)
    assert not stale, "\n".join(f"{page} is stale: run `make docs`" for page in stale)
    assert out.returncode == 0, out.stdout + out.stderr


def test_make_docs_writes_every_page_the_test_checks():
    makefile = _text(ROOT / "Makefile")
    assert "\ndocs:" in makefile and "cog -r -I ." in makefile
    assert "README.md CONTRIBUTING.md docs" in makefile


def test_the_readme_is_a_front_door_under_12_kb():
    size = len(README.read_bytes())
    assert size <= LIMIT, (f"README.md is {size:,} bytes, over {LIMIT:,}: move the detail into a "
                           "page of docs/ and link it.")


def test_the_readme_keeps_the_two_commands_and_its_screenshot():
    readme, makefile = _text(README), _text(ROOT / "Makefile")
    assert "make run" in readme and "make test" in readme
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "\nscreenshots:" in makefile and "docs/screenshots.py" in makefile
    assert "](docs/overview.png)" in readme and "made by `make screenshots`" in readme
    assert "](map.png)" in _text(ROOT / "docs" / "pages.md")
    assert (ROOT / "docs" / "overview.png").exists() and (ROOT / "docs" / "map.png").exists()


def test_the_readme_links_every_page_of_docs():
    readme = _text(README)
    unlinked = [p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*.md")
                if f"]({p.relative_to(ROOT).as_posix()})" not in readme]
    assert unlinked == [], f"README.md does not link {unlinked}"
    assert "](CONTRIBUTING.md)" in readme and "](bench/RESULTS.md)" in readme


def _slug(heading: str) -> str:
    """GitHub's anchor of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _links(path: Path):
    """(line number, target) of every Markdown link and image outside code blocks."""
    text = re.sub(r"^```.*?^```", lambda m: "\n" * m.group(0).count("\n"), _text(path),
                  flags=re.S | re.M)
    for n, line in enumerate(text.splitlines(), 1):
        for target in re.findall(r"\]\(([^)\s]+)\)", line):
            yield n, target


def test_every_relative_link_resolves():
    broken = []
    for page in PAGES:
        for n, target in _links(page):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            dest = (page.parent / file).resolve() if file else page
            where = f"{page.relative_to(ROOT)} line {n}: ({target})"
            if not dest.exists():
                broken.append(f"{where}: no file {file}")
            elif anchor and dest.suffix == ".md" and anchor not in {
                    _slug(h) for h in re.findall(r"^#+ (.*)$", _text(dest), re.M)}:
                broken.append(f"{where}: {dest.name} has no heading #{anchor}")
    assert broken == []


@pytest.mark.parametrize("module", ["etl", "indicators", "export"])
def test_the_hand_written_pages_show_every_command(module):
    """datasette's habit: a command the docs do not explain is a command nobody finds (its
    options are in the generated docs/reference/cli.md)."""
    app = importlib.import_module(f"{module}.__main__").app
    commands = typer.main.get_command(app).commands
    missing = [c for c in commands if f"python -m {module} {c}" not in HAND_WRITTEN]
    assert commands and missing == [], f"no hand-written page explains python -m {module} {missing}"


def test_the_exports_page_names_every_chart_id():
    from figures.catalog import CHARTS

    page = _text(ROOT / "docs" / "exports.md")
    listed = page[page.index("The charts `python -m export chart` draws"):].split("<!-- [[[end]]] -->")[0]
    assert sorted(re.findall(r"^- `([a-z_]+)`", listed, re.M)) == sorted(CHARTS)


def test_the_pages_page_names_every_url_parameter():
    from dashboard.filters import URL_PARAMETERS

    page = _text(ROOT / "docs" / "pages.md")
    listed = page[page.index("The URL parameters:"):].split("\n\n")[0]
    assert [p for p in URL_PARAMETERS if f"`{p}`" not in listed and f"`{p}=" not in listed] == []


def test_the_briefing_rule_and_the_bundled_note_are_the_codes(con):
    """The wording rule is printed from indicators/significance.py; the bundled note in
    docs/exports.md is the one the code writes today (paste `python -m export brief` there again
    when the data change)."""
    from indicators import brief, overview
    from indicators.filters import Filters, default_years
    from indicators.significance import METHOD

    rule = " ".join(_text(ROOT / "docs" / "reference" / "indicators.md").split())
    assert " ".join(METHOD.split()) in rule
    exports = _text(ROOT / "docs" / "exports.md")
    f = Filters(*default_years(overview.filter_options(con)))  # the CLI's default years
    note = brief.briefing_note(con, f, brief.default_period(con, f))
    assert note.period.label == "Q4 2025"
    assert f"`python -m export brief` (the years {f.year_from}-{f.year_to} by default)" in exports
    for i, s in enumerate(note.sentences, 1):
        assert f"\n{s.text} [{i}]\n" in exports, (f"docs/exports.md: sentence {i} is not what "
                                                 f"`python -m export brief` writes: {s.text}")


def test_the_outlook_report_is_the_backtests(built, tmp_path):
    """docs/outlook.md is written by `python -m indicators outlook --backtest`, not by cog: the
    command run on the bundled data writes the same page (a few seconds of backtest)."""
    from typer.testing import CliRunner

    from indicators.__main__ import app

    written = tmp_path / "outlook.md"
    result = CliRunner().invoke(app, ["outlook", "--backtest", "--doc", str(written),
                                      "--warehouse", str(built.warehouse)])
    assert result.exit_code == 0, result.output
    assert _text(written) == _text(ROOT / "docs" / "outlook.md"), (
        "docs/outlook.md is stale: run `.venv/bin/python -m indicators outlook --backtest`")


def test_the_overlap_of_the_bundled_files_is_the_builds(con):
    """docs/data-and-coverage.md's figures of probable duplicates, counted again from the build."""
    def pairs(x, y):
        return con.execute("""SELECT count(*) FROM duplicate_links WHERE list_sort([split_part(event_id,
            ':', 1), split_part(linked_event_id, ':', 1)]) = list_sort([?, ?])""", [x, y]).fetchone()[0]

    in_ucdp = con.execute("""SELECT count(DISTINCT e) FROM (
        SELECT event_id AS e FROM duplicate_links WHERE linked_event_id LIKE 'ucdp:%'
        UNION ALL SELECT linked_event_id FROM duplicate_links WHERE event_id LIKE 'ucdp:%')
        WHERE e LIKE 'pk_suicide_attacks:%'""").fetchone()[0]
    suicide = con.execute("SELECT count(*) FROM events WHERE dataset = 'pk_suicide_attacks'").fetchone()[0]
    secondary = con.execute("SELECT count(*) FROM events WHERE is_secondary").fetchone()[0]
    clusters = con.execute("SELECT count(DISTINCT cluster_id) FROM duplicate_links").fetchone()[0]
    times = lambda n: "once" if n == 1 else f"{n} times"
    page = " ".join(_text(ROOT / "docs" / "data-and-coverage.md").split())
    expected = [f"share {pairs('pk_suicide_attacks', 'ucdp')} linked pairs ({in_ucdp} of the {suicide} "
                "suicide attacks are in UCDP",
                f"the curated file links {times(pairs('curated', 'ucdp'))} to UCDP, "
                f"{times(pairs('curated', 'pk_suicide_attacks'))} to the suicide-attack file and "
                f"{times(pairs('curated', 'ucdp_candidate'))} to the Candidate release",
                f"{secondary} events in {clusters} clusters count only through their cluster"]
    assert [e for e in expected if e not in page] == [], "docs/data-and-coverage.md: the overlap changed"
