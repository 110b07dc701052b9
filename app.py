"""Extremist activity indicators: navigation and the shared sidebar filters, nothing else."""
import streamlit as st

from dashboard.preload import preload_charts
from dashboard.signin import gate

st.set_page_config(page_title="Extremist activity indicators", layout="wide")
gate()  # sign-in first when it is configured (.streamlit/secrets.toml [auth]): nothing else shows before
preload_charts()  # before the imports and queries below: the browser loads plotly meanwhile

from dashboard import data, evidence  # noqa: E402  (pandas, DuckDB: after the preload is sent)
from dashboard.filters import sidebar_filters  # noqa: E402
from dashboard.navigation import FAVICON, PAGES  # noqa: E402
from indicators import overview  # noqa: E402

try:
    options = data.query(overview.filter_options)
except data.WarehouseMissing as err:
    st.error(str(err))
    st.stop()

if (warning := data.build_warning()) is not None:
    st.warning(warning)
filters = sidebar_filters(options)
st.session_state["options"] = options
page = st.navigation([st.Page(p.path, title=p.title, icon="", url_path=p.url_path or None,
                              default=not p.url_path) for p in PAGES])
st.set_page_config(page_icon=str(FAVICON))  # after st.navigation, whose page icon would win
# the days of a briefing note's evidence link narrow the Events page only
st.session_state["filters"] = evidence.narrowed(filters, page.url_path)
page.run()
