"""Make the boundary-layer fixtures in tests/data/boundaries/ from the bundled Pakistan layer.

Run from the project root: .venv/bin/python tests/data/make_boundary_fixtures.py

- pak_districts_3857.geojson: the bundled districts, simplified (0.01 deg), reprojected to
  EPSG:3857 (Web Mercator, metres), names upper-cased under other field names (DIST_NAME,
  PROV_NAME), and the district of Islamabad replaced by a self-intersecting "bow-tie" polygon
  over its bounding box (invalid: make_valid must turn it into two triangles).
- pak_provinces_3857.geojson: the same districts dissolved by province (field PROV), EPSG:3857.
- no_crs_shapefile.zip: three districts as a zipped shapefile without its .prj (no CRS).
- metres_as_geojson.geojson: a GeoJSON whose coordinates are metres but that names no CRS
  (GeoJSON then means EPSG:4326): must be refused.
- points.geojson: district centroids (not a polygon layer).
- not_a_layer.geojson: text that is not GeoJSON.
- pak_districts.topojson: the simplified districts in degrees as TopoJSON (one arc per ring, no
  quantisation), which names no CRS: TopoJSON coordinates are longitude/latitude by definition,
  so it must load as EPSG:4326 with a note.
"""
import json
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "boundaries"


def main() -> None:
    OUT.mkdir(exist_ok=True)
    src = gpd.read_file(ROOT / "data" / "raw" / "boundaries" / "pak_districts_2015.geojson")
    src["geometry"] = src.geometry.make_valid().simplify(0.01, preserve_topology=True)
    layer = gpd.GeoDataFrame({"DIST_NAME": src["districts"].str.strip().str.upper(),
                              "PROV_NAME": src["province_territory"]}, geometry=src.geometry, crs=4326)
    isb = layer.index[layer["DIST_NAME"] == "ISLAMABAD"][0]
    x0, y0, x1, y1 = layer.geometry[isb].bounds
    layer.loc[isb, "geometry"] = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    metric = layer.to_crs(3857)
    metric["geometry"] = shapely.set_precision(metric.geometry.values, 1.0, mode="pointwise")
    metric.to_file(OUT / "pak_districts_3857.geojson", driver="GeoJSON")

    provinces = layer.drop(index=isb).rename(columns={"PROV_NAME": "PROV"})[["PROV", "geometry"]]
    provinces = provinces.dissolve("PROV", as_index=False).to_crs(3857)
    provinces["geometry"] = shapely.set_precision(provinces.geometry.values, 1.0)
    provinces.to_file(OUT / "pak_provinces_3857.geojson", driver="GeoJSON")

    few = metric.iloc[:3].copy()
    with tempfile.TemporaryDirectory() as tmp:
        few.set_crs(None, allow_override=True).to_file(Path(tmp) / "districts.shp")
        with zipfile.ZipFile(OUT / "no_crs_shapefile.zip", "w") as archive:
            for part in sorted(Path(tmp).glob("districts.*")):
                if part.suffix != ".prj":
                    archive.write(part, part.name)

    features = json.loads(few.to_json(drop_id=True))
    features.pop("crs", None)
    (OUT / "metres_as_geojson.geojson").write_text(json.dumps(features))
    points = layer.iloc[:5].copy()
    points["geometry"] = points.geometry.representative_point()
    points.to_file(OUT / "points.geojson", driver="GeoJSON")
    (OUT / "not_a_layer.geojson").write_text("district,province\nPeshawar,KP\n")
    write_topojson(layer.drop(index=isb), OUT / "pak_districts.topojson")


def write_topojson(layer: gpd.GeoDataFrame, path: Path) -> None:
    """The simplest valid TopoJSON: every ring its own arc, coordinates rounded to 1e-4 degrees."""
    arcs, geometries = [], []
    for name, province, geom in zip(layer["DIST_NAME"], layer["PROV_NAME"], layer.geometry):
        polygons = []
        for polygon in getattr(geom, "geoms", [geom]):
            rings = []
            for ring in [polygon.exterior, *polygon.interiors]:
                arcs.append([[round(x, 4), round(y, 4)] for x, y in ring.coords])
                rings.append([len(arcs) - 1])
            polygons.append(rings)
        geometries.append({"type": "MultiPolygon", "arcs": polygons,
                           "properties": {"DIST_NAME": name, "PROV_NAME": province}})
    path.write_text(json.dumps({"type": "Topology", "arcs": arcs, "objects": {
        "districts": {"type": "GeometryCollection", "geometries": geometries}}}))


if __name__ == "__main__":
    main()
