"""Links from a briefing sentence to the events behind it, and the date window such a link carries.

A link is the sidebar filters' URL (`?years=2018&category=attack&province=Sindh`, see
dashboard/filters.py) plus the sentence's days and, for attacks on religious minorities, a flag:
`&from=2018-10-01&to=2018-12-31&minority=1`. The window applies to the Events page only: other
pages read the yearly cube, where days inside a year do not exist.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from indicators.filters import Filters
from indicators.links import EVENTS_PAGE
from indicators.periods import EvidenceFilters

WINDOW_PARAMS = ("from", "to", "minority")


def _parse_window(params) -> tuple[dict, list[str]]:
    window, notes = {}, []
    for key in ("from", "to"):
        if key in params:
            try:
                window[key] = dt.date.fromisoformat(params[key][:10])
            except ValueError:
                notes.append(f"{key}={params[key][:40]!r} ignored: expected a date YYYY-MM-DD")
    if "from" in window and "to" in window and window["from"] > window["to"]:
        notes.append("from/to ignored: the first day is after the last")
        window = {}
    if "minority" in params:
        if params["minority"] == "1":
            window["minority"] = True
        else:
            notes.append(f"minority={params['minority'][:40]!r} ignored: expected 1")
    return window, notes


def read_window() -> None:
    """Read the link's window from the URL once per session (before the sidebar filters rewrite
    the query string)."""
    if "evidence_window" not in st.session_state:
        st.session_state["evidence_window"], st.session_state["evidence_notes"] = _parse_window(
            st.query_params)


def narrowed(f: Filters, page_path: str) -> Filters:
    """On the Events page, `f` narrowed to the link's window (kept in the URL); elsewhere `f`.
    The sidebar says when a window is set and offers to clear it."""
    window = st.session_state.get("evidence_window") or {}
    for note in st.session_state.get("evidence_notes", []):
        st.sidebar.warning(note, icon="⚠️")
    if not window:
        return f
    shown = EvidenceFilters.of(f, date_from=window.get("from"), date_to=window.get("to"),
                               minority_only=window.get("minority", False))
    days = " to ".join(f"{window[k]:%-d %b %Y}" if k in window else ("the start", "the end")[i]
                       for i, k in enumerate(("from", "to")))
    extra = ", attacks on religious minorities only" if window.get("minority") else ""
    st.sidebar.info(f"The Events page shows only {days}{extra} (from a briefing note's evidence link).",
                    icon=":material/filter_alt:")
    if st.sidebar.button("Show all dates", key="clear_evidence_window"):
        st.session_state["evidence_window"] = {}
        st.rerun()
    if page_path != EVENTS_PAGE:
        return f
    wanted = {k: ("1" if k == "minority" else window[k].isoformat()) for k in WINDOW_PARAMS if k in window}
    if any(st.query_params.get(k) != v for k, v in wanted.items()):
        current = {k: st.query_params.get_all(k) for k in st.query_params}
        st.query_params.from_dict({**current, **wanted})
    return shown
