"""Bar charts of the Map page: spread over time, and the top values of one area. Each bar carries
the value it stands for as customdata, so a click on it can filter a table."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from charts.coverage import coverage_marks
from charts.style import CATEGORY_COLORS, house_style


def spread_chart(frame: pd.DataFrame, level: str, subtitle: str, source: str,
                 coverage: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> go.Figure:
    """Areas with at least one event per year (indicators.geography.spread), with the events as
    hover text; one bar per year, the year as customdata. `coverage` (indicators.coverage
    period_status by year and coverage_changes): years no dataset covers get no bar (no data, not
    zero) and a grey band, partial years a light one."""
    column = f"{level}s_affected"
    if coverage is not None and len(coverage[0]):
        none = {d.year for d, s in zip(coverage[0]["period_start"], coverage[0]["status"]) if s == "none"}
        frame = frame[~frame["year"].isin(none)]
    fig = go.Figure()
    fig.add_bar(x=frame["year"], y=frame[column], marker_color="#b30000", name=f"{level}s affected",
                customdata=frame[["year", "events"]],
                hovertemplate="%{x}: %{y} " + level + "s, %{customdata[1]} events<extra></extra>")
    fig.update_layout(height=300, yaxis_title=f"{level}s with events", bargap=0.15,
                      xaxis={"dtick": 1 if len(frame) <= 12 else 2, "showgrid": False},
                      yaxis={"gridcolor": "#eee", "rangemode": "tozero"}, showlegend=False)
    if coverage is not None:
        shapes, notes = coverage_marks(*coverage, "year", years_axis=True)
        fig.update_layout(shapes=shapes, annotations=notes)
    return house_style(fig, f"Spread: {level}s with at least one event, per year", subtitle, source)


def top_chart(frame: pd.DataFrame, title: str, subtitle: str, source: str) -> go.Figure:
    """Horizontal bars from indicators.geography.top_values (value, events, fatalities), largest
    on top; categories in their house colours."""
    frame = frame.iloc[::-1]
    colors = [CATEGORY_COLORS.get(v, "#555") for v in frame["value"]]
    labels = [html.escape(str(v).replace("_", " ")) for v in frame["value"]]
    fig = go.Figure()
    fig.add_bar(x=frame["events"], y=labels, orientation="h", marker_color=colors,
                customdata=frame[["value", "fatalities"]],
                hovertemplate="%{y}: %{x} events, %{customdata[1]} killed<extra></extra>")
    fig.update_layout(height=max(280, 190 + 28 * len(frame)), showlegend=False,
                      xaxis={"gridcolor": "#eee", "rangemode": "tozero"})
    if frame.empty:
        fig.add_annotation(text="No events", showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return house_style(fig, title, subtitle, source).update_layout(margin={"l": 140})
