"""Boundary layers are data: the bundled districts, layers a user loads in their place, and the
provinces made from them (dissolved at build time, so pages never do geometry work).

`data/raw/boundaries/layers.csv` records each layer loaded with `python -m etl boundaries`
(country, level, file, name_field, parent_field, original, loaded_at); a build uses a registered
layer in place of the bundled one for that country and level. Without a registered province layer,
a country's provinces are its districts dissolved by `admin1`; a country whose districts carry no
province (the bundled Afghan layer) becomes a single country-wide unit.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import warnings
from pathlib import Path

import duckdb
import geopandas as gpd
import pandas as pd
import shapely

from etl import geo
from contract.schema import COUNTRY_NAMES
from etl.geo import GeoError, key, normalise_province
from contract.schema import COUNTRIES

REGISTRY = "layers.csv"
REGISTRY_FIELDS = ("country", "level", "file", "name_field", "parent_field", "original", "loaded_at",
                   "notes")
LEVELS = ("district", "province")
PROVINCE_COLUMNS = ["province_id", "country", "admin1", "name", "geometry"]


def read_layer(path: Path, name_field: str, parent_field: str | None = None) -> gpd.GeoDataFrame:
    """A polygon layer in EPSG:4326 with valid geometries, or a GeoError saying what to fix."""
    path = Path(path)
    if not path.exists():
        raise GeoError(f"{path}: no such file.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # GDAL notes; errors still raise
            layer = gpd.read_file(path)
    except Exception as err:  # pyogrio raises several types for unreadable files
        raise GeoError(f"{path}: cannot be read as a boundary layer ({str(err).splitlines()[0]}). "
                       f"Give a GeoJSON, GeoPackage or zipped shapefile.") from None
    fields = [c for c in layer.columns if c != "geometry"]
    for flag, field in (("--name-field", name_field), ("--parent-field", parent_field)):
        if field and field not in layer.columns:
            raise GeoError(f"{path}: has no field {field!r} (given as {flag}); its fields are: "
                           f"{', '.join(fields) or 'none'}. Run again with one of them.")
    if layer.empty:
        raise GeoError(f"{path}: has no features.")
    kinds = set(layer.geometry.dropna().geom_type)
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        raise GeoError(f"{path}: is not a polygon layer (geometry types: "
                       f"{', '.join(sorted(kinds)) or 'none'}); give the district or province "
                       f"polygons, not points or lines.")
    notes = []
    if layer.crs is None and _is_json(path):
        # GeoJSON and TopoJSON coordinates are longitude/latitude by definition (checked below)
        layer = layer.set_crs("EPSG:4326")
        notes.append(f"{path.name}: names no CRS; as a GeoJSON/TopoJSON file its coordinates are "
                     f"longitudes and latitudes, read as EPSG:4326.")
    if layer.crs is None:
        raise GeoError(f"{path}: has no CRS, so its coordinates cannot be placed. Set it in the "
                       f"file (for example `ogr2ogr -a_srs EPSG:4326 out.geojson {path.name}`) "
                       f"and load it again.")
    if layer.crs.to_epsg() != 4326:
        layer = layer.to_crs("EPSG:4326")
    minx, miny, maxx, maxy = layer.total_bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise GeoError(f"{path}: its coordinates ({minx:.0f}, {miny:.0f} ... {maxx:.0f}, {maxy:.0f}) "
                       f"are not longitudes and latitudes, but the file says (or GeoJSON assumes) "
                       f"EPSG:4326. Set the file's real CRS and load it again.")
    repaired = layer.geometry.make_valid()
    # make_valid may turn a bow-tie into a collection with stray lines: keep the polygons.
    layer["geometry"] = repaired.map(_polygons)
    empty = layer.geometry.is_empty | layer.geometry.isna()
    if empty.any():
        raise GeoError(f"{path}: feature(s) {', '.join(map(str, layer.index[empty][:5]))} have no "
                       f"area after repair; fix or remove them.")
    missing = layer[name_field].isna() | (layer[name_field].astype(str).str.strip() == "")
    if missing.any():
        raise GeoError(f"{path}: {int(missing.sum())} feature(s) have an empty {name_field!r} "
                       f"(first: feature {layer.index[missing][0]}); fill it in.")
    layer.attrs["notes"] = notes
    return layer


def _is_json(path: Path) -> bool:
    """A GeoJSON or TopoJSON file (by its first character, whatever its name)."""
    with open(path, "rb") as handle:
        return handle.read(64).lstrip()[:1] == b"{"


def _polygons(geom):
    if geom is None or geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def districts_from_layer(layer: gpd.GeoDataFrame, country: str, name_field: str,
                         parent_field: str | None = None, path: Path | str = "layer") -> gpd.GeoDataFrame:
    """A loaded layer as districts: district_id (COUNTRY-name, or COUNTRY-province-name when names
    repeat), country, admin1, admin2, geometry."""
    admin2 = layer[name_field].astype(str).str.strip()
    admin1 = layer[parent_field].map(normalise_province) if parent_field else None
    ids = country + "-" + admin2.map(lambda n: key(n).replace(" ", "-"))
    if ids.duplicated().any() and parent_field:
        ids = country + "-" + admin1.map(lambda n: key(n).replace(" ", "-")) + "-" + \
            admin2.map(lambda n: key(n).replace(" ", "-"))
    if ids.duplicated().any():
        dupes = sorted(set(admin2[ids.duplicated(keep=False)]))[:5]
        raise GeoError(f"{path}: district names repeat ({', '.join(dupes)}); give --parent-field "
                       f"(the province field) so that province + name is unique, or merge them.")
    return gpd.GeoDataFrame({"district_id": ids.values, "country": country,
                             "admin1": None if admin1 is None else admin1.values,
                             "admin2": admin2.values}, geometry=layer.geometry.values, crs="EPSG:4326")


def provinces_from_layer(layer: gpd.GeoDataFrame, country: str, name_field: str) -> gpd.GeoDataFrame:
    names = layer[name_field].map(normalise_province)
    out = gpd.GeoDataFrame({"admin1": names.values}, geometry=layer.geometry.values, crs="EPSG:4326")
    out = out.dissolve("admin1", as_index=False)  # one row per province, even if split in the file
    return _province_frame(out, country)


def dissolve_provinces(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Provinces made from districts: dissolved by admin1 where every district of a country has
    one, else one country-wide unit (admin1 null)."""
    parts = []
    for country, group in districts.groupby("country", sort=True):
        if group["admin1"].notna().all():
            parts.append(_province_frame(group[["admin1", "geometry"]].dissolve(
                "admin1", as_index=False), country))
        else:
            whole = gpd.GeoDataFrame({"admin1": [None]}, geometry=[group.geometry.union_all()],
                                     crs="EPSG:4326")
            parts.append(_province_frame(whole, country))
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")


