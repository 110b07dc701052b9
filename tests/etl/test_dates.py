import datetime as dt

import pytest

from etl.dates import parse_date


@pytest.mark.parametrize("text, expected", [
    ("2017-02-16", dt.date(2017, 2, 16)),
    ("11/19/1995", dt.date(1995, 11, 19)),
    ("Friday, June 18, 2004", dt.date(2004, 6, 18)),
    ("Sunday-November 19-1995", dt.date(1995, 11, 19)),
    ("Sturday-Nov-26-2016", dt.date(2016, 11, 26)),  # typo of the original Kaggle release
    ("16 May 2025", dt.date(2025, 5, 16)),
    ("2016-01", dt.date(2016, 1, 1)),
    ("2015", dt.date(2015, 1, 1)),
])
def test_parses_the_styles_real_files_use(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2017-13-01", "31/31/2010", "yesterday", ""])
def test_names_the_expected_styles_when_it_cannot_parse(text):
    with pytest.raises(ValueError, match=r"is not a date \(expected YYYY-MM-DD"):
        parse_date(text)
