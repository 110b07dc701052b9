"""Links from a briefing sentence to the events behind it, and the date window such a link carries.

A link is the sidebar filters' URL (`?years=2018&category=attack&province=Sindh`) plus the
sentence's days and, for attacks on religious minorities, a flag:
`&from=2018-10-01&to=2018-12-31&minority=1` (both read and written by indicators.links). The
window applies to the Events page only: other pages read the yearly cube, where days inside a year
do not exist.
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from indicators.filters import Filters
from indicators.links import EVENTS_PAGE, WINDOW, to_query

FIELDS = ("date_from", "date_to", "minority_only")  # the window's Filters fields


def keep_window(f: Filters) -> None:
    """Keep the window of the filters read from the URL (dashboard/filters.py reads it once per
    session, before it rewrites the query string)."""
    st.session_state["evidence_window"] = {k: getattr(f, k) for k in FIELDS if getattr(f, k)}


def narrowed(f: Filters, page_path: str) -> Filters:
    """On the Events page, `f` narrowed to the link's window (kept in the URL); elsewhere `f`.
    The sidebar says when a window is set and offers to clear it."""
    window = st.session_state.get("evidence_window") or {}
    if not window:
        return f
    shown = replace(f, **window)
    days = " to ".join(f"{window[k]:%-d %b %Y}" if k in window else ("the start", "the end")[i]
                       for i, k in enumerate(("date_from", "date_to")))
    extra = ", attacks on religious minorities only" if window.get("minority_only") else ""
    st.sidebar.info(f"The Events page shows only {days}{extra} (from a briefing note's evidence link).",
                    icon=":material/filter_alt:")
    if st.sidebar.button("Show all dates", key="clear_evidence_window"):
        st.session_state["evidence_window"] = {}
        st.rerun()
    if page_path != EVENTS_PAGE:
        return f
    wanted = {k: v for k, v in to_query(shown) if k in WINDOW}
    if any(st.query_params.get(k) != v for k, v in wanted.items()):
        current = {k: st.query_params.get_all(k) for k in st.query_params}
        st.query_params.from_dict({**current, **wanted})
    return shown
