"""Outlook: where militant violence is likely in the next months, per district, and how well the
same model did in a backtest against simple baselines (a horizon is shown only where it beat no
change). The backtest and the forecast are computed once per warehouse version
(indicators.outlook_cache); the page reads them."""
import streamlit as st

from dashboard import data
from dashboard.widgets import download_menu, new_chart_click, plain
from figures import catalog
from indicators import outlook
from maps.area_map import BASEMAPS

chosen = st.session_state["filters"]
f = outlook.outlook_filters(chosen)

st.title("Outlook")
try:
    with st.spinner("Backtesting the model against the baselines (once per warehouse version)..."):
        state = catalog.outlook_state(data.query, chosen)
except ValueError as error:
    st.error(str(error))
    st.stop()
scope = state.scope
as_of = f"{scope['as_of']:%B %Y}"
st.caption(f"Forecasts of {f.scope()} per district, made as of **{as_of}**: the last month of "
           f"{plain(scope['dataset'])}, the last complete, final dataset with districts. Counts "
           f"up to then train the model; the months forecast may already be past.")
st.caption(f"Filters: {outlook.filters_note(chosen)}")

hidden = [h for h in outlook.HORIZONS if h not in state.skilful]
if hidden:
    st.warning(f"Not shown: {', '.join(map(str, hidden))} month(s) ahead. There the model did not beat "
               f"the no-change baseline (next month = this month) on CRPS in the backtest, so its "
               f"forecast would add nothing to last month's count.")
if not state.skilful:
    st.subheader("Backtest scores", anchor=False)
    st.dataframe(state.scores, hide_index=True)
    st.stop()
if not len(state.forecast):
    st.info("No district of the chosen provinces and districts has a forecast: the outlook covers "
            f"{', '.join(scope['countries'])}.")
    st.stop()

c1, c2 = st.columns([2, 1])
skilful = state.skilful
horizon = c1.segmented_control("Months ahead", skilful, default=skilful[-1], key="outlook_horizon",
                               format_func=lambda h: f"{h} month{'s' if h > 1 else ''}") or skilful[-1]
basemap = c2.selectbox("Basemap", list(BASEMAPS), key="outlook_basemap",
                       help="The street map loads tiles from openstreetmap.org: it needs internet.")

rows = state.forecast[state.forecast["horizon"] == horizon]
ids = list(rows.sort_values("p_within", ascending=False)["district_id"])
click = new_chart_click("outlook_map")
if click is not None and click.get("location") in ids:
    st.session_state["outlook_district"] = click["location"]
if st.session_state.get("outlook_district") not in ids:
    st.session_state["outlook_district"] = ids[0]
names = dict(zip(rows["district_id"], rows["admin2"] + " (" + rows["admin1"] + ")"))
chance = dict(zip(rows["district_id"], rows["p_within"]))
district = st.selectbox("District", ids, key="outlook_district",
                        format_func=lambda d: f"{names[d]}, {chance[d]:.0%}")

fig, table = catalog.outlook_map(data.query, chosen, state, horizon, district, BASEMAPS[basemap],
                                 outlines=data.outlines("district"))
download_menu(fig, table, f"outlook_{horizon}m")
st.plotly_chart(fig, width="stretch", key="outlook_map", on_select="rerun", selection_mode="points")

st.subheader(plain(names[district]), anchor=False)
fan, fan_table = catalog.outlook_fan(data.query, chosen, state, horizon, district)
download_menu(fan, fan_table, f"outlook_{district}_{horizon}m")
st.plotly_chart(fan, width="stretch", key="outlook_fan")
mine = rows[rows["district_id"] == district]
m1, m2 = st.columns(2)
m1.metric(f"Chance of at least one event in {horizon} month{'s' if horizon > 1 else ''}", f"{chance[district]:.0%}")
m2.metric("Expected events", f"{mine['mean_within'].iloc[0]:.1f}")

st.subheader("How good is it? The backtest", anchor=False)
st.markdown(f"Every month from {outlook.FIRST_YEAR} to {as_of} forecast again from only the data before "
            f"it, in every district of {', '.join(scope['countries'])}, scored against the baselines: "
            "**no change** (a Poisson with last month's count as mean), **the district's 12-month mean** "
            "(Poisson) and **zero**. Lower CRPS and Brier are better; a good 50% (90%) interval holds about "
            "half (nine in ten) of the observed counts.")
shown = state.scores[state.scores["horizon"] == horizon].assign(method=lambda t: t["method"].map(outlook.METHODS))
st.dataframe(shown, hide_index=True, column_config={
    "crps": st.column_config.NumberColumn("CRPS (events)", format="%.4f"),
    "brier": st.column_config.NumberColumn("Brier", format="%.4f"),
    "cover_50": st.column_config.NumberColumn("in 50% interval", format="percent"),
    "cover_90": st.column_config.NumberColumn("in 90% interval", format="percent")}, key="outlook_scores")
st.markdown(outlook.reliability_sentence(state.bands, horizon).replace("%", "\\%"))
st.markdown(outlook.deaths_sentence(state.deaths).replace("%", "\\%"))

st.subheader("Caveats", anchor=False)
st.markdown(
    f"- **Coverage**: the model learns from district-level counts up to {as_of} only. Later data are "
    "preliminary or known only to the country and are not used, so the months forecast may already be "
    "past; districts outside the covered countries have no forecast.\n"
    "- **What it assumes**: recent violence in a district and its neighbours says what is likely next; "
    "operations, political events and changes in how events are recorded are unknown to it.\n"
    "- **Not a warning**: a forecast is a probability for a district and a month, not a warning of a "
    "specific attack, and says nothing about who or what would be targeted.")
