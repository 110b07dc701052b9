"""Every export re-opened and checked: PPTX, PDF, PNG, SVG, HTML, CSV, XLSX, GeoJSON."""
import io
import json
import subprocess
import sys

import geopandas as gpd
import openpyxl
import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from export import render, tables
from export.deck import DECK_CHARTS, build_deck
from figures import catalog
from indicators import overview, provenance
from indicators.filters import Filters
from tests.helpers import ROOT, fixture_warehouse, read_only

F = Filters(2014, 2017, provinces=("Sindh", "Balochistan"))
needs_chromium = pytest.mark.skipif(not render.chromium_available(), reason="needs Debian's chromium")


def q(con):
    return lambda fn, *args: fn(con, *args)


@pytest.mark.slow
@needs_chromium
def test_deck_pptx_has_titled_slides_pictures_and_sources_in_notes(con):
    deck = Presentation(io.BytesIO(build_deck(q(con), F, "pptx")))
    slides = list(deck.slides)
    assert len(slides) == 6 + len(DECK_CHARTS)
    texts = [" ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert slides[0].shapes.title.text.startswith("Briefing note: ")  # tests/export/test_note.py
    assert "Sindh and Balochistan, 2014-2017" in texts[1]
    assert slides[2].shapes.title.text == "Key figures"
    chart_slides = slides[3:-3]
    assert [s.shapes.title.text for s in chart_slides][:2] == ["Events per year, by category",
                                                             "Events per district, with incidents"]
    source = provenance.source_line(con, F)
    for slide in chart_slides:
        assert sum(1 for s in slide.shapes if s.shape_type == 13) == 1  # one picture
        assert source in slide.notes_slide.notes_text_frame.text
    assert slides[-1].shapes.title.text == "Sources and methods"
    assert slides[-2].shapes.title.text == "New districts per year"
    # the Outlook: the fan, the likeliest districts of the chosen provinces, the forecast's stamp
    view = slides[-3]
    assert view.shapes.title.text == "Outlook: where militant violence is likely"
    assert sum(1 for s in view.shapes if s.shape_type == 13) == 1
    lines = next(s.text_frame.text for s in view.shapes if s.has_text_frame
                 and s.text_frame.text.startswith("Chance of at least one event")).split("\n")
    assert ("Forecast as of December 2021, 6 months ahead; a forecast is not a warning of a specific attack."
            in texts[-3])
    listed = lines[1:]
    assert len(listed) == 8 and all("(Sindh)" in line or "(Balochistan)" in line for line in listed)
    assert "Deaths are not forecast" in view.notes_slide.notes_text_frame.text
    scope = overview.scope_counts(con, F)  # the Overview's KPIs
    table = next(s for s in slides[2].shapes if s.has_table).table
    assert (table.cell(1, 0).text, table.cell(1, 1).text) == ("Militant violence", f"{scope['militant_violence']:,}")
    assert (table.cell(2, 0).text, table.cell(2, 1).text) == ("of which attacks", f"{scope['attacks']:,}")


@pytest.mark.slow
@needs_chromium
def test_deck_pdf_has_one_page_per_slide(con):
    pdf = PdfReader(io.BytesIO(build_deck(q(con), F, "pdf")))
    assert len(pdf.pages) == 6 + len(DECK_CHARTS)
    assert "Briefing note" in pdf.pages[0].extract_text() and "Key figures" in pdf.pages[2].extract_text()


@pytest.mark.slow
@needs_chromium
def test_png_is_slide_sized_and_svg_carries_title_and_source(con):
    fig, _ = catalog.chart(q(con), "events_by_category", F)
    png = Image.open(io.BytesIO(render.figure_bytes(render.for_slide(fig), "png")))
    assert png.size == (3200, 1800)
    svg = render.figure_bytes(render.for_slide(fig), "svg").decode()
    assert "Events per year, by category" in svg and "Sindh and Balochistan, 2014-2017" in svg
    assert "data as of" in svg


def test_html_is_self_contained_with_title_and_source(con):
    fig, _ = catalog.chart(q(con), "district_map", F)
    page = render.figure_html(fig).decode()
    assert "<title>Events per district, with incidents</title>" in page
    assert len(page) > 1_000_000 and '<script src="https://cdn.plot.ly' not in page  # plotly.js inline
    assert "data as of" in page


def test_no_chromium_gives_a_message_saying_what_to_install(con, monkeypatch):
    monkeypatch.setattr(render, "_started", False)
    monkeypatch.setenv("PATH", "/nonexistent")
    fig, _ = catalog.chart(q(con), "signals", F)
    with pytest.raises(render.ExportUnavailable, match="apt-get install -y chromium"):
        render.figure_bytes(fig, "png")
    assert render.figure_html(fig)  # HTML still works


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    with read_only(fixture_warehouse(tmp_path_factory.mktemp("hostile"), {"hostile_events.csv": "curated"})) as con:
        yield con


def test_xlsx_and_csv_neutralise_formulas(hostile, tmp_path):
    events = overview.filtered_events(hostile, Filters(2016, 2016))
    book = openpyxl.load_workbook(io.BytesIO(tables.xlsx_bytes(events, "events", "note")))
    sheet = book["events"]
    header = [c.value for c in sheet[1]]
    row = {h: c.value for h, c in zip(header, sheet[2])}
    assert row["actor"] == "'=HYPERLINK(\"http://example.org\",\"click\")"
    assert row["target"] == "'@SUM(A1:A9)" and row["description"].startswith("'+cmd")
    assert row["source_name"] == "'-Fixture"
    assert all(c.data_type != "f" for c in sheet[2])
    text = tables.csv_bytes(events).decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "about" in book.sheetnames


def test_hostile_text_is_escaped_in_hover_labels(hostile):
    from charts.timeline import lineage_chart
    from indicators import timeline

    f = Filters(2016, 2016)
    fig = lineage_chart(timeline.lineage_events(hostile, f), timeline.monthly_attacks(hostile, f), "s", "src")
    hover = json.dumps([list(t.text) for t in fig.data if getattr(t, "text", None) is not None])
    assert "<img" not in hover and "&lt;img src=x onerror=alert(1)&gt;" in hover


def test_geojson_loads_in_geopandas(con, tmp_path):
    events = overview.filtered_events(con, F)
    path = tmp_path / "events.geojson"
    path.write_bytes(tables.geojson_bytes(events))
    layer = gpd.read_file(path)
    assert len(layer) == events["latitude"].notna().sum() and layer.crs.to_epsg() == 4326
    assert set(layer["source_name"].dropna()) and "event_id" in layer.columns
    assert json.loads(path.read_text())["excluded_without_point"] == events["latitude"].isna().sum()


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "export", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow
@needs_chromium
def test_cli_chart_deck_and_data(built, tmp_path):
    w = ["--warehouse", str(built.warehouse), "--years", "2014-2017", "--province", "Sindh"]
    out = _cli("chart", "district_map", "-o", str(tmp_path / "map.png"), *w)
    assert out.returncode == 0, out.stderr
    assert Image.open(tmp_path / "map.png").size == (3200, 1800)
    out = _cli("deck", "-o", str(tmp_path / "brief.pptx"), *w)
    assert out.returncode == 0, out.stderr
    assert len(Presentation(str(tmp_path / "brief.pptx")).slides) == 6 + len(DECK_CHARTS)
    out = _cli("data", "-o", str(tmp_path / "events.xlsx"), *w)
    assert out.returncode == 0 and "events" in out.stdout
    bad = _cli("chart", "signals", "-o", str(tmp_path / "x.doc"), *w)
    assert bad.returncode == 1 and "must end in .png, .svg, .pdf, .html" in bad.stderr
