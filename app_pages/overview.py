"""Overview for a briefing: KPIs, the trend by category, the district map and the latest events."""
import streamlit as st

from charts.trend import trend_chart
from dashboard import data
from dashboard.filters import district_labels
from dashboard.widgets import delta, events_table
from indicators import overview
from maps.district_map import district_map, feature_collection

f = st.session_state["filters"]
options = st.session_state["options"]
subtitle = f.describe(district_labels(options))
source = "; ".join(data.query(overview.dataset_names, f)) or "no events match the filters"

st.title("Extremist activity indicators")
st.caption(f"{subtitle} · data version {data.version()}")

k = data.query(overview.kpis, f).set_index("period")
cols = st.columns(4)
for col, (metric, label) in zip(cols, (("events", "Events"), ("fatalities", "Fatalities"),
                                       ("districts_affected", "Districts affected"),
                                       ("injured", "Injured"))):
    now, before = int(k.loc["current", metric]), int(k.loc["previous", metric])
    col.metric(label, f"{now:,}", delta(now, before), delta_color="inverse",
               help=f"Against {f.previous().year_from}-{f.previous().year_to}: {before:,}")

period = st.segmented_control("Period", ["month", "quarter", "year"], default="year",
                              key="period") or "year"
st.plotly_chart(trend_chart(data.query(overview.trend, f, period), period, subtitle, source),
                width="stretch", key="trend_chart")

metric = st.segmented_control("Colour districts by", ["events", "fatalities"], default="events",
                              key="map_metric") or "events"
points = data.query(overview.event_points, f, 5000)
st.plotly_chart(district_map(feature_collection(data.query(overview.district_shapes)),
                             data.query(overview.district_totals, f), points, subtitle, source, metric),
                width="stretch", key="district_map")
notes = []
if len(points) and points["total"].iloc[0] > len(points):
    notes.append(f"showing the {len(points):,} deadliest of {points['total'].iloc[0]:,} incidents")
unplaced = data.query(overview.unplaced, f)
if len(unplaced):
    listed = ", ".join(f"{r.area} ({r.events})" for r in unplaced.itertuples())
    notes.append(f"{unplaced['events'].sum():,} events known only to a province or the country are "
                 f"counted in the totals but not drawn: {listed}")
for note in notes:
    st.caption(note)

st.subheader("Most recent events")
events_table(data.query(overview.recent_events, f, 15))
