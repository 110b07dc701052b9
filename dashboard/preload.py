"""The chart library fetched by the browser as soon as a page opens, while the server runs the
page, instead of when the first chart arrives.

Streamlit's frontend loads plotly (its `PlotlyChart` chunk, about 4.7 MB of JavaScript) only when
a run first sends a chart, and then downloads and compiles it while the page waits: on a cold
start that came after the server's first run, on the critical path to the first chart. The page
imports the same file (same URL, so the same module instance Streamlit imports later) from a
hidden `st.html` element sent first.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import streamlit as st

ELEMENT_ID = "preload-charts"  # the script's id: the browser tests find the element by it


@functools.cache
def chart_chunk() -> str | None:
    """The file name of Streamlit's plotly chunk (static/js/PlotlyChart.<hash>.js), None when this
    Streamlit has no single such file (the chart then loads when it is first drawn, as before)."""
    found = sorted((Path(st.__file__).parent / "static" / "static" / "js").glob("PlotlyChart.*.js"))
    return found[0].name if len(found) == 1 else None


def preload_charts() -> None:
    """Send the hidden element that makes the browser import the chart chunk now. Call it first
    in the script, before anything slow (Streamlit removes an element a run does not send again,
    so every run calls it; the browser imports the module once)."""
    name = chart_chunk()
    if name is None:
        return
    # the chunk sits beside Streamlit's entry script (index.<hash>.js), whatever the base URL path
    st.html(f"""<style>[data-testid="stElementContainer"]:has(#{ELEMENT_ID}) {{display: none}}</style>
<script id="{ELEMENT_ID}">(() => {{
  const entry = document.querySelector('script[type="module"][src*="/static/js/index."]');
  if (entry) import(new URL({json.dumps(name)}, entry.src)).catch(() => {{}});
}})();</script>""", unsafe_allow_javascript=True)
