"""The district map for static export (PNG/SVG/PDF): polygons drawn as filled shapes on plain axes.

A tile map (maplibre) takes seconds to render headless and cannot be vector; this draws the same
simplified polygons in a few traces (one per colour class), so slides and PDFs get a crisp map in
well under a second. On screen and in the HTML export the interactive tile map is used.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.style import CATEGORY_COLORS, CATEGORY_ORDER, house_style
from maps.area_map import CLASS_COLORS, EMPTY, METRIC_LABELS, map_title


def _rings(geometry: dict):
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    for polygon in polygons:
        yield polygon[0]  # exterior ring; holes are too small to matter at slide scale


def _trace_xy(features: list[dict]) -> tuple[list, list]:
    xs, ys = [], []
    for feature in features:
        for ring in _rings(feature["geometry"]):
            xs += [p[0] for p in ring] + [None]
            ys += [p[1] for p in ring] + [None]
    return xs, ys


def class_breaks(values: pd.Series, classes: int = 5) -> list[float]:
    """Upper bounds of up to `classes` classes of the positive values (quantiles, distinct)."""
    positive = values[values > 0]
    if positive.empty:
        return []
    qs = np.unique(np.quantile(positive, np.linspace(0, 1, classes + 1)[1:]))
    return [float(q) for q in qs]


def static_area_map(geojson: dict, values: pd.DataFrame, points: pd.DataFrame | None, subtitle: str,
                    source: str, metric: str = "events", level: str = "district") -> go.Figure:
    """maps.area_map's map on plain axes, from the same outlines (geojson), values
    (indicators.geography.area_values) and points, in its colours: one class of five per colour."""
    points = points if points is not None else pd.DataFrame(columns=["category"])
    values = values.set_index("unit_id")[metric] if len(values) else pd.Series(dtype=float)
    breaks = class_breaks(values)
    groups: dict[int, list] = {-1: []}
    for feature in geojson["features"]:
        value = values.get(feature["id"], 0)
        k = -1 if value <= 0 else next(i for i, b in enumerate(breaks) if value <= b)
        groups.setdefault(k, []).append(feature)
    fig = go.Figure()
    lower = float(values[values > 0].min()) if breaks else 0
    for k in [-1] + list(range(len(breaks))):
        xs, ys = _trace_xy(groups.get(k, []))
        if k == -1:
            name, color = f"no {METRIC_LABELS[metric]}", EMPTY
        else:
            name, color = f"{lower:g}-{breaks[k]:g} {METRIC_LABELS[metric]}", CLASS_COLORS[k]
            lower = math.floor(breaks[k]) + 1
        fig.add_scatter(x=xs, y=ys, fill="toself", fillcolor=color, mode="lines", name=name,
                        line={"width": 0.4, "color": "#999"}, hoverinfo="skip", showlegend=k != -1 or not breaks)
    for category in [c for c in CATEGORY_ORDER if c in set(points.get("category", []))]:
        part = points[points["category"] == category]
        size = 4 + 2.5 * np.sqrt(part["fatalities"].fillna(0).astype(float).clip(upper=150))
        fig.add_scatter(x=part["longitude"], y=part["latitude"], mode="markers",
                        name=category.replace("_", " "),
                        marker={"size": size, "color": CATEGORY_COLORS[category], "opacity": 0.7,
                                "line": {"width": 0.5, "color": "white"}})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(31)))
    fig.update_layout(showlegend=True)
    return house_style(fig, map_title(metric, level, len(points) > 0), subtitle, source)