def _province_frame(frame: gpd.GeoDataFrame, country: str) -> gpd.GeoDataFrame:
    admin1 = frame["admin1"]
    return gpd.GeoDataFrame({
        "province_id": [country if a is None else f"{country}-{key(a).replace(' ', '-')}" for a in admin1],
        "country": country,
        "admin1": admin1.values,
        "name": [f"{COUNTRY_NAMES.get(country, country)} (no province layer)" if a is None else a
                 for a in admin1],
    }, geometry=frame.geometry.values, crs="EPSG:4326")[PROVINCE_COLUMNS]


def registered(boundaries_dir: Path) -> list[dict[str, str]]:
    """The layers loaded in place of the bundled ones (rows of layers.csv), in file order."""
    path = Path(boundaries_dir) / REGISTRY
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for line, row in enumerate(rows, start=2):
        if row.get("level") not in LEVELS or row.get("country") not in COUNTRIES:
            raise GeoError(f"{path} line {line}: level={row.get('level')!r}, country="
                           f"{row.get('country')!r}; expected level in {LEVELS} and country in "
                           f"{COUNTRIES}. Fix or delete the line.")
        if not (Path(boundaries_dir) / row["file"]).exists():
            raise GeoError(f"{path} line {line}: file={row['file']!r} is missing from "
                           f"{boundaries_dir}; load the layer again or delete the line.")
    return rows


def load_district_layer(boundaries_dir: Path) -> gpd.GeoDataFrame:
    """The districts of a build: the bundled ones with every registered district layer in place
    of the bundled one for its country."""
    boundaries_dir = Path(boundaries_dir)
    districts = geo.load_districts(boundaries_dir)
    for row in [r for r in registered(boundaries_dir) if r["level"] == "district"]:
        path = boundaries_dir / row["file"]
        layer = read_layer(path, row["name_field"], row["parent_field"] or None)
        new = districts_from_layer(layer, row["country"], row["name_field"], row["parent_field"] or None, path)
        districts = gpd.GeoDataFrame(pd.concat([districts[districts["country"] != row["country"]], new],
                                               ignore_index=True), geometry="geometry", crs="EPSG:4326")
    return districts


