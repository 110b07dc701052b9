"""The README says what the code does: its schema and indicator tables come from the code."""
from etl.schema import CATEGORIES, describe_markdown
from indicators.registry import methods_markdown
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


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


def test_readme_states_the_briefing_rule_and_the_bundled_note(con):
    """The wording rule is printed from indicators/significance.py; the bundled note is the one the
    code writes today (rewrite the README's block with `python -m export brief` when data change)."""
    from indicators import brief
    from indicators.filters import Filters
    from indicators.significance import METHOD

    assert " ".join(METHOD.split()) in " ".join(README.split())
    f = Filters(2014, 2019)  # the CLI's default years
    note = brief.briefing_note(con, f, brief.default_period(con, f))
    assert note.period.label == "Q4 2018"
    for i, s in enumerate(note.sentences, 1):
        assert f"\n{s.text} [{i}]\n" in README
