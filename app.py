"""Extremist activity indicators: navigation and the shared sidebar filters, nothing else."""
import streamlit as st

from dashboard import data
from dashboard.filters import sidebar_filters
from dashboard.navigation import APP_ICON, PAGES
from indicators import overview

st.set_page_config(page_title="Extremist activity indicators", page_icon=APP_ICON, layout="wide")

try:
    options = data.query(overview.filter_options)
except data.WarehouseMissing as err:
    st.error(str(err))
    st.stop()

st.session_state["filters"] = sidebar_filters(options)
st.session_state["options"] = options
st.navigation([st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path or None, default=not p.url_path)
               for p in PAGES]).run()
