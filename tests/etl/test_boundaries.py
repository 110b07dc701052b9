"""`python -m etl boundaries`: another layer in place of the bundled one, run as a user runs it.

Fixtures in tests/data/boundaries/ are made by tests/data/make_boundary_fixtures.py from the
bundled Pakistan layer (EPSG:3857, other field names, a bow-tie polygon; and broken layers)."""
import shutil
import subprocess
import sys

import duckdb
import pytest
import shapely

from tests.helpers import DATA, FIXTURES, ROOT

pytestmark = pytest.mark.slow  # each test builds through the command line

LAYERS = FIXTURES / "boundaries"


@pytest.fixture()
def layer_dir(tmp_path):
    """A copy of the project's data/ (without a warehouse) that the command may change."""
    out = tmp_path / "data"
    shutil.copytree(DATA / "raw", out / "raw")
    shutil.copytree(DATA / "reference", out / "reference")
    shutil.copytree(DATA / "population", out / "population")
    return out


def etl(*args, layer_dir):
    return subprocess.run([sys.executable, "-m", "etl", *map(str, args), "--data-dir", str(layer_dir),
                           "--out", str(layer_dir / "warehouse.duckdb")],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def query(layer_dir, sql, params=()):
    con = duckdb.connect(str(layer_dir / "warehouse.duckdb"), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_a_district_layer_with_other_names_crs_and_a_bow_tie_replaces_the_bundled_one(layer_dir, con):
    run = etl("boundaries", LAYERS / "pak_districts_3857.geojson", "--level", "district",
              "--name-field", "DIST_NAME", "--parent-field", "PROV_NAME", layer_dir=layer_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Rebuilt warehouse.duckdb" in run.stdout
    registry = (layer_dir / "raw" / "boundaries" / "layers.csv").read_text()
    assert "PAK,district,user_pak_district_pak_districts_3857.geojson,DIST_NAME,PROV_NAME" in registry
    assert (layer_dir / "raw" / "boundaries" / "user_pak_district_pak_districts_3857.geojson").exists()

    # Pakistan's districts are the new layer's (upper-case names), Afghanistan's are unchanged.
    names = dict(query(layer_dir, "SELECT country, count(*) FROM districts GROUP BY 1"))
    assert names == {"PAK": 148, "AFG": 398}
    assert query(layer_dir, "SELECT admin1 FROM districts WHERE admin2 = 'PESHAWAR'") == [("Khyber Pakhtunkhwa",)]
    # The bow-tie was repaired into two triangles, and is in EPSG:4326 now.
    wkb, lat = query(layer_dir, "SELECT geometry_wkb, centroid_lat FROM districts WHERE admin2 = 'ISLAMABAD'")[0]
    shape = shapely.from_wkb(bytes(wkb))
    assert shape.is_valid and shape.geom_type == "MultiPolygon" and 33 < lat < 34
    # Events are placed again, in the new districts.
    before = con.execute("SELECT count(*) FROM events WHERE district_id = 'PAK-peshawar'").fetchone()[0]
    after = query(layer_dir, "SELECT count(*), min(admin2) FROM events WHERE district_id = 'PAK-peshawar'")[0]
    assert after == (before, "PESHAWAR")
    placed = con.execute("SELECT count(*) FROM events WHERE district_id IS NOT NULL").fetchone()[0]
    assert query(layer_dir, "SELECT count(*) FROM events WHERE district_id IS NOT NULL")[0][0] == placed

    # A plain build keeps using the registered layer; --bundled goes back.
    version = query(layer_dir, "SELECT value FROM meta WHERE key = 'version'")[0][0]
    assert etl("build", layer_dir=layer_dir).returncode == 0
    assert query(layer_dir, "SELECT value FROM meta WHERE key = 'version'")[0][0] == version
    assert query(layer_dir, "SELECT count(*) FROM districts WHERE admin2 = 'PESHAWAR'") == [(1,)]
    back = etl("boundaries", "--bundled", "--country", "PAK", "--level", "district", layer_dir=layer_dir)
    assert back.returncode == 0, back.stdout + back.stderr
    assert query(layer_dir, "SELECT count(*) FROM districts WHERE admin2 = 'Peshawar'") == [(1,)]
    assert not (layer_dir / "raw" / "boundaries" / "layers.csv").exists()


def test_a_province_layer_replaces_the_dissolved_provinces_and_the_country_is_guessed(layer_dir):
    run = etl("boundaries", LAYERS / "pak_provinces_3857.geojson", "--level", "province",
              "--name-field", "PROV", layer_dir=layer_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "province layer for PAK" in " ".join(run.stderr.split())  # no --country: guessed from where it lies
    provinces = [r[0] for r in query(layer_dir, "SELECT province_id FROM provinces WHERE country = 'PAK' ORDER BY 1")]
    # The fixture has no Islamabad: its events are left off the province map (and listed there).
    assert "PAK-islamabad-capital-territory" not in provinces and "PAK-sindh" in provinces
    assert "PAK-azad-jammu-and-kashmir" in provinces  # 'Azad Jammu & Kashmir' normalised


@pytest.mark.parametrize("layer, args, message", [
    ("pak_districts_3857.geojson", ["--name-field", "NAME"],
     "has no field 'NAME' (given as --name-field); its fields are: DIST_NAME, PROV_NAME"),
    ("pak_districts_3857.geojson", ["--name-field", "DIST_NAME", "--parent-field", "PROVINCE"],
     "has no field 'PROVINCE' (given as --parent-field)"),
    ("no_crs_shapefile.zip", ["--name-field", "DIST_NAME"], "has no CRS"),
    ("metres_as_geojson.geojson", ["--name-field", "DIST_NAME"], "are not longitudes and latitudes"),
    ("points.geojson", ["--name-field", "DIST_NAME"], "is not a polygon layer (geometry types: Point)"),
    ("not_a_layer.geojson", ["--name-field", "DIST_NAME"], "cannot be read as a boundary layer"),
    ("missing.geojson", ["--name-field", "DIST_NAME"], "no such file"),
    ("pak_districts_3857.geojson", ["--name-field", "DIST_NAME", "--country", "IND"],
     "--country 'IND': expected one of PAK, AFG"),
])
def test_a_bad_layer_is_refused_with_what_to_fix_and_nothing_changes(layer_dir, layer, args, message):
    before = sorted(p.name for p in (layer_dir / "raw" / "boundaries").iterdir())
    run = etl("boundaries", LAYERS / layer, "--level", "district", *args, layer_dir=layer_dir)
    assert run.returncode == 1
    text = " ".join((run.stdout + run.stderr).split())
    assert layer in text and message in text and "Boundaries not changed" in text
    assert sorted(p.name for p in (layer_dir / "raw" / "boundaries").iterdir()) == before
    assert not (layer_dir / "warehouse.duckdb").exists()


def test_a_topojson_layer_without_a_crs_in_degrees_is_read_as_epsg_4326_with_a_note(layer_dir):
    """TopoJSON (and GeoJSON) coordinates are longitude/latitude by definition: a real district
    layer in TopoJSON names no CRS and must load, saying how it was read (a shapefile without
    .prj is still refused: see test_a_bad_layer_is_refused...)."""
    run = etl("boundaries", LAYERS / "pak_districts.topojson", "--level", "district",
              "--name-field", "DIST_NAME", "--parent-field", "PROV_NAME", "--country", "PAK",
              layer_dir=layer_dir)
    assert run.returncode == 0, run.stdout + run.stderr
    assert ("Note: pak_districts.topojson: names no CRS; as a GeoJSON/TopoJSON file its "
            "coordinates are longitudes and latitudes, read as EPSG:4326.") in " ".join(run.stderr.split())
    assert query(layer_dir, "SELECT count(*) FROM districts WHERE country = 'PAK'") == [(147,)]
    assert query(layer_dir, "SELECT admin1 FROM districts WHERE admin2 = 'PESHAWAR'") == [("Khyber Pakhtunkhwa",)]
