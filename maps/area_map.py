"""The one map of districts or provinces: a choropleth of every unit (the outlines sent once, in
one trace) with the incident points on top, on an offline tile map by default. The Overview, the
Map page, the HTML exports and (through maps.static_map, same colours) the slides all draw it."""
from __future__ import annotations

import html
import json
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.style import CATEGORY_COLORS, CATEGORY_ORDER, house_layout
from contract.schema import COUNTRY_NAMES

# map_style values: white-bg needs nothing from the network; the street map needs internet.
BASEMAPS = {"none (offline)": "white-bg", "street map (needs internet)": "open-street-map"}
METRIC_LABELS = {"events": "events", "fatalities": "people killed", "signals": "signal events"}
# Pakistan and Afghanistan (degrees): every map is centred on them and zoomed so that they fill
# the plot area of its height with a margin (maplibre: 512 px tiles, one zoom level doubles).
BOUNDS = {"west": 60.5, "east": 77.8, "south": 23.6, "north": 38.5}
HEIGHT = 720


def _mercator(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


CENTER = {"lat": round(math.degrees(2 * math.atan(math.exp(
    (_mercator(BOUNDS["south"]) + _mercator(BOUNDS["north"])) / 2)) - math.pi / 2), 2),
          "lon": (BOUNDS["west"] + BOUNDS["east"]) / 2}


def zoom(height: int) -> float:
    """The zoom at which the region's height fills 95% of the plot area of a figure this tall."""
    margin = house_layout("", "", "")["margin"]
    plot = height - margin["t"] - margin["b"]
    span = (_mercator(BOUNDS["north"]) - _mercator(BOUNDS["south"])) / (2 * math.pi)  # of the world
    return round(math.log2(0.95 * plot / (512 * span)), 2)

EMPTY = "#f7f7f7"  # a unit without events
CLASS_COLORS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")  # low to high
COLORSCALE = [[0, EMPTY], [1e-9, CLASS_COLORS[0]], *[[(i + 1) / 4, c] for i, c in enumerate(CLASS_COLORS[1:])]]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_labels(dates: pd.Series) -> list[str]:
    """'16 Feb 2017' for each date (a formatted list at once: strftime per row is slow)."""
    return [f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"
            for d in dates.to_numpy(dtype="datetime64[D]").tolist()]


def killed_labels(fatalities: pd.Series) -> list[str]:
    return ["unknown" if pd.isna(k) else str(int(k)) for k in fatalities.tolist()]


def feature_collection(shapes: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection of the units of indicators.geography.area_shapes, each feature's
    id its unit_id."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": row.unit_id, "properties": {}, "geometry": json.loads(row.geojson)}
        for row in shapes.itertuples()]}


def map_title(metric: str, level: str, with_points: bool) -> str:
    return f"{METRIC_LABELS[metric].capitalize()} per {level}" + (", with incidents" if with_points else "")


