"""The Overview, the Map page and the export draw one map (figures.catalog.map_figures)."""
import json

from figures import catalog
from indicators import geography
from indicators.filters import Filters
from maps.area_map import CENTER, COLORSCALE
from tests.helpers import figures

ALL = Filters(1995, 2019)


def hover_of(fig: dict, unit_id: str) -> str:
    choropleth = fig["data"][0]
    return dict(zip(choropleth["locations"], choropleth["text"]))[unit_id]


def test_overview_map_page_and_export_draw_the_same_map(shown, con):
    overview = figures(shown("app_pages/overview.py"))[1]
    exported = json.loads(catalog.chart(lambda fn, *a: fn(con, *a), "district_map", ALL)[0].to_json())
    for key in ("locations", "text", "colorscale", "zmax"):
        assert overview["data"][0][key] == exported["data"][0][key], key
    assert overview["layout"]["map"] == exported["layout"]["map"]
    assert overview["layout"]["map"]["center"] == CENTER
    page = figures(shown("app_pages/map.py"))[0]
    assert page["data"][0]["colorscale"] == [list(c) for c in COLORSCALE] == overview["data"][0]["colorscale"]
    assert page["layout"]["map"]["center"] == CENTER
    assert page["layout"]["map"]["zoom"] > overview["layout"]["map"]["zoom"]  # taller: closer
    quetta = geography.area_values(con, ALL).set_index("unit_id").loc["PAK-quetta"]
    assert hover_of(page, "PAK-quetta") == hover_of(overview, "PAK-quetta") == \
        f"<b>Quetta</b>, Balochistan<br>{quetta['events']:,} events, {quetta['fatalities']:,} killed, " \
        f"{quetta['signals']:,} signals"
