"""Every chart of the dashboard by id: the same assembly (queries + house-styled figure) for the
pages, the briefing deck and `python -m export chart`. `query(fn, *args)` runs an indicator: the
pages pass their cached runner, the CLI a plain call on its connection.

Each builder returns (figure, table): the table is the data behind the chart, for CSV/XLSX.
"""
from __future__ import annotations

from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from charts.lines import indicator_lines
from charts.trend import trend_chart
from indicators import library, overview, provenance, timeline
from indicators.filters import Filters
from indicators.registry import BY_ID, compute
from maps.district_map import district_map, feature_collection
from maps.static_map import static_district_map

Query = Callable[..., object]
Chart = tuple[go.Figure, pd.DataFrame]

# The Overview's district map draws at most this many incidents (the deadliest): beyond it the
# points overlap at national scale, and each costs the browser bytes and drawing time.
OVERVIEW_POINTS = 2000


def context(query: Query, f: Filters) -> tuple[str, str]:
    """(subtitle, source line) of every chart with these filters."""
    options = query(overview.filter_options)
    names = dict(zip(options["districts"]["district_id"], options["districts"]["admin2"]))
    return f.describe(names), query(provenance.source_line, f)


def overview_trend(query: Query, f: Filters, period: str = "year") -> Chart:
    subtitle, source = context(query, f)
    frame = query(overview.trend, f, period)
    return trend_chart(frame, period, subtitle, source), frame


def district_map_chart(query: Query, f: Filters, metric: str = "events", static: bool = False) -> Chart:
    """The tile map (screen, HTML) or, with `static`, the same map on plain axes (PNG/SVG/PDF)."""
    subtitle, source = context(query, f)
    totals = query(overview.district_totals, f)
    points = query(overview.event_points, f, OVERVIEW_POINTS)
    draw = static_district_map if static else district_map
    fig = draw(feature_collection(query(overview.district_shapes)), totals, points, subtitle, source, metric)
    return fig, totals


def indicator_chart(query: Query, f: Filters, indicator: str, period: str = "year",
                    breakdown: str | None = None, series: tuple = (), small_multiples: bool = False,
                    rolling: int = 0, milestones: bool = True) -> Chart:
    """The Trends page's chart: an indicator per period, optionally broken down (up to six series)."""
    subtitle, source = context(query, f)
    ind = BY_ID[indicator]
    frame = query(compute, indicator, f, (period, breakdown) if breakdown else (period,))
    if ind.kind == "diffusion":
        frame = frame.assign(value=frame["share_pct"])
    if breakdown and len(frame):
        chosen = list(series) or library.top_series(frame, breakdown)
        frame = frame[frame[breakdown].isin(chosen[:6])]
    if rolling and ind.kind == "measure" and ind.measure not in library.RATIOS:
        frame = library.with_rolling_and_change(frame, (rolling,))
        frame = frame.assign(value=frame[f"rolling_{rolling}"])
    unit = "% of districts" if ind.kind == "diffusion" else ind.unit
    by = {"actor_group": "actor group", "target_class": "target class"}.get(breakdown, breakdown)
    title = f"{ind.name} per {period}" + (f", by {by}" if breakdown else "")
    marks = query(timeline.milestones, f) if milestones else None
    fig = indicator_lines(frame, breakdown, "value", unit, title, subtitle, source,
                          small_multiples=small_multiples and bool(breakdown), milestones=marks,
                          period=period)
    label = "admin2" if breakdown == "district" else None
    return fig, library.wide(frame, breakdown, label)


def district_map_pair(query: Query, f: Filters, metric: str = "events",
                      outlines: tuple[dict, str | None] | None = None):
    """(tile map, a function making the static map from the same data, a function making the tile
    map with its outlines inside, totals): the page shows the first and offers the others for
    downloads without querying again. `outlines` = (GeoJSON, URL) lets the page's map name a URL
    for the outlines instead of carrying them (dashboard.data.outlines)."""
    subtitle, source = context(query, f)
    totals = query(overview.district_totals, f)
    points = query(overview.event_points, f, OVERVIEW_POINTS)
    frame = query(overview.district_shapes)
    shapes, url = outlines or (feature_collection(frame), None)
    names = dict(zip(frame["district_id"], frame["admin2"] + ", " + frame["admin1"].fillna("Afghanistan")))

    def tile(url: str | None = None):
        return district_map(shapes, totals, points, subtitle, source, metric, names=names, geojson_url=url)

    return (tile(url), lambda: static_district_map(shapes, totals, points, subtitle, source, metric),
            tile, totals)


CHARTS: dict[str, tuple[str, Callable[[Query, Filters], Chart]]] = {
    "events_by_category": ("Events per year, by category (Overview)", overview_trend),
    "district_map": ("Events per district, with incidents (Overview)", district_map_chart),
    "district_map_static": ("Events per district, with incidents (static, for slides)",
                            lambda q, f: district_map_chart(q, f, static=True)),
    "signals": ("Early signals per year (Trends)",
                lambda q, f: indicator_chart(q, f, "signals")),
    "districts_affected": ("Districts affected per year (Trends)",
                           lambda q, f: indicator_chart(q, f, "districts_affected")),
    "attacks_by_province": ("Attacks per year by province (Trends)",
                            lambda q, f: indicator_chart(q, f, "attacks", breakdown="province",
                                                         milestones=False)),
    "minority_share": ("Share of attacks on religious minorities (Trends)",
                       lambda q, f: indicator_chart(q, f, "minority_share", milestones=False)),
}


def chart(query: Query, chart_id: str, f: Filters) -> Chart:
    if chart_id not in CHARTS:
        raise KeyError(f"unknown chart {chart_id!r} (known: {', '.join(CHARTS)})")
    return CHARTS[chart_id][1](query, f)
