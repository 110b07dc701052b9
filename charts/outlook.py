"""The Outlook's fan chart: a district's recent months and its forecast (median, central 50% and
90% intervals)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from charts.style import house_layout

FAN = "#e34a33"


def forecast_fan(history: pd.DataFrame, forecast: pd.DataFrame, title: str, subtitle: str,
                 source: str) -> go.Figure:
    """`history`: month, events (indicators.outlook.district_history); `forecast`: one district's
    rows of indicators.outlook_forecast.forecast (month, q05, q25, q50, q75, q95). The bands join the last
    observed month so that the fan starts from it."""
    last = history.iloc[-1]
    months = [last["month"], *forecast["month"]]

    def band(column: str) -> list:
        return [last["events"], *forecast[column]]

    traces = [
        {"type": "bar", "x": list(history["month"]), "y": history["events"].tolist(), "name": "observed",
         "marker": {"color": "#555"}},
        {"type": "scatter", "x": months, "y": band("q95"), "mode": "lines", "line": {"width": 0},
         "showlegend": False, "hoverinfo": "skip", "name": "95th percentile"},
        {"type": "scatter", "x": months, "y": band("q05"), "mode": "lines", "line": {"width": 0},
         "fill": "tonexty", "fillcolor": "rgba(227,74,51,0.15)", "name": "90% interval"},
        {"type": "scatter", "x": months, "y": band("q75"), "mode": "lines", "line": {"width": 0},
         "showlegend": False, "hoverinfo": "skip", "name": "75th percentile"},
        {"type": "scatter", "x": months, "y": band("q25"), "mode": "lines", "line": {"width": 0},
         "fill": "tonexty", "fillcolor": "rgba(227,74,51,0.35)", "name": "50% interval"},
        {"type": "scatter", "x": months, "y": band("q50"), "mode": "lines+markers", "name": "median",
         "line": {"color": FAN, "width": 2}},
    ]
    return go.Figure({"data": traces, "layout": {
        **house_layout(title, subtitle, source), "yaxis": {"title": {"text": "events per month"}, "rangemode": "tozero"},
        "xaxis": {"title": {"text": ""}}, "hovermode": "x unified"}})
