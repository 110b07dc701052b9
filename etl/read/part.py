"""What a reader hands the adapters: some data rows of a file as text cells (`Part`)."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LINE = "_line"  # the column of each row's line in the file (1 = the header)
EXTRA = "_extra"  # the column of the fields beyond the header, '' for none (the csv module's reads)


@dataclass(frozen=True)
class Part:
    """Data rows of a file: `frame` holds their cells as text (stripped, '' for blank) under the
    lower-case header, their line (LINE) and, when the csv module read them, their fields beyond
    the header (EXTRA). `exact_text`: the cells are the file's text, no byte replaced (DuckDB reads
    only valid UTF-8). `read`: (the file's lines read up to the part's end, the file's lines), when
    the reader counted them."""
    frame: pd.DataFrame
    exact_text: bool = False
    read: tuple[int, int] | None = None
