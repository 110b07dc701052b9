"""The README says what the code does: its schema and indicator tables come from the code, and it
names every chart id, URL parameter and command."""
import importlib
import re

import pytest
import typer

from contract.schema import CATEGORIES, describe_markdown
from indicators.registry import methods_markdown
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_registered_format():
    """etl/sources/registry.py is the one list of formats; the README's table is made from it."""
    from etl.sources.registry import FORMATS, formats_markdown

    assert formats_markdown() in README
    assert all(f"| `{name}` |" in README for name in FORMATS)


def test_readme_schema_table_is_the_schema():
    assert describe_markdown() in README


def test_readme_lists_every_category_and_indicator_with_its_formula():
    for category, definition in CATEGORIES.items():
        assert f"| `{category}` | {definition} |" in README
    assert methods_markdown() in README


def test_readme_commands_exist_in_the_makefile():
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in README and "make test" in README
    assert "\nrun:" in makefile and "\ntest:" in makefile


def test_readme_names_every_chart_id():
    from export.catalog import CHARTS

    listed = README[README.index("Chart ids:"):].split("\n\n")[0]
    assert sorted(re.findall(r"`([a-z_]+)`", listed)) == sorted(CHARTS)


def test_readme_names_every_url_parameter():
    from dashboard.filters import URL_PARAMETERS

    listed = README[README.index("The URL parameters:"):].split("\n\n")[0]
    assert [p for p in URL_PARAMETERS if f"`{p}`" not in listed and f"`{p}=" not in listed] == []


@pytest.mark.parametrize("module", ["etl", "indicators", "export"])
def test_readme_shows_every_command_of_the_command_lines(module):
    """datasette's habit: a command the README does not show is a command nobody finds."""
    app = importlib.import_module(f"{module}.__main__").app
    commands = typer.main.get_command(app).commands
    assert commands and [c for c in commands if f"python -m {module} {c}" not in README] == []


def test_readme_screenshots_come_from_make_screenshots():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nscreenshots:" in makefile and "docs/screenshots.py" in makefile
    for picture in ("docs/overview.png", "docs/map.png"):
        assert f"]({picture})" in README and (ROOT / picture).exists()
    assert "made by `make screenshots`" in README and "made by the browser test" not in README


def test_readme_states_the_briefing_rule_and_the_bundled_note(con):
    """The wording rule is printed from indicators/significance.py; the bundled note is the one the
    code writes today (rewrite the README's block with `python -m export brief` when data change)."""
    from indicators import brief
    from indicators import overview
    from indicators.filters import Filters, default_years
    from indicators.significance import METHOD

    assert " ".join(METHOD.split()) in " ".join(README.split())
    f = Filters(*default_years(overview.filter_options(con)))  # the CLI's default years
    note = brief.briefing_note(con, f, brief.default_period(con, f))
    assert note.period.label == "Q4 2025"
    assert f"`python -m export brief` (the years {f.year_from}-{f.year_to} by default)" in README
    for i, s in enumerate(note.sentences, 1):
        assert f"\n{s.text} [{i}]\n" in README
