"""One district map for the pages, the exports and the deck (figures.catalog.map_figures on
maps.area_map): the same units, values, names, colours and view wherever it is drawn."""
import json

from figures import catalog
from indicators.filters import Filters
from maps.area_map import CLASS_COLORS, EMPTY

ALL = Filters(1995, 2019)


def q(con):
    return lambda fn, *args: fn(con, *args)


def hover_of(fig: dict, unit_id: str) -> str:
    choropleth = fig["data"][0]
    return dict(zip(choropleth["locations"], choropleth["text"]))[unit_id]


def test_the_exported_map_names_districts_as_the_page_does(con):
    """The CLI's map showed ids (AFG-17698898B10243065088514) where the page showed the name."""
    fig = json.loads(catalog.chart(q(con), "district_map", ALL)[0].to_json())
    assert hover_of(fig, "AFG-17698898B10243065088514") == "<b>Mardyan</b>, Jowzjan<br>no events"
    assert hover_of(fig, "PAK-quetta").startswith("<b>Quetta</b>, Balochistan<br>")
    assert not [t for t in fig["data"][0]["text"] if "AFG-" in t or "PAK-" in t]


def test_the_static_map_uses_the_same_colours(con):
    fig, values = catalog.chart(q(con), "district_map", Filters(2014, 2017), static=True)
    fills = {t.fillcolor for t in fig.data if t.fill == "toself"}
    assert EMPTY in fills and fills - {EMPTY} <= set(CLASS_COLORS) and len(fills) > 3
    assert fig.layout.meta["title"] == "Events per district, with incidents"
    assert set(values.columns) >= {"unit_id", "name", "events"}