def load_province_layer(boundaries_dir: Path, districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The provinces of a build: dissolved from `districts` (load_district_layer), with every
    registered province layer in place of them for its country."""
    boundaries_dir = Path(boundaries_dir)
    provinces = dissolve_provinces(districts)
    for row in [r for r in registered(boundaries_dir) if r["level"] == "province"]:
        layer = read_layer(boundaries_dir / row["file"], row["name_field"])
        provinces = pd.concat([provinces[provinces["country"] != row["country"]],
                               provinces_from_layer(layer, row["country"], row["name_field"])],
                              ignore_index=True)
    return gpd.GeoDataFrame(provinces, geometry="geometry", crs="EPSG:4326")


def write_provinces(warehouse: Path, provinces: gpd.GeoDataFrame) -> None:
    """Table `provinces` (province_id, country, admin1, name, area_km2, geometry_wkb,
    display_geojson) in a warehouse file being built."""
    metric = provinces.to_crs(geo.METRIC_CRS)
    table = pd.DataFrame({
        "province_id": provinces["province_id"], "country": provinces["country"],
        "admin1": provinces["admin1"], "name": provinces["name"],
        "area_km2": (metric.area / 1e6).round(1),
        "geometry_wkb": provinces.geometry.to_wkb(),
        "display_geojson": shapely.to_geojson(geo.display_geojson(provinces).geometry.values),
    })
    con = duckdb.connect(str(warehouse))
    try:
        con.register("provinces_frame", table)
        con.execute("CREATE TABLE provinces AS SELECT * FROM provinces_frame ORDER BY province_id")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def guess_country(layer: gpd.GeoDataFrame, bundled: gpd.GeoDataFrame, path: Path) -> str:
    """The country whose bundled districts hold most of the layer's features."""
    points = gpd.GeoDataFrame(geometry=layer.geometry.representative_point(), crs="EPSG:4326")
    hits = gpd.sjoin(points, bundled[["country", "geometry"]], predicate="within")
    if hits.empty:
        raise GeoError(f"{path}: lies outside Pakistan and Afghanistan; give --country PAK or AFG.")
    return hits["country"].value_counts().index[0]


def safe_name(country: str, level: str, original: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "_", original.stem.lower()).strip("_")[:40] or "layer"
    return f"user_{country.lower()}_{level}_{stem}.geojson"


def register(boundaries_dir: Path, original: Path, level: str, name_field: str,
             parent_field: str | None = None, country: str | None = None) -> dict[str, str]:
    """Check `original`, write it (EPSG:4326, repaired) into boundaries_dir under a safe name and
    record it in layers.csv in place of any earlier layer for that country and level.
    Returns the registry row. Raises GeoError before writing anything when the layer is unusable."""
    boundaries_dir, original = Path(boundaries_dir), Path(original)
    if level not in LEVELS:
        raise GeoError(f"{original}: --level {level!r}: expected one of {', '.join(LEVELS)}.")
    if country is not None and country not in COUNTRIES:
        raise GeoError(f"{original}: --country {country!r}: expected one of {', '.join(COUNTRIES)}.")
    if parent_field and level == "province":
        raise GeoError(f"{original}: --parent-field is for district layers (the province of "
                       f"each district); leave it out for a province layer.")
    layer = read_layer(original, name_field, parent_field)
    country = country or guess_country(layer, geo.load_districts(boundaries_dir), original)
    if level == "district":  # fails here, before anything is written, if names collide
        districts_from_layer(layer, country, name_field, parent_field, original)
    name = safe_name(country, level, original)
    keep = [c for c in (name_field, parent_field) if c]
    layer[keep + ["geometry"]].to_file(boundaries_dir / name, driver="GeoJSON")
    rows = [r for r in registered(boundaries_dir) if (r["country"], r["level"]) != (country, level)]
    row = {"country": country, "level": level, "file": name, "name_field": name_field,
           "parent_field": parent_field or "", "original": original.name,
           "loaded_at": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
           "notes": " ".join(layer.attrs.get("notes", []))}
    stale = {r["file"] for r in registered(boundaries_dir)} - {r["file"] for r in rows} - {name}
    write_registry(boundaries_dir, rows + [row])
    for file in stale:
        (boundaries_dir / file).unlink(missing_ok=True)
    return row


def unregister(boundaries_dir: Path, country: str, level: str) -> bool:
    """Go back to the bundled layer for that country and level; False if none was registered."""
    rows = registered(boundaries_dir)
    gone = [r for r in rows if (r["country"], r["level"]) == (country, level)]
    write_registry(boundaries_dir, [r for r in rows if r not in gone])
    for r in gone:
        (Path(boundaries_dir) / r["file"]).unlink(missing_ok=True)
    return bool(gone)


def write_registry(boundaries_dir: Path, rows: list[dict[str, str]]) -> None:
    path = Path(boundaries_dir) / REGISTRY
    if not rows:
        path.unlink(missing_ok=True)
        return
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=REGISTRY_FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def snapshot(boundaries_dir: Path) -> dict[str, bytes]:
    """The registry and the layers it names, to put back if a rebuild with a new layer fails."""
    boundaries_dir = Path(boundaries_dir)
    names = [REGISTRY] + [r["file"] for r in registered(boundaries_dir)]
    return {n: (boundaries_dir / n).read_bytes() for n in names if (boundaries_dir / n).exists()}


def restore(boundaries_dir: Path, saved: dict[str, bytes]) -> None:
    boundaries_dir = Path(boundaries_dir)
    for row in registered(boundaries_dir):
        if row["file"] not in saved:
            (boundaries_dir / row["file"]).unlink(missing_ok=True)
    (boundaries_dir / REGISTRY).unlink(missing_ok=True)
    for name, content in saved.items():
        (boundaries_dir / name).write_bytes(content)
