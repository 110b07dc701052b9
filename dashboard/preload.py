"""The chart library fetched by the browser as soon as a page opens, while the server runs the
page, instead of when the first chart arrives.

Streamlit's frontend loads plotly (its `PlotlyChart` chunk, about 4.7 MB of JavaScript) only when
a run first sends a chart, and then downloads and compiles it while the page waits: on a cold
start that came after the server's first run, on the critical path to the first chart. The page
imports the same file (same URL, so the same module instance Streamlit imports later) from a
hidden `st.html` element sent first.

The table chunk (`DataFrame`, about 1.3 MB with the Arrow helpers it imports) is only fetched and
parsed ahead (`<link rel="modulepreload">`), not run: when a page's first run arrives while the
browser still compiles plotly, the table is drawn in the same batch as the first chart, and a
chunk fetched only then holds that batch back (running it ahead would lengthen the compile).
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st

ELEMENT_ID = "preload-charts"  # the script's id: the browser tests find the element by it


@functools.cache
def _chunk(element: str) -> str | None:
    """The file name of Streamlit's chunk for an element (static/js/<element>.<hash>.js), None when
    this Streamlit has no single such file (the element then loads when it is first drawn)."""
    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob(f"{element}.*.js"))
    return found[0].name if len(found) == 1 else None


def chart_chunk() -> str | None:
    """Streamlit's plotly chunk (static/js/PlotlyChart.<hash>.js), imported ahead."""
    return _chunk("PlotlyChart")


def table_chunk() -> str | None:
    """Streamlit's st.dataframe chunk (static/js/DataFrame.<hash>.js), fetched and parsed ahead."""
    return _chunk("DataFrame")


def preload_charts() -> None:
    """Send the hidden element that makes the browser import the chart chunk and fetch the table
    chunk now. Call it first
    in the script, before anything slow (Streamlit removes an element a run does not send again,
    so every run calls it; the browser imports the module once)."""
    name, table = chart_chunk(), table_chunk()
    if name is None and table is None:
        return
    # the chunks sit beside Streamlit's entry script (index.<hash>.js), whatever the base URL path
    st.html(f"""<style>[data-testid="stElementContainer"]:has(#{ELEMENT_ID}) {{display: none}}</style>
<script id="{ELEMENT_ID}">(() => {{
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (!entry) return;
  const chart = {json.dumps(name)}, table = {json.dumps(table)};
  if (chart) import(new URL(chart, entry.src)).catch(() => {{}});
  if (table && !document.querySelector('link[rel="modulepreload"][href$="/' + table + '"]')) {{
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.href = new URL(table, entry.src).href;
    document.head.appendChild(link);
  }}
}})();</script>""", unsafe_allow_javascript=True)
