"""The Outlook's map: every district coloured by the probability of at least one event of militant
violence in the next months (districts without a forecast drawn pale grey, hover says so), on the
same frame, centre and zoom as maps.area_map."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.style import house_layout
from maps.area_map import CENTER, HEIGHT, feature_collection, zoom

COLORSCALE = [[0, "#fef0d9"], [0.25, "#fdcc8a"], [0.5, "#fc8d59"], [0.75, "#e34a33"], [1, "#b30000"]]
NO_FORECAST = "#eeeeee"


def probability_map(shapes: pd.DataFrame, values: pd.DataFrame, title: str, subtitle: str, source: str,
                    map_style: str = "white-bg", selected: str | None = None, height: int = HEIGHT,
                    geojson: dict | None = None, geojson_url: str | None = None) -> go.Figure:
    """Choropleth of `values` (columns district_id, probability 0-1, mean: expected events) over
    the districts of `shapes` (indicators.geography.area_shapes). A click reports the district_id
    as the point's location; `selected` outlines one district. `geojson_url`: see maps.area_map."""
    if geojson is None:
        geojson = feature_collection(shapes)
    merged = shapes[["unit_id", "name", "parent"]].merge(
        values.rename(columns={"district_id": "unit_id"})[["unit_id", "probability", "mean"]], on="unit_id", how="left")
    has = merged["probability"].notna()
    hover = [f"<b>{html.escape(str(n))}</b>, {html.escape(str(p))}<br>"
             + (f"{pr:.0%} chance of at least one event<br>{m:.2f} events expected" if ok else "no forecast")
             for n, p, pr, m, ok in zip(merged["name"].tolist(), merged["parent"].tolist(),
                                        merged["probability"].tolist(), merged["mean"].tolist(), has.tolist())]
    hover = np.array(hover, dtype=object)
    url = geojson_url or geojson
    traces = [
        {"type": "choroplethmap", "geojson": url, "locations": merged.loc[~has, "unit_id"].to_numpy(dtype=object),
         "z": np.zeros(int((~has).sum())), "colorscale": [[0, NO_FORECAST], [1, NO_FORECAST]], "showscale": False,
         "marker": {"line": {"width": 0.5, "color": "#bbb"}, "opacity": 0.85}, "text": hover[~has.to_numpy()],
         "hovertemplate": "%{text}<extra></extra>", "name": "no forecast", "showlegend": False},
        {"type": "choroplethmap", "geojson": url, "locations": merged.loc[has, "unit_id"].to_numpy(dtype=object),
         "z": merged.loc[has, "probability"].to_numpy(float), "zmin": 0, "zmax": 1, "colorscale": COLORSCALE,
         "marker": {"line": {"width": 0.5, "color": "#999"}, "opacity": 0.85},
         "colorbar": {"title": {"text": "probability"}, "tickformat": ".0%", "thickness": 12, "len": 0.6},
         "text": hover[has.to_numpy()], "hovertemplate": "%{text}<extra></extra>", "name": "districts",
         "showlegend": False}]
    if selected is not None and selected in set(shapes["unit_id"]):
        outline = {"type": "FeatureCollection", "features": [g for g in geojson["features"] if g["id"] == selected]}
        traces.append({"type": "choroplethmap", "geojson": outline, "locations": [selected], "z": [1],
                       "showscale": False, "colorscale": [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                       "marker": {"line": {"width": 3, "color": "#111"}}, "hoverinfo": "skip",
                       "name": "selected", "showlegend": False})
    return go.Figure({"data": traces, "layout": {
        "map": {"style": map_style, "center": CENTER, "zoom": zoom(height)}, "height": height,
        "clickmode": "event+select", **house_layout(title, subtitle, source)}})
