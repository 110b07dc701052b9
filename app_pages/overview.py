"""Overview for a briefing: KPIs, the trend by category, the district map and the latest events."""
import streamlit as st

from dashboard import data
from dashboard.widgets import (briefing_downloads, delta, download_menu, events_table, left_out_note,
                               page_caption)
from export import catalog
from indicators import coverage, overview

f = st.session_state["filters"]
subtitle, source = catalog.context(data.query, f)

head, menu = st.columns([4, 1], vertical_alignment="bottom")
head.title("Extremist activity indicators")
with menu:
    briefing_downloads(f)
st.caption(f"{subtitle} · data version {data.version()}")
page_caption(data.query, f)

k = data.query(overview.kpis, f).set_index("period")
why_not = data.query(coverage.kpi_comparison, f)  # None: both periods have the same coverage
cols = st.columns(4)
previous = f"{f.previous().year_from}-{f.previous().year_to}"
for col, (metric, label) in zip(cols, (("events", "Events"), ("fatalities", "Fatalities"),
                                       ("districts_affected", "Districts affected"),
                                       ("injured", "Injured"))):
    now, before = round(k.loc["current", metric]), round(k.loc["previous", metric])
    col.metric(label, f"{now:,}", None if why_not else delta(now, before), delta_color="inverse",
               help=f"Not compared with {previous}: {why_not}" if why_not else
               f"Against {previous}: {before:,}")
if why_not:
    st.caption(f"No change against {previous} is shown: the datasets covering the two periods "
               f"differ ({why_not}).")

left, right = st.columns([4, 1], vertical_alignment="bottom")
period = left.segmented_control("Period", ["month", "quarter", "year"], default="year",
                                key="period") or "year"
fig, table = catalog.overview_trend(data.query, f, period)
with right:
    download_menu(fig, table, "events_by_category")
st.plotly_chart(fig, width="stretch", key="trend_chart")
left_out_note(table, period)

left, right = st.columns([4, 1], vertical_alignment="bottom")
metric = left.segmented_control("Colour districts by", ["events", "fatalities"], default="events",
                                key="map_metric") or "events"
district_map = catalog.map_figures(data.query, f, metric=metric, outlines=data.outlines("district"))
with right:
    download_menu(district_map.tile, district_map.values, "district_map", static=district_map.static,
                  complete=district_map.complete)
st.plotly_chart(district_map.tile, width="stretch", key="district_map")
points = data.query(overview.event_points, f, catalog.OVERVIEW_POINTS)
if len(points) and points["total"].iloc[0] > len(points):
    st.caption(f"showing the {len(points):,} deadliest of {points['total'].iloc[0]:,} incidents")
unplaced = data.query(overview.unplaced, f)
if len(unplaced):
    listed = ", ".join(f"{r.area} ({r.events})" for r in unplaced.itertuples())
    st.caption(f"{unplaced['events'].sum():,} events known only to a province or the country are "
               f"counted in the totals but not drawn: {listed}")

st.subheader("Most recent events")
events_table(data.query(overview.recent_events, f, 15))
