"""Coverage on a time axis: periods no selected dataset covers are shaded grey and labelled *no
data* (never drawn as zero), periods covered only in part are shaded and labelled *partial
coverage*, and where a dataset starts or ends a dotted line says so."""
from __future__ import annotations

import html

import pandas as pd

MONTHS = {"year": 12, "quarter": 3, "month": 1}
FILL = {"none": "rgba(150,150,150,0.22)", "partial": "rgba(230,159,0,0.10)"}
LABEL = {"none": "no data", "partial": "partial coverage"}


def coverage_marks(status: pd.DataFrame, changes: pd.DataFrame, period: str,
                   years_axis: bool = False) -> tuple[list, list]:
    """(shapes, annotations) for a date x axis from indicators.coverage.period_status (period_start,
    status, covered_by) and coverage_changes (date, label). Each band spans its periods' bars.
    `years_axis`: the x axis holds plain year numbers (one bar per year)."""
    shapes, notes = [], []
    if len(status):
        step = pd.DateOffset(months=MONTHS[period])
        runs = (status["status"] != status["status"].shift()).cumsum()
        for _, run in status.groupby(runs, sort=False):
            kind = run["status"].iloc[0]
            if kind not in FILL:
                continue
            first, last = pd.Timestamp(run["period_start"].iloc[0]), pd.Timestamp(run["period_start"].iloc[-1])
            x0, x1 = first - (first + step - first) / 2, last + (last + step - last) / 2
            if years_axis:
                x0, x1 = first.year - 0.5, last.year + 0.5
            shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0,
                           "y1": 1, "fillcolor": FILL[kind], "line": {"width": 0}, "layer": "below",
                           "name": kind})
            covered = run["covered_by"].iloc[0]
            notes.append({"x": (x0 + x1) / 2 if years_axis else x0 + (x1 - x0) / 2, "xref": "x", "y": 1,
                          "yref": "paper", "yanchor": "bottom", "showarrow": False,
                          "text": LABEL[kind], "font": {"size": 10, "color": "#555"}, "name": kind,
                          "hovertext": html.escape(f"{LABEL[kind]}: " + (covered or "no selected "
                                                   "dataset covers these periods"))})
    for row in changes.itertuples():
        when = pd.Timestamp(row.date)
        if years_axis:
            when = when.year + (when.dayofyear - 0.5) / 366 - 0.5
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": when, "x1": when, "y0": 0,
                       "y1": 1, "line": {"width": 1, "dash": "dot", "color": "#888"}, "name": "change"})
        notes.append({"x": when, "xref": "x", "y": 0.98, "yref": "paper", "showarrow": False,
                      "textangle": -90, "xanchor": "right", "yanchor": "top",
                      "text": html.escape(row.label), "font": {"size": 9, "color": "#777"},
                      "name": "change"})
    return shapes, notes


def coverage_timeline(frame: pd.DataFrame, source: str) -> "go.Figure":
    """Every dataset's covered period on one time axis (indicators.provenance.coverage): dark for
    datasets that record every event of their kinds, light for those that record a part."""
    import plotly.graph_objects as go

    from charts.style import house_layout

    start, end = pd.to_datetime(frame["period_start"]), pd.to_datetime(frame["period_end"])
    labels = [html.escape(n + (" (preliminary)" if p and "prelim" not in n.lower() else ""))
              for n, p in zip(frame["name"], frame["preliminary"])]
    trace = {"type": "bar", "orientation": "h", "y": labels,
             "x": ((end - start).dt.days + 1) * 86_400_000, "base": start.dt.strftime("%Y-%m-%d").tolist(),
             "marker": {"color": ["#0072B2" if c else "#9ecae1" for c in frame["complete"]]},
             "customdata": [[html.escape(r), f"{s:%-d %b %Y}", f"{e:%-d %b %Y}"]
                            for r, s, e in zip(frame["records"], start, end)],
             "hovertemplate": "%{y}<br>%{customdata[1]} to %{customdata[2]}<br>records "
                              "%{customdata[0]}<extra></extra>"}
    layout = {"height": 120 + 40 * len(frame), "xaxis": {"type": "date", "showgrid": True,
              "gridcolor": "#eee"}, "yaxis": {"autorange": "reversed"}, "showlegend": False,
              **house_layout("What each dataset covers", "dark: records every event of its kinds; "
                             "light: a part of events (one group, one kind of attack)", source)}
    return go.Figure({"data": [trace], "layout": layout})
