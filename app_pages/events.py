"""Events: every filtered event with its source, searchable and sortable, one page at a time (the
page is read from the warehouse with LIMIT/OFFSET, so it stays fast at a million events)."""
import math

import streamlit as st

from dashboard import data
from dashboard.filters import district_labels
from dashboard.widgets import page_caption, events_grid
from indicators import events

f = st.session_state["filters"]
options = st.session_state["options"]

st.title("Events")
page_caption(data.query, st.session_state["filters"])
st.caption(f"{f.describe(district_labels(options))} · data version {data.version()}")

c1, c2, c3, c4 = st.columns([3, 1.2, 1, 1])
text = c1.text_input("Search", key="events_search", max_chars=200,
                     placeholder="words in the description, place, actor or source",
                     help="Every word must appear (in any of those fields); case does not matter.")
sort = c2.selectbox("Sort by", list(events.SORTS), key="events_sort")
order = c3.selectbox("Order", ["descending", "ascending"], key="events_order")
page_size = c4.selectbox("Rows per page", [25, 50, 100, 250], index=1, key="events_page_size")
columns = st.multiselect("Columns", events.COLUMNS, default=list(events.DEFAULT_COLUMNS),
                         key="events_columns") or list(events.DEFAULT_COLUMNS)

total = data.query(events.event_count, f, text)
pages = max(1, math.ceil(total / page_size))
# A new search, sort or page size starts again from page 1.
view = (text, sort, order, page_size, f)
if st.session_state.get("events_view") != view:
    st.session_state["events_view"] = view
    st.session_state["events_page"] = 1
st.session_state["events_page"] = min(st.session_state.get("events_page", 1), pages)
p1, p2 = st.columns([1, 4])
page = p1.number_input("Page", min_value=1, max_value=pages, step=1, key="events_page")
first = (page - 1) * page_size + 1 if total else 0
p2.metric("Matching events", f"{total:,}",
          help="Events matching the sidebar filters and the search")
st.caption(f"Rows {first:,}-{min(page * page_size, total):,} of {total:,}, page {page} of {pages}.")

events_grid(data.query(events.event_page, f, text, sort, order == "descending", page, page_size,
                       tuple(columns)), key="events_table")
