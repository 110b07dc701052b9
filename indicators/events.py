"""The events table: full-text search, sorting and pages computed in SQL (LIMIT/OFFSET), so a
page reads only the rows it shows, whatever the number of events."""
from __future__ import annotations

import duckdb
import pandas as pd

from indicators import library
from indicators.filters import Filters

# Columns a user can show, in the table's order (fixed names, never user text in SQL).
COLUMNS = ("event_date", "date_precision", "category", "location", "admin2", "admin1", "country",
           "geo_precision", "actor", "actor_group", "target", "fatalities", "injured", "description",
           "source_name", "source_title", "source_url", "source_date", "dataset", "event_id")
DEFAULT_COLUMNS = ("event_date", "date_precision", "category", "location", "admin2", "admin1",
                   "geo_precision", "actor", "fatalities", "injured", "description", "source_name",
                   "source_url")
SORTS = {"date": "event_date", "fatalities": "fatalities", "injured": "injured", "place":
         "coalesce(location, admin2, admin1)", "district": "admin2", "province": "admin1",
         "category": "category", "actor": "actor", "source": "source_name"}
# The text searched: description, place, actor and source.
SEARCHED = ("description", "location", "admin2", "admin1", "actor", "actor_group", "source_name",
            "source_title")
_HAYSTACK = " || ' ' || ".join(f"coalesce({c}, '')" for c in SEARCHED)


def search_where(f: Filters, text: str = "") -> tuple[str, list]:
    """The filters' condition plus one ILIKE per word of `text` (every word must appear in the
    description, place, actor or source; % and _ are matched literally)."""
    where, params = f.where()
    for word in text.split()[:10]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where += f" AND ({_HAYSTACK}) ILIKE ? ESCAPE '\\'"
        params.append(f"%{escaped}%")
    return where, params


def event_count(con: duckdb.DuckDBPyConnection, f: Filters, text: str = "") -> int:
    """Number of filtered events matching the search text."""
    where, params = search_where(f, text)
    return con.execute(f"SELECT count(*) FROM events WHERE {where}", params).fetchone()[0]


def event_page(con: duckdb.DuckDBPyConnection, f: Filters, text: str = "", sort: str = "date",
               descending: bool = True, page: int = 1, page_size: int = 50,
               columns: tuple[str, ...] = DEFAULT_COLUMNS) -> pd.DataFrame:
    """One page (1-based) of the filtered events matching the search text, sorted by `sort` (a key
    of SORTS; unknown values are refused), ties broken by event_id. Columns: `columns` (from
    COLUMNS) in that order."""
    if sort not in SORTS:
        raise ValueError(f"sort={sort!r}: expected one of {', '.join(SORTS)}")
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not columns:
        raise ValueError(f"columns {unknown}: expected some of {', '.join(COLUMNS)}")
    where, params = search_where(f, text)
    if sort == "date" and not text.split():  # (the cube cannot count a search)
        bound, bound_params = library.date_bound(con, f, max(int(page), 1) * int(page_size), descending)
        where, params = f"{where} AND {bound}", params + bound_params
    order = f"{SORTS[sort]} {'DESC' if descending else 'ASC'} NULLS LAST, event_id"
    return con.execute(
        f"SELECT {', '.join(columns)} FROM events WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
        params + [int(page_size), (max(int(page), 1) - 1) * int(page_size)]).df()


def event_by_id(con: duckdb.DuckDBPyConnection, event_id: str,
                columns: tuple[str, ...] = DEFAULT_COLUMNS) -> pd.DataFrame:
    """The one event with this id (an empty frame if there is none). Columns: `columns`."""
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown or not columns:
        raise ValueError(f"columns {unknown}: expected some of {', '.join(COLUMNS)}")
    return con.execute(f"SELECT {', '.join(columns)} FROM events WHERE event_id = ?", [event_id]).df()
