"""The trend chart: events per period, stacked by category."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.coverage import coverage_marks
from charts.style import CATEGORY_COLORS, CATEGORY_ORDER, house_layout

XFORMAT = {"month": "%b %Y", "quarter": "%Y Q%q", "year": "%Y"}


def trend_chart(frame: pd.DataFrame, period: str, subtitle: str, source: str,
                coverage: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> go.Figure:
    """Stacked bars from indicators.overview.trend (columns period_start, category, events,
    fatalities); one trace per category present, in the house category order. `coverage`
    (indicators.coverage.period_status and coverage_changes) shades the periods with no data or
    partial coverage and marks where datasets start or end."""
    traces = []
    for category in [c for c in CATEGORY_ORDER if c in set(frame["category"])]:
        part = frame[frame["category"] == category]
        traces.append({"type": "bar", "x": part["period_start"].to_numpy(), "y": part["events"].to_numpy(),
                       "name": category.replace("_", " "), "marker": {"color": CATEGORY_COLORS[category]},
                       "customdata": part[["fatalities"]].to_numpy(),
                       "hovertemplate": f"{category.replace('_', ' ')}<br>%{{x|{XFORMAT[period]}}}: "
                                        "%{y} events, %{customdata[0]} killed<extra></extra>"})
    empty = [{"text": "No events match the filters", "showarrow": False, "xref": "paper",
              "yref": "paper", "x": 0.5, "y": 0.5}] if frame.empty else []
    shapes, notes = coverage_marks(*coverage, period) if coverage is not None else ([], [])
    layout = {"barmode": "stack", "bargap": 0.15, "height": 420, "shapes": shapes,
              "xaxis": {"type": "date", "showgrid": False},
              "yaxis": {"gridcolor": "#eee", "rangemode": "tozero", "title": {"text": "events"}},
              **house_layout(f"Events per {period}, by category", subtitle, source, empty + notes)}
    return go.Figure({"data": traces, "layout": layout})  # validated once
