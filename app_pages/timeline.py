"""Timeline: the lineage of pledges, splits and announcements, beside each group's attacks."""
import streamlit as st

from charts.timeline import lineage_chart
from dashboard import data
from dashboard.filters import district_labels
from dashboard.widgets import events_table
from indicators import overview, timeline

f = st.session_state["filters"]
subtitle = f.describe(district_labels(st.session_state["options"]))
source = "; ".join(data.query(overview.dataset_names, f)) or "no events match the filters"

st.title("Timeline")
st.caption(f"{subtitle} · pledges, propaganda and recruitment are shown whatever the category filter; "
           "a bar spans the month or year when the day is unknown")
signals = data.query(timeline.lineage_events, f)
attacks = data.query(timeline.monthly_attacks, f)
if signals.empty and attacks.empty:
    st.info("No events match the filters.")
    st.stop()
st.plotly_chart(lineage_chart(signals, attacks, subtitle, source), width="stretch", key="lineage")
if len(signals) and signals["total"].iloc[0] > len(signals):
    st.caption(f"showing the first {len(signals):,} of {signals['total'].iloc[0]:,} events")
st.subheader("Pledges, announcements, propaganda and recruitment, with their sources")
events_table(signals.assign(admin1=None, injured=None, fatalities=None))
