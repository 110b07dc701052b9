"""District population (2017 census) joined to the district layer, for rates per 100,000 people.

Census districts are matched to the layer by normalised name and the aliases in
data/reference/place_aliases.csv; several census districts of one layer district (Karachi's six)
are summed. A census district that matches no district of the layer (for example after another
boundary layer was loaded) is not dropped silently: the build reports it, and the districts
without a census figure show "no data" in every rate.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl import geo

CENSUS_FILE = "population/pak_districts_census2017_provisional.csv"
SOURCE = "Pakistan Bureau of Statistics, 6th Population and Housing Census 2017 (provisional results)"


def load_population(data_dir: Path, districts: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """(one row per layer district with census figures, notes on what could not be joined).
    Columns: district_id, pop_2017, pop_1998, census_districts (the census names summed), source."""
    path = data_dir / CENSUS_FILE
    empty = pd.DataFrame({"district_id": pd.Series(dtype=str), "pop_2017": pd.Series(dtype="int64"),
                          "pop_1998": pd.Series(dtype="Int64"), "census_districts": pd.Series(dtype=str),
                          "source": pd.Series(dtype=str)})
    if not path.exists():
        return empty, [f"{CENSUS_FILE} is missing: rates per 100,000 show no data"]
    census = pd.read_csv(path, dtype={"district": str})
    rows, unmatched = [], []
    for line, row in enumerate(census.itertuples(), start=2):
        district = geo.match_district(row.district, "PAK", districts)
        if district is None:
            unmatched.append(f"line {line}: district={row.district!r}")
            continue
        rows.append({"district_id": district["district_id"], "pop_2017": int(row.pop_2017),
                     "pop_1998": None if pd.isna(row.pop_1998) else int(row.pop_1998),
                     "census_district": row.district})
    notes = []
    if unmatched:
        notes.append(f"{CENSUS_FILE}: {len(unmatched)} census districts match no district of the layer "
                     f"({'; '.join(unmatched[:5])}{'; ...' if len(unmatched) > 5 else ''}); their "
                     f"population is not used. Add them to data/reference/place_aliases.csv as "
                     f"'district,<census name>,<layer name>'.")
    if not rows:
        return empty, notes
    frame = pd.DataFrame(rows)
    out = frame.groupby("district_id", as_index=False).agg(
        pop_2017=("pop_2017", "sum"), pop_1998=("pop_1998", lambda s: s.sum(min_count=len(s))),
        census_districts=("census_district", lambda s: ", ".join(sorted(s))))
    out["source"] = SOURCE
    return out, notes
