"""etl/yardsticks.py: a row that cannot load stops the build with its line and what to do."""
import shutil

import pytest

from etl import reference, yardsticks
from tests.helpers import DATA


def _copy(tmp_path, edit):
    target = tmp_path / yardsticks.FILE
    target.parent.mkdir(parents=True)
    lines = (DATA / yardsticks.FILE).read_text(encoding="utf-8").splitlines(keepends=True)
    target.write_text("".join(edit(lines)), encoding="utf-8")
    return tmp_path


def test_a_value_that_is_not_a_number_names_its_line(tmp_path):
    data = _copy(tmp_path, lambda lines: lines[:1] + [lines[1].replace(",4505,", ",about 4500,")] + lines[2:])
    with reference.using(DATA / "reference"), pytest.raises(yardsticks.YardstickError) as err:
        yardsticks.load(data)
    assert str(err.value).startswith(f"{yardsticks.FILE} line 2: value='about 4500'")


def test_a_measure_without_a_definition_says_where_to_add_it(tmp_path):
    data = _copy(tmp_path, lambda lines: lines[:1] + [lines[1].replace(",deaths,", ",wounded,", 1)] + lines[2:])
    with reference.using(DATA / "reference"), pytest.raises(yardsticks.YardstickError,
                                                           match="line 2: publisher='IEP GTI' and "
                                                                 "measure='wounded' have no line in "
                                                                 "data/reference/yardstick_measures.csv"):
        yardsticks.load(data)


def test_without_the_file_the_table_is_empty(tmp_path):
    assert yardsticks.load(tmp_path).empty
