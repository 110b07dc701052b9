"""Trends: any indicator over time, broken down and compared, with pledges marked on the axis."""
import streamlit as st

from figures import catalog
from dashboard import data
from charts.yardstick import add_yardstick
from dashboard.widgets import (download_menu, left_out_note, new_districts_table, page_caption,
                               rate_table, yearly_columns_table)
from indicators import coverage, impact, library, spread, yardsticks
from indicators.registry import BY_ID, INDICATORS, compute

f = st.session_state["filters"]
subtitle, source = catalog.context(data.query, f)
BREAKDOWN_NAMES = {"": "none", "category": "category", "actor_group": "actor group",
                   "province": "province", "district": "district", "target_class": "target class"}

st.title("Trends")
page_caption(data.query, st.session_state["filters"])
st.caption(f"{subtitle} · data version {data.version()}")

choices = [i.id for i in INDICATORS if i.kind in ("measure", "diffusion")]
c1, c2, c3 = st.columns([2, 1, 1])
ind = BY_ID[c1.selectbox("Indicator", choices, format_func=lambda i: BY_ID[i].name, key="trend_indicator")]
period = c2.segmented_control("Granularity", list(library.PERIODS), default="year", key="trend_period") or "year"
breakdowns = [""] + (list(library.BREAKDOWNS) if ind.kind == "measure" else [])
breakdown = c3.selectbox("Break down by", breakdowns, format_func=BREAKDOWN_NAMES.get, key="trend_breakdown")
st.caption(f"**{ind.question}** {ind.definition} Formula: `{ind.formula}`.")

frame = data.query(compute, ind.id, f, (period, breakdown) if breakdown else (period,))
chosen = ()
if breakdown and len(frame):
    label = "admin2" if breakdown == "district" else None
    names = dict(zip(frame[breakdown], frame[label].fillna(frame[breakdown]))) if label else None
    chosen = tuple(st.multiselect("Compare (up to six)", sorted(frame[breakdown].unique(), key=str),
                                  default=library.top_series(frame, breakdown), max_selections=6,
                                  format_func=(names.get if names else str), key=f"trend_series_{breakdown}"))
o1, o2, o3, o4 = st.columns([2, 2, 2, 1], vertical_alignment="bottom")
can_smooth = ind.kind == "measure" and ind.measure not in library.RATIOS
rolling = o1.selectbox("Smooth", [0, 3, 12], format_func=lambda w: f"rolling {w}-{period} sum" if w else "none",
                       key="trend_rolling", disabled=not can_smooth)
small = o2.toggle("Small multiples", value=False, key="trend_small", disabled=not breakdown)
marks = o3.toggle("Mark pledges and announcements", value=True, key="trend_marks")
fig, table = catalog.indicator_chart(data.query, f, ind.id, period, breakdown or None, chosen, small,
                                     rolling if can_smooth else 0, marks)
published = None  # the published yardstick: a yearly count of events or deaths, one series, as counted
if period == "year" and not breakdown and not rolling and ind.id in yardsticks.FOR_INDICATOR:
    published = data.query(yardsticks.beside, f, yardsticks.FOR_INDICATOR[ind.id])
    add_yardstick(fig, published)
with o4:
    download_menu(fig, table, f"trend_{ind.id}")
st.plotly_chart(fig, width="stretch", key="trend_lines")
left_out_note(frame, period)
if published is not None:
    sentences = [yardsticks.sentence(row) for _, row in published.iterrows()]
    st.caption("Published figures (◇, the closest definition; hover for it and the link): "
               + "; ".join(sentences[-3:]) + ".")
    with st.expander("Published figures: details"):
        st.markdown("\n".join(f"- {s}" for s in sentences))
        st.dataframe(published, hide_index=True, width="stretch",
                     column_config={"url": st.column_config.LinkColumn("url")})
with st.expander("The numbers behind the chart"):
    st.dataframe(table, hide_index=True, width="stretch")

st.header("Is the network growing, and where?")
left, right = st.columns(2)
left.subheader("New districts per year")
left.caption(BY_ID["new_districts"].definition)
years_covered = data.query(coverage.period_status, f, "year")  # 'no data' / 'partial', never a bare 0
left.dataframe(new_districts_table(data.query(spread.new_district_counts, f), years_covered),
               hide_index=True, width="stretch")
right.subheader("Escalation alerts")
right.caption(BY_ID["escalation_alerts"].definition)
alerts = data.query(compute, "escalation_alerts", f, ("month",))
if alerts.empty:
    right.info("No district had an unusual month with these filters.")
else:
    right.dataframe(alerts[["month", "reason", "p_value"]], hide_index=True, width="stretch")

left, right = st.columns(2)
left.subheader("Impact score (GTI-style) by province")
left.caption(BY_ID["gti_score"].definition)
reference = data.query(impact.gti_reference, "province")  # the same for every filter: once per warehouse
left.dataframe(yearly_columns_table(data.query(impact.gti_table, f, "province", reference), years_covered),
               hide_index=True, width="stretch")
right.subheader("Attacks per 100,000 people by district")
right.caption(BY_ID["attacks_per_100k"].definition)
rates = data.query(impact.rates, f, "attacks", "district")
right.dataframe(rate_table(rates[rates["value"] > 0], "attacks"), hide_index=True, width="stretch")
