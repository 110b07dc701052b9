"""The trend chart: events per period, stacked by category."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.style import CATEGORY_COLORS, CATEGORY_ORDER, house_style

XFORMAT = {"month": "%b %Y", "quarter": "%Y Q%q", "year": "%Y"}


def trend_chart(frame: pd.DataFrame, period: str, subtitle: str, source: str) -> go.Figure:
    """Stacked bars from indicators.overview.trend (columns period_start, category, events,
    fatalities); one trace per category present, in the house category order."""
    fig = go.Figure()
    for category in [c for c in CATEGORY_ORDER if c in set(frame["category"])]:
        part = frame[frame["category"] == category]
        fig.add_bar(x=part["period_start"], y=part["events"], name=category.replace("_", " "),
                    marker_color=CATEGORY_COLORS[category], customdata=part[["fatalities"]],
                    hovertemplate=f"{category.replace('_', ' ')}<br>%{{x|{XFORMAT[period]}}}: "
                                  "%{y} events, %{customdata[0]} killed<extra></extra>")
    fig.update_layout(barmode="stack", bargap=0.15, height=420, yaxis_title="events",
                      xaxis={"type": "date", "showgrid": False},
                      yaxis={"gridcolor": "#eee", "rangemode": "tozero"})
    if frame.empty:
        fig.add_annotation(text="No events match the filters", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5)
    return house_style(fig, f"Events per {period}, by category", subtitle, source)
