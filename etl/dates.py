"""Parse the date styles real event files use into datetime.date."""
from __future__ import annotations

import datetime as dt
import re

EXPECTED = ("YYYY-MM-DD, M/D/YYYY, 'Friday, June 18, 2004', 'Sunday-November 19-1995', "
            "'Friday-Jan 29-2016' or '17 January 2017'")

_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%B %d, %Y", "%b %d, %Y", "%B %d-%Y", "%b %d-%Y", "%b-%d-%Y",
            "%B-%d-%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%dT%H:%M:%S",
            "%Y-%m", "%Y")  # month or year only: the first day; the caller records the precision
# A leading weekday, including the typos of the original Kaggle releases ("Sturday").
_WEEKDAY = re.compile(r"^\s*[A-Za-z]{2,}day\s*[,\-]\s*", re.IGNORECASE)


def parse_date(text: str) -> dt.date:
    """Return the date written in `text`; raise ValueError naming the expected styles."""
    cleaned = _WEEKDAY.sub("", str(text).strip())
    cleaned = re.sub(r"\s+", " ", cleaned)
    for fmt in _FORMATS:
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (expected {EXPECTED})")
