"""What the two Kaggle files (Usmani's suicide-attack and drone-strike files) share: a figure given
as Min and Max columns."""
from __future__ import annotations

import pandas as pd

from etl import schema
from etl.sources.cells import Cells


def min_max(c: Cells, low_column: str, high_column: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(headline, low, high) of a Min/Max pair. The headline is the maximum (the figure the file's
    author gives as its toll), else the minimum when only that is given; low and high are kept
    only when both are given. A pair written the wrong way round (min > max) is swapped, with a
    quality flag."""
    low, high = c.counts(low_column), c.counts(high_column)
    swapped = low > high
    c.flag(swapped, low_column, schema.figures(low) + " > " + schema.figures(high),
           lambda v: f"{low_column} > {high_column} ({v}): swapped")
    low, high = low.where(~swapped, high), high.where(~swapped, low)
    both = low.notna() & high.notna()
    return high.where(high.notna(), low), low.where(both), high.where(both)
