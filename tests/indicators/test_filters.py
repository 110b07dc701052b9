"""Filter values are checked once (indicators.filters) for the URL, `python -m indicators` and
`python -m export`: an unknown value gets the closest valid one and the list of valid ones."""
import subprocess
import sys

import pytest

from indicators import overview
from indicators.filters import SHOWN_VALID, check_values, parse_years, unknown_value
from tests.helpers import ROOT


def test_known_values_pass_and_unknown_ones_get_a_message(con):
    options = overview.filter_options(con)
    good, errors = check_values(options, "provinces", ["Punjab", "sindh", "Sindhh"])
    assert good == ["Punjab", "Sindh"]
    provinces = options["provinces"]  # Pakistan's and Afghanistan's: more than are shown
    assert errors == [f"Unknown province 'Sindhh'. Did you mean 'Sindh'? Valid: "
                      f"{', '.join(provinces[:SHOWN_VALID])} and {len(provinces) - SHOWN_VALID} more."]
    assert check_values(options, "countries", ["Pakistan", "AFG"]) == (["PAK", "AFG"], [])


def test_districts_by_name_or_id_come_back_as_ids(con):
    options = overview.filter_options(con)
    assert check_values(options, "districts", ["Quetta", "PAK-mastung", "quetta"]) == \
        (["PAK-quetta", "PAK-mastung"], [])
    _, [error] = check_values(options, "districts", ["Mastnug"])
    assert error.startswith("Unknown district 'Mastnug'. Did you mean 'Mastung'? Valid: ")
    assert error.endswith(f" and {options['districts']['admin2'].nunique() - SHOWN_VALID} more.")


def test_no_suggestion_when_nothing_is_close():
    assert unknown_value("category", "zzz", ["attack", "propaganda"]) == \
        "Unknown category 'zzz'. Valid: attack, propaganda."


def test_years():
    assert parse_years("2014-2017") == (2014, 2017) and parse_years(" 2016 ") == (2016, 2016)
    with pytest.raises(ValueError, match="the first year is after the last"):
        parse_years("2017-2014")
    with pytest.raises(ValueError, match="expected YYYY or YYYY-YYYY"):
        parse_years("14-17")


def test_the_export_cli_checks_the_same_way(built, tmp_path):
    out = subprocess.run([sys.executable, "-m", "export", "data", "-o", str(tmp_path / "e.csv"),
                          "--province", "Sindhh", "--warehouse", str(built.warehouse)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1 and "Unknown province 'Sindhh'. Did you mean 'Sindh'?" in out.stderr
    assert not (tmp_path / "e.csv").exists()
