"""Overview for a briefing: militant violence beside the monitors' count, the trend by category,
the district map and the latest events."""
from dataclasses import replace

import pandas as pd
import streamlit as st

from charts.yardstick import add_yardstick
from dashboard import data
from dashboard.widgets import (briefing_downloads, delta, download_menu, events_table, left_out_note,
                               page_caption)
from figures import catalog
from contract.schema import MILITANT_CATEGORIES
from indicators import coverage, overview, yardsticks

f = st.session_state["filters"]
subtitle, source = catalog.context(data.query, f)

head, menu = st.columns([4, 1], vertical_alignment="bottom")
head.title("Militant violence and its weak signals")
with menu:
    briefing_downloads(f)
# coverage in one line; its details (datasets, releases, why a change is withheld) on demand
line, more = st.columns([5, 1], vertical_alignment="center")
line.caption(f"{subtitle} · {data.query(coverage.coverage_line, f)} · data version {data.version()}")
why_not = data.query(coverage.kpi_comparison, f)  # None: both periods have the same coverage
with more.popover("Details", width="stretch"):
    page_caption(data.query, f)
    if why_not:
        st.caption(f"No change against the previous period is shown: the datasets covering the "
                   f"two periods differ ({why_not}).")

k = data.query(overview.kpis, f).set_index("period")
scope = data.query(overview.scope_counts, f)
before = data.query(overview.scope_counts, f.previous())
previous = f"{f.previous().year_from}-{f.previous().year_to}"
# the monitors' counts beside ours (Pakistan, or the chosen country or province): the latest year of
# the filters with a published figure in words, every year on the chart. Militant violence (UCDP's
# clashes include the security forces' operations) is set beside the monitors' count of all
# incidents, attacks beside their count of attacks.
violence_f = replace(f, categories=tuple(c for c in f.categories if c in MILITANT_CATEGORIES))
attacks = data.query(yardsticks.beside, replace(f, categories=("attack",)), "attacks")
violence = data.query(yardsticks.beside, violence_f, "militant_violence")
latest = [frame[frame["published"].notna()].iloc[-1] if frame["published"].notna().any()
          else frame.iloc[-1] for frame in (attacks, violence)]


def show(col, label, now, then, help_text):
    col.metric(label, f"{now:,}", None if why_not else delta(now, then), delta_color="inverse",
               help=help_text + (f" Not compared with {previous}: {why_not}" if why_not
                                 else f" Against {previous}: {then:,}."))


cols = st.columns(5)
show(cols[0], "Militant violence", scope["militant_violence"], before["militant_violence"],
     f"Events: {scope['attacks']:,} attacks and {scope['clashes']:,} armed clashes with a militant "
     f"side ({f.scope()}).")
show(cols[1], "of which attacks", scope["attacks"], before["attacks"],
     "Attacks by militant groups and unclaimed attacks; a clash is never counted as one.")
show(cols[2], "Deaths", round(k.loc["current", "fatalities"]), round(k.loc["previous", "fatalities"]),
     "People killed in the events counted (each source's headline figure).")
show(cols[3], "Districts affected", round(k.loc["current", "districts_affected"]),
     round(k.loc["previous", "districts_affected"]), "Districts with at least one event counted.")
show(cols[4], "Weak signals", scope["signals"], before["signals"],
     "Propaganda, allegiance, recruitment and organisation events.")
st.markdown(f"**Against the monitors**, {latest[0]['region']}: "
            + " · ".join(yardsticks.sentence(row) for row in latest),
            help="\n\n".join(f"**{row['publisher']} {row['published_measure']}**: {row['definition']} "
                               f"Source: {row['url']}" for row in latest if pd.notna(row["published"]))
            or None)

left, right = st.columns([4, 1], vertical_alignment="bottom")
period = left.segmented_control("Period", ["month", "quarter", "year"], default="year",
                                key="period") or "year"
fig, table = catalog.overview_trend(data.query, f, period)
if period == "year":
    add_yardstick(fig, violence)
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
