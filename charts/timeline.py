"""The lineage timeline: one lane per actor group; pledges, propaganda and recruitment as marks
(a bar across the month or year when the day is unknown), and monthly attacks as bubbles."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from charts.coverage import coverage_marks
from charts.style import CATEGORY_COLORS, house_style

SYMBOLS = {"allegiance": "star", "propaganda": "square", "recruitment": "diamond"}


def lineage_chart(signals: pd.DataFrame, attacks: pd.DataFrame, subtitle: str, source: str,
                  coverage: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> go.Figure:
    """`coverage` (indicators.coverage period_status by month and coverage_changes) shades the
    months no selected dataset covers (no data) and those covered in part."""
    fig = go.Figure()
    if len(attacks):
        size = 6 + 4 * np.sqrt(attacks["attacks"].astype(float))
        fig.add_scatter(x=pd.to_datetime(attacks["month"]), y=attacks["actor_group"], mode="markers",
                        name="attacks (per month)",
                        marker={"size": size, "color": CATEGORY_COLORS["attack"], "opacity": 0.45},
                        customdata=attacks[["attacks", "fatalities"]],
                        hovertemplate="%{y}, %{x|%b %Y}: %{customdata[0]} attacks, "
                                      "%{customdata[1]} killed<extra></extra>")
    for category, symbol in SYMBOLS.items():
        part = signals[signals["category"] == category]
        if part.empty:
            continue
        text = [html.escape(f"{r.actor or r.actor_group} · {r.event_date:%d %b %Y} ({r.date_precision}) · "
                            f"{(r.description or '')[:140]} · {r.source_name}") for r in part.itertuples()]
        fig.add_scatter(x=pd.to_datetime(part["mid_date"]), y=part["actor_group"], mode="markers",
                        name=category, text=text, hovertemplate="%{text}<extra></extra>",
                        error_x={"type": "data", "array": part["span_days"] * 86_400_000,
                                 "thickness": 2, "width": 0, "color": CATEGORY_COLORS[category]},
                        marker={"symbol": symbol, "size": 13, "color": CATEGORY_COLORS[category],
                                "line": {"width": 1, "color": "white"}})
    lanes = sorted(set(signals["actor_group"]) | set(attacks["actor_group"]))
    fig.update_layout(height=max(320, 70 * len(lanes) + 200),
                      yaxis={"categoryorder": "array", "categoryarray": lanes, "title": None},
                      xaxis={"type": "date", "gridcolor": "#eee"})
    if coverage is not None:
        shapes, notes = coverage_marks(*coverage, "month")
        fig.update_layout(shapes=shapes, annotations=notes)
    return house_style(fig, "Pledges, propaganda and recruitment beside each group's attacks",
                       subtitle, source)
