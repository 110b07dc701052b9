"""Indicator lines: overlaid or as small multiples with shared axes, with milestone markers."""
from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

from charts.coverage import coverage_marks
from charts.style import house_style


def indicator_lines(frame: pd.DataFrame, series: str | None, value: str, unit: str, title: str,
                    subtitle: str, source: str, small_multiples: bool = False,
                    milestones: pd.DataFrame | None = None, period: str = "year",
                    coverage: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> go.Figure:
    """Lines of `value` over `period`, one per value of the `series` column (or one line); a null
    value is a gap (no data). `coverage` shades no-data and partial periods (charts.coverage)."""
    import plotly.express as px  # here, not at the top: 0.13 s that the Overview's first run skips

    shown = frame.copy()
    shown["period"] = pd.to_datetime(shown["period"])
    label_col = series
    if series == "district" and "admin2" in shown:
        shown["district name"] = shown["admin2"].fillna(shown["district"])
        label_col = "district name"
    if small_multiples and series:
        fig = px.line(shown, x="period", y=value, facet_col=label_col, facet_col_wrap=3,
                      markers=True, labels={value: unit, "period": ""})
        fig.for_each_annotation(lambda a: a.update(text=html.escape(a.text.split("=", 1)[-1])))
        fig.update_traces(line_color="#D55E00")
        height = 260 * ((shown[label_col].nunique() + 2) // 3) + 140
    else:
        fig = px.line(shown, x="period", y=value, color=label_col, markers=True,
                      labels={value: unit, "period": "", **({label_col: ""} if label_col else {})})
        height = 460
    fig.update_yaxes(rangemode="tozero", gridcolor="#eee")
    fig.update_xaxes(showgrid=False, **({"dtick": "M12", "tickformat": "%Y"} if period == "year" else {}))
    if milestones is not None and len(milestones):
        for row in milestones.itertuples():
            fig.add_vline(x=pd.Timestamp(row.mid_date).timestamp() * 1000, line_width=1,
                          line_dash="dot", line_color="#CC79A7")
        if not small_multiples or not series:
            top = float(shown[value].max() or 1)
            fig.add_scatter(x=pd.to_datetime(milestones["mid_date"]), y=[top * 1.05] * len(milestones),
                            mode="markers", marker={"symbol": "star", "size": 11, "color": "#CC79A7"},
                            name="pledges / announcements",
                            text=[html.escape(f"{m.label} ({m.date_precision}); {m.source_name}")
                                  for m in milestones.itertuples()],
                            hovertemplate="%{x|%b %Y}: %{text}<extra></extra>")
    fig.update_layout(height=height, hovermode="closest")
    if coverage is not None:
        shapes, notes = coverage_marks(*coverage, period)
        fig.update_layout(shapes=list(fig.layout.shapes) + shapes,
                          annotations=list(fig.layout.annotations) + notes)
    return house_style(fig, title, subtitle, source)
