"""The house style: every figure carries its title, a subtitle stating the filters in words and a
source line, so it stands on its own when exported onto a slide."""
from __future__ import annotations

import html

import plotly.graph_objects as go

FONT = "Arial, Helvetica, sans-serif"
# One colour per category, the same on every chart and map (colour-blind safe, Okabe-Ito).
CATEGORY_COLORS = {
    "attack": "#D55E00",
    "propaganda": "#E69F00",
    "allegiance": "#CC79A7",
    "recruitment": "#0072B2",
    "organisation": "#56B4E9",
    "counter_terrorism": "#009E73",
    "state_strike": "#7F7F7F",
    "armed_clash": "#000000",
    "state_violence": "#F0E442",
    "protest": "#A6A6A6",
    "strategic_development": "#C8C8C8",
    "other": "#E0E0E0",
}
CATEGORY_ORDER = tuple(CATEGORY_COLORS)


def house_layout(title: str, subtitle: str, source: str, annotations: list | tuple = ()) -> dict:
    """The house style as layout properties: title, subtitle and source line (text is escaped:
    shown as text), fonts, margins, legend. `annotations` are kept before the source line."""
    return {
        "title": {"text": f"<b>{html.escape(title)}</b><br><span style='font-size:13px;color:#555'>"
                          f"{html.escape(subtitle)}</span>", "x": 0.01, "xanchor": "left",
                  "y": 0.96, "yanchor": "top"},
        "font": {"family": FONT, "size": 13, "color": "#222"},
        "margin": {"t": 110, "b": 60, "l": 50, "r": 20},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "title": None},
        "meta": {"title": title, "subtitle": subtitle, "source": source},
        "annotations": [*annotations, {
            "text": f"Source: {html.escape(source)}", "xref": "paper", "yref": "paper", "x": 0, "y": 0,
            "yshift": -55, "xanchor": "left", "yanchor": "bottom", "showarrow": False,
            "font": {"size": 11, "color": "#666"}, "name": "source"}],
    }


def house_style(fig: go.Figure, title: str, subtitle: str, source: str) -> go.Figure:
    """Title, subtitle and source line in the house style, on a built figure (one layout update).
    Figures built from dicts take house_layout() into their layout instead: validated once."""
    fig.update_layout(house_layout(title, subtitle, source, fig.layout.annotations))
    return fig
