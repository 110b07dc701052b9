"""District population (2017 census) joined to the district layer, for rates per 100,000 people.

Census districts are matched to the layer by normalised name and the aliases in
data/reference/place_aliases.csv; several census districts of one layer district (Karachi's six)
are summed. A census district that matches nothing stops the build: silently dropping people would
make every rate wrong.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl import geo

CENSUS_FILE = "population/pak_districts_census2017_provisional.csv"
SOURCE = "Pakistan Bureau of Statistics, 6th Population and Housing Census 2017 (provisional results)"


def load_population(data_dir: Path, districts: pd.DataFrame) -> pd.DataFrame:
    """One row per layer district with census figures. Columns: district_id, pop_2017, pop_1998,
    census_districts (the census names summed), source."""
    path = data_dir / CENSUS_FILE
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
    if unmatched:
        raise ValueError(f"{path.name}: {len(unmatched)} census districts match no district of the "
                         f"layer ({'; '.join(unmatched[:5])}); add them to "
                         f"data/reference/place_aliases.csv as 'district,<census name>,<layer name>'.")
    frame = pd.DataFrame(rows)
    out = frame.groupby("district_id", as_index=False).agg(
        pop_2017=("pop_2017", "sum"), pop_1998=("pop_1998", lambda s: s.sum(min_count=len(s))),
        census_districts=("census_district", lambda s: ", ".join(sorted(s))))
    out["source"] = SOURCE
    if out["pop_2017"].sum() != census["pop_2017"].sum():  # pragma: no cover - a bug guard
        raise ValueError(f"{path.name}: population lost while joining to districts")
    return out
