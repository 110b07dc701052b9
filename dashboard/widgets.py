"""Small display helpers shared by pages."""
from __future__ import annotations

import pandas as pd
import streamlit as st


def delta(now: int, before: int) -> str | None:
    """Change against the previous period as text: '+25%', '-10%', 'new' (previous was 0)."""
    if before == 0:
        return "new" if now else None
    return f"{(now - before) / before:+.0%}"


def events_table(frame: pd.DataFrame) -> None:
    """Events with their sources as links (text is shown as text, never as HTML)."""
    if frame.empty:
        st.info("No events match the filters.")
        return
    shown = frame.assign(place=frame["location"].fillna(frame["admin2"]).fillna(frame["admin1"]))
    st.dataframe(
        shown[["event_date", "date_precision", "category", "place", "actor", "fatalities",
               "injured", "description", "source_name", "source_url"]],
        hide_index=True, width="stretch",
        column_config={
            "event_date": st.column_config.DateColumn("date"),
            "date_precision": st.column_config.TextColumn("date known to", width="small"),
            "fatalities": st.column_config.NumberColumn("killed", help="blank = unknown"),
            "injured": st.column_config.NumberColumn("injured", help="blank = unknown"),
            "description": st.column_config.TextColumn("what happened", width="large"),
            "source_name": st.column_config.TextColumn("source"),
            "source_url": st.column_config.LinkColumn("link", display_text="open"),
        })


MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$:"


def plain(text) -> str:
    """`text` (a place or group name from the data) escaped for st.markdown/st.caption/st.subheader,
    so that it shows as typed: no link, image or formatting can come from the data."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(text))


EVENT_COLUMN_CONFIG = {
    "event_date": st.column_config.DateColumn("date"),
    "date_precision": st.column_config.TextColumn("date known to", width="small",
                                                  help="day, month or year"),
    "geo_precision": st.column_config.TextColumn("place known to", width="small",
                                                 help="point (source coordinates), place (a town), "
                                                      "district, province or country"),
    "location": st.column_config.TextColumn("place", width="medium"),
    "actor": st.column_config.TextColumn("actor", width="medium"),
    "admin2": st.column_config.TextColumn("district"),
    "admin1": st.column_config.TextColumn("province"),
    "actor_group": st.column_config.TextColumn("actor group"),
    "fatalities": st.column_config.NumberColumn("killed", help="blank = unknown"),
    "injured": st.column_config.NumberColumn("injured", help="blank = unknown"),
    "description": st.column_config.TextColumn("what happened", width="large"),
    "source_name": st.column_config.TextColumn("source", width="medium"),
    "source_title": st.column_config.TextColumn("source title"),
    "source_url": st.column_config.LinkColumn("link", display_text="open source",
                                              help="The report the event is cited from"),
    "source_date": st.column_config.DateColumn("published"),
    "event_id": st.column_config.TextColumn("event id"),
}


def events_grid(frame: pd.DataFrame, key: str | None = None) -> None:
    """Any selection of event columns (indicators.events.COLUMNS) as a table: sources as links,
    precision of date and place labelled; text is shown as text (st.dataframe never renders it)."""
    st.dataframe(frame, hide_index=True, width="stretch", key=key,
                 column_config={c: v for c, v in EVENT_COLUMN_CONFIG.items() if c in frame.columns})


def chart_click(chart_key: str) -> dict | None:
    """The point last clicked in a st.plotly_chart(on_select="rerun", key=chart_key) of the previous
    run, as Streamlit gives it (None when nothing is selected)."""
    state = st.session_state.get(chart_key)
    points = state.selection.points if state and state.get("selection") else []
    return points[0] if points else None


def new_chart_click(chart_key: str) -> dict | None:
    """The clicked point if it changed since it was last acted on (so a box change still wins)."""
    point = chart_click(chart_key)
    marker = repr(point)
    if point is None or st.session_state.get(f"{chart_key}_seen") == marker:
        st.session_state[f"{chart_key}_seen"] = marker
        return None
    st.session_state[f"{chart_key}_seen"] = marker
    return point
