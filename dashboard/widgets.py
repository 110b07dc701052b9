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


def rate_table(rates: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Rates for display: 'no data' where there is no population figure, never 0 or infinity."""
    names = [c for c in ("admin2", "admin1") if c in rates]
    return pd.DataFrame({
        **{c: rates[c] for c in names},
        measure: rates["value"].astype(int),
        "population 2017": rates["pop_2017"].map(lambda p: "no data" if pd.isna(p) else f"{int(p):,}"),
        "per 100,000": rates["per_100k"].map(lambda r: "no data" if pd.isna(r) else f"{r:.3f}"),
    })
