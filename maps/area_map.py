"""The Map page's figure: one choropleth of districts or provinces (the outlines sent once, every
unit in one trace), optional incident points, on an offline tile map by default."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.style import CATEGORY_COLORS, CATEGORY_ORDER, house_style
from maps.district_map import day_labels, feature_collection, killed_labels

# map_style values: white-bg needs nothing from the network; the street map needs internet.
BASEMAPS = {"none (offline)": "white-bg", "street map (needs internet)": "open-street-map"}
# Pakistan and Afghanistan filling a 720-pixel-high figure on a wide page.
VIEW = {"center": {"lat": 30.9, "lon": 68.6}, "zoom": 4.7}
METRIC_LABELS = {"events": "events", "fatalities": "people killed", "signals": "signal events"}


def area_map(shapes: pd.DataFrame, values: pd.DataFrame, metric: str, level: str, subtitle: str,
             source: str, points: pd.DataFrame | None = None, map_style: str = "white-bg",
             selected: str | None = None, height: int = 720, geojson: dict | None = None,
             geojson_url: str | None = None) -> go.Figure:
    """Choropleth of `metric` over every unit of `shapes` (indicators.geography.area_shapes; units
    without events are 0, drawn white), values from indicators.geography.area_values, and the
    incident points (indicators.overview.event_points) when given. `selected` outlines one unit.
    Every unit carries its unit_id as customdata, so a click says which unit it was. `geojson` is
    the outlines already built from `shapes`; with `geojson_url` the browser fetches them from
    there and the figure carries only the ids (see dashboard.data.outlines)."""
    merged = shapes[["unit_id", "name", "parent"]].merge(
        values[["unit_id", "events", "fatalities", "signals"]], on="unit_id", how="left")
    merged[["events", "fatalities", "signals"]] = merged[["events", "fatalities", "signals"]].fillna(0).astype(int)
    if geojson is None:
        geojson = feature_collection(shapes.rename(columns={"unit_id": "district_id"}))
    hover = [f"<b>{html.escape(str(r.name))}</b>, {html.escape(str(r.parent))}<br>{r.events:,} events, "
             f"{r.fatalities:,} killed, {r.signals:,} signals" for r in merged.itertuples()]
    top = max(int(merged[metric].max()), 1)
    fig = go.Figure()
    fig.add_choroplethmap(
        geojson=geojson_url or geojson, locations=merged["unit_id"], z=merged[metric], zmin=0, zmax=top,
        colorscale=[[0, "#ffffff"], [1e-9, "#fee8c8"], [0.5, "#fc8d59"], [1, "#b30000"]],
        marker={"line": {"width": 0.5, "color": "#999"}, "opacity": 0.85},
        colorbar={"title": {"text": METRIC_LABELS[metric]}, "thickness": 12, "len": 0.6},
        text=hover, customdata=merged[["unit_id"]], hovertemplate="%{text}<extra></extra>",
        name=f"{level}s", showlegend=False)
    if selected is not None and selected in set(shapes["unit_id"]):
        outline = {"type": "FeatureCollection",  # only the selected feature: the outlines go once
                   "features": [g for g in geojson["features"] if g["id"] == selected]}
        fig.add_choroplethmap(geojson=outline, locations=[selected], z=[1], showscale=False,
                              colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                              marker={"line": {"width": 3, "color": "#111"}}, hoverinfo="skip",
                              name="selected", showlegend=False)
    if points is not None and len(points):
        _add_points(fig, points)
    fig.update_layout(map={"style": map_style, **VIEW}, height=height,
                      showlegend=True, clickmode="event+select")
    title = f"{METRIC_LABELS[metric].capitalize()} per {level}"
    return house_style(fig, title + (", with incidents" if points is not None and len(points) else ""),
                       subtitle, source)


def _add_points(fig: go.Figure, points: pd.DataFrame) -> None:
    for category in [c for c in CATEGORY_ORDER if c in set(points["category"])]:
        part = points[points["category"] == category]
        size = 5 + 3 * np.sqrt(part["fatalities"].fillna(0).astype(float).clip(upper=150))
        label = html.escape(category.replace("_", " "))
        hover = [f"<b>{html.escape(str(p))}</b><br>{d} · {label}<br>actor: {html.escape(str(a))}"
                 f"<br>killed: {k}<br>source: {html.escape(str(s))}"
                 for p, d, a, k, s in zip(part["place"].tolist(), day_labels(part["event_date"]),
                                          part["actor"].tolist(), killed_labels(part["fatalities"]),
                                          part["source_name"].tolist())]
        fig.add_scattermap(lat=part["latitude"].round(4).to_numpy(), lon=part["longitude"].round(4).to_numpy(),
                           mode="markers",
                           marker={"size": size.round(1).to_numpy(), "color": CATEGORY_COLORS[category],
                                   "opacity": 0.75},
                           name=category.replace("_", " "), text=np.array(hover, dtype=object),
                           customdata=part[["district_id", "event_id"]].to_numpy(dtype=object),
                           hovertemplate="%{text}<extra></extra>")
