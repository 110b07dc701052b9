"""The published yardstick beside a yearly chart: one marker per year with a published figure
(indicators.yardsticks.beside), its hover naming the publisher, the definition, the link and the
share these data hold. Years without a figure get no marker: a gap is never filled."""
from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

from indicators.yardsticks import percent

COLOR = "#333333"


def add_yardstick(fig: go.Figure, frame: pd.DataFrame, x: str = "date") -> go.Figure:
    """`fig` with a marker trace of the published figures of `frame` (indicators.yardsticks.beside)
    at each year: x = the year's first day (`x="date"`, for time axes such as the Overview's and
    Trends' charts) or the year itself (`x="year"`). Returns `fig` (changed in place)."""
    shown = frame[frame["published"].notna()]
    if shown.empty:
        return fig
    xs = (pd.to_datetime(shown["year"].astype(str) + "-01-01") if x == "date" else shown["year"]).tolist()
    fig.add_scatter(x=xs, y=shown["published"].tolist(), mode="markers", name="published (closest definition)",
                    marker={"symbol": "diamond-open", "size": 11, "color": COLOR, "line": {"width": 2}},
                    text=[hover(row) for _, row in shown.iterrows()],
                    hovertemplate="%{text}<extra></extra>")
    return fig


def hover(row) -> str:
    """The hover text of one year's published figure (escaped: shown as text)."""
    def wrap(text: str) -> str:
        return "<br>".join(html.escape(line) for line in textwrap.wrap(str(text), 70))

    lines = [f"<b>{row['year']}: {html.escape(str(row['publisher']))} {row['published']:,.0f} "
             f"{html.escape(str(row['published_measure']).replace('_', ' '))}</b> ({html.escape(str(row['region']))})",
             f"these data: {row['ours']:,.0f}, {percent(row['share'])} of it",
             wrap(row["definition"]),
             f"reported {html.escape(str(row['reported_on'] or 'undated'))}: {html.escape(str(row['url']))}"]
    if isinstance(row.get("other"), str) and row["other"]:
        lines.append(wrap(f"also: {row['other']}"))
    return "<br>".join(lines)