def area_map(shapes: pd.DataFrame, values: pd.DataFrame, metric: str, level: str, subtitle: str,
             source: str, points: pd.DataFrame | None = None, map_style: str = "white-bg",
             selected: str | None = None, height: int = HEIGHT, geojson: dict | None = None,
             geojson_url: str | None = None) -> go.Figure:
    """Choropleth of `metric` over every unit of `shapes` (indicators.geography.area_shapes; units
    without events are 0, pale grey), values from indicators.geography.area_values, and the
    incident points (indicators.overview.event_points) when given. `selected` outlines one unit.
    A click on a unit reports its unit_id as the point's location. `geojson` is
    the outlines already built from `shapes`; with `geojson_url` the browser fetches them from
    there and the figure carries only the ids (see dashboard.data.outlines). Traces are plain
    dicts validated once by go.Figure (add_trace would deep-copy the outlines)."""
    merged = shapes[["unit_id", "name", "parent"]].merge(
        values[["unit_id", "events", "fatalities", "signals"]], on="unit_id", how="left")
    counts = merged[["events", "fatalities", "signals"]].fillna(0).astype(int)
    if geojson is None:
        geojson = feature_collection(shapes)
    hover = [f"<b>{html.escape(str(name))}</b>, {html.escape(str(COUNTRY_NAMES.get(parent, parent)))}"
             + (f"<br>{e:,} events, {k:,} killed, {s:,} signals" if e else "<br>no events")
             for name, parent, e, k, s in zip(merged["name"].tolist(), merged["parent"].tolist(),
                                             counts["events"].tolist(), counts["fatalities"].tolist(),
                                             counts["signals"].tolist())]
    ids = merged["unit_id"].to_numpy(dtype=object)
    traces = [{"type": "choroplethmap", "geojson": geojson_url or geojson, "locations": ids,
               "z": counts[metric].to_numpy(), "zmin": 0, "zmax": max(int(counts[metric].max()), 1),
               "colorscale": COLORSCALE, "marker": {"line": {"width": 0.5, "color": "#999"}, "opacity": 0.85},
               "colorbar": {"title": {"text": METRIC_LABELS[metric]}, "thickness": 12, "len": 0.6},
               "text": np.array(hover, dtype=object),
               "hovertemplate": "%{text}<extra></extra>", "name": f"{level}s", "showlegend": False}]
    if selected is not None and selected in set(shapes["unit_id"]):
        outline = {"type": "FeatureCollection",  # only the selected feature: the outlines go once
                   "features": [g for g in geojson["features"] if g["id"] == selected]}
        traces.append({"type": "choroplethmap", "geojson": outline, "locations": [selected], "z": [1],
                       "showscale": False, "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                       "marker": {"line": {"width": 3, "color": "#111"}}, "hoverinfo": "skip",
                       "name": "selected", "showlegend": False})
    with_points = points is not None and len(points) > 0
    if with_points:
        traces += point_traces(points)
    return go.Figure({"data": traces, "layout": {
        "map": {"style": map_style, "center": CENTER, "zoom": zoom(height)},
        "height": height, "showlegend": True, "clickmode": "event+select",
        **house_layout(map_title(metric, level, with_points), subtitle, source)}})


def point_traces(points: pd.DataFrame) -> list[dict]:
    """One scattermap trace per category: sized by fatalities, hover: place, date, actor, toll,
    source; customdata (district_id, event_id) so that a click opens the incident's district."""
    traces = []
    for category in [c for c in CATEGORY_ORDER if c in set(points["category"])]:
        part = points[points["category"] == category]
        size = 5 + 3 * np.sqrt(part["fatalities"].fillna(0).astype(float).clip(upper=150))
        label = html.escape(category.replace("_", " "))
        # plain lists once, then one pass (iterating Arrow-backed columns row by row is slow)
        hover = [f"<b>{html.escape(str(p))}</b><br>{d} · {label}<br>actor: {html.escape(str(a))}"
                 f"<br>killed: {k}<br>source: {html.escape(str(s))}"
                 for p, d, a, k, s in zip(part["place"].tolist(), day_labels(part["event_date"]),
                                          part["actor"].tolist(), killed_labels(part["fatalities"]),
                                          part["source_name"].tolist())]
        # numpy arrays: plotly validates them in one step, lists element by element
        traces.append({"type": "scattermap", "lat": part["latitude"].round(4).to_numpy(float),
                       "lon": part["longitude"].round(4).to_numpy(float), "mode": "markers",
                       "marker": {"size": size.round(1).to_numpy(), "color": CATEGORY_COLORS[category],
                                  "opacity": 0.75},
                       "name": category.replace("_", " "), "text": np.array(hover, dtype=object),
                       "customdata": part[["district_id", "event_id"]].to_numpy(dtype=object),
                       "hovertemplate": "%{text}<extra></extra>"})
    return traces
