"""The district choropleth with incident points, on an offline tile map (map_style white-bg)."""
from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.style import CATEGORY_COLORS, CATEGORY_ORDER, house_layout

CENTER = {"lat": 30.2, "lon": 68.6}  # Pakistan and Afghanistan together
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_labels(dates: pd.Series) -> list[str]:
    """'16 Feb 2017' for each date (a formatted list at once: strftime per row is slow)."""
    return [f"{d.day:02d} {MONTHS[d.month - 1]} {d.year}"
            for d in dates.to_numpy(dtype="datetime64[D]").tolist()]


def killed_labels(fatalities: pd.Series) -> list[str]:
    return ["unknown" if pd.isna(k) else str(int(k)) for k in fatalities.tolist()]


def feature_collection(shapes: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection of the districts (from indicators.overview.district_shapes),
    each feature's id its district_id."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": row.district_id, "properties": {},
         "geometry": json.loads(row.geojson)} for row in shapes.itertuples()]}


def district_map(geojson: dict, totals: pd.DataFrame, points: pd.DataFrame, subtitle: str,
                 source: str, metric: str = "events", height: int = 640,
                 names: dict[str, str] | None = None, geojson_url: str | None = None) -> go.Figure:
    """Choropleth of `metric` per district (districts without events pale grey) with the incident
    points on top, sized by fatalities and coloured by category. One choropleth trace carries the
    outlines once (the GeoJSON is the bulk of what the browser receives). The traces are built as
    plain dicts and validated once by go.Figure: add_trace would deep-copy the GeoJSON (0.25 s).
    With `geojson_url` the browser fetches the outlines from there (the dashboard) and the figure
    carries only the ids; without it the outlines are inside (files, exports)."""
    ids = [f["id"] for f in geojson["features"]]
    district = totals["district_id"].tolist()
    value_of = dict(zip(district, totals[metric].astype(float).tolist()))
    counts = dict(zip(district, zip(totals["events"].tolist(), totals["fatalities"].tolist())))
    values = [value_of.get(i, 0.0) for i in ids]
    hover = []
    for i in ids:
        label = html.escape((names or {}).get(i, i))
        if i in counts:
            hover.append(f"<b>{label}</b><br>{int(counts[i][0])} events, {int(counts[i][1])} killed")
        else:
            hover.append(f"<b>{label}</b><br>no events")
    top = max(values) if values else 0
    scale = [[0, "#f7f7f7"], [1e-6, "#fef0d9"], [0.25, "#fdcc8a"], [0.5, "#fc8d59"], [0.75, "#e34a33"],
             [1, "#b30000"]]
    traces = [{"type": "choroplethmap", "geojson": geojson_url or geojson,
               "locations": np.array(ids, dtype=object), "z": np.array(values), "zmin": 0,
               "zmax": max(top, 1), "colorscale": scale, "marker": {"line": {"width": 0.5, "color": "#aaa"}},
               "colorbar": {"title": {"text": metric}, "thickness": 12, "len": 0.6},
               "text": np.array(hover, dtype=object), "hovertemplate": "%{text}<extra></extra>", "name": metric}]
    for category in [c for c in CATEGORY_ORDER if c in set(points.get("category", []))]:
        part = points[points["category"] == category]
        size = 5 + 3 * np.sqrt(part["fatalities"].fillna(0).astype(float).clip(upper=150))
        label = html.escape(category.replace("_", " "))
        # plain lists once, then one pass (iterating Arrow-backed columns row by row is slow)
        places = (part["location"].fillna(part["admin2"]).fillna("")).tolist()
        dates, killed = day_labels(part["event_date"]), killed_labels(part["fatalities"])
        hover = [f"<b>{html.escape(str(p))}</b><br>{d} · {label}<br>{html.escape(str(g))}<br>killed: {k}"
                 f"<br>source: {html.escape(str(s))}"
                 for p, d, g, k, s in zip(places, dates, part["actor_group"].tolist(), killed,
                                          part["source_name"].tolist())]
        # numpy arrays: plotly validates them in one step, lists element by element
        traces.append({"type": "scattermap", "lat": part["latitude"].to_numpy(float),
                       "lon": part["longitude"].to_numpy(float), "mode": "markers",
                       "marker": {"size": size.round(1).to_numpy(), "color": CATEGORY_COLORS[category],
                                  "opacity": 0.75},
                       "name": category.replace("_", " "), "text": np.array(hover, dtype=object),
                       "customdata": part[["event_id"]].to_numpy(dtype=object),
                       "hovertemplate": "%{text}<extra></extra>"})
    return go.Figure({"data": traces, "layout": {
        "map": {"style": "white-bg", "center": CENTER, "zoom": 4.05}, "height": height, "showlegend": True,
        **house_layout(f"{metric.capitalize()} per district, with incidents", subtitle, source)}})
