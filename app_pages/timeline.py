"""Timeline: the lineage of pledges, splits and announcements, beside each group's attacks."""
import streamlit as st

from figures.catalog import context
from charts.timeline import lineage_chart
from dashboard import data
from dashboard.widgets import page_caption, download_menu, events_table
from indicators import coverage, timeline

f = st.session_state["filters"]
subtitle, source = context(data.query, f)

st.title("Timeline")
page_caption(data.query, st.session_state["filters"])
st.caption(f"{subtitle} · pledges, propaganda and recruitment are shown whatever the category filter; "
           "a bar spans the month or year when the day is unknown")
signals = data.query(timeline.lineage_events, f)
attacks = data.query(timeline.monthly_attacks, f)
if signals.empty and attacks.empty:
    st.info("No events match the filters.")
    st.stop()
fig = lineage_chart(signals, attacks, subtitle, source,
                    (data.query(coverage.period_status, f, "month"), data.query(coverage.coverage_changes, f)))
download_menu(fig, signals.drop(columns=["total"]), "lineage")
st.plotly_chart(fig, width="stretch", key="lineage")
if len(signals) and signals["total"].iloc[0] > len(signals):
    st.caption(f"showing the first {len(signals):,} of {signals['total'].iloc[0]:,} events")
st.subheader("Pledges, announcements, propaganda and recruitment, with their sources")
events_table(signals)
