"""Extremist activity indicators: navigation and the shared sidebar filters, nothing else."""
import streamlit as st

from dashboard import data, evidence
from dashboard.filters import sidebar_filters
from indicators import overview

st.set_page_config(page_title="Extremist activity indicators", page_icon=":material/monitoring:", layout="wide")

try:
    options = data.query(overview.filter_options)
except data.WarehouseMissing as err:
    st.error(str(err))
    st.stop()

evidence.read_window()  # before the sidebar filters rewrite the query string
filters = sidebar_filters(options)
st.session_state["options"] = options
page = st.navigation([
    st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
    st.Page("app_pages/trends.py", title="Trends", icon=":material/trending_up:"),
    st.Page("app_pages/timeline.py", title="Timeline", icon=":material/timeline:"),
    st.Page("app_pages/map.py", title="Map", icon=":material/map:"),
    st.Page("app_pages/brief.py", title="Brief", icon=":material/article:"),
    st.Page("app_pages/events.py", title="Events", icon=":material/table_rows:"),
    st.Page("app_pages/methods.py", title="Sources & methods", icon=":material/menu_book:"),
    st.Page("app_pages/data.py", title="Data", icon=":material/upload_file:"),
])
# the days of a briefing note's evidence link narrow the Events page only
st.session_state["filters"] = evidence.narrowed(filters, page.url_path)
page.run()
