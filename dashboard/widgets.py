"""Small display helpers shared by pages."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.signin import exported

SMALL_BASE = 20  # below this, a change is given as counts: "+2 (from 1)", never "+200%"


def delta(now: int, before: int) -> str | None:
    """Change against the previous period as text: '+25%', '-10%'; from a small base (fewer than
    SMALL_BASE) as counts: '+2 (from 1)'; None when both are 0."""
    if before == 0 and now == 0:
        return None
    if before < SMALL_BASE:
        return f"{now - before:+,} (from {before:,})"
    return f"{(now - before) / before:+.0%}"


def page_caption(query, f) -> None:
    """The caption under a page title: the newest event of the data shown and, per dataset, its
    release and the end of its coverage (preliminary data labelled as such)."""
    from indicators import coverage

    st.caption(query(coverage.freshness, f))


def events_table(frame: pd.DataFrame) -> None:
    """Events with their sources as links (text is shown as text, never as HTML); the place is the
    reported location, else the district or province."""
    if frame.empty:
        st.info("No events match the filters.")
        return
    area = frame["admin2"].fillna(frame["admin1"]) if "admin1" in frame else frame["admin2"]
    shown = frame.assign(location=frame["location"].fillna(area))
    columns = [c for c in ("event_date", "date_precision", "category", "location", "actor", "fatalities",
                           "injured", "description", "source_name", "source_url") if c in shown]
    events_grid(shown[columns])


def left_out_note(frame: pd.DataFrame, period: str) -> None:
    """The caption under a chart by month or quarter: how many events, dated only to the year,
    it leaves out (indicators.library.placeable)."""
    left_out = frame.attrs.get("left_out_imprecise", 0)
    if left_out:
        st.caption(f"Events dated only to the year ({left_out:,}) are not placed in a {period}; they "
                   "count in yearly views.")


def rate_table(rates: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Rates for display: 'no data' where there is no population figure, never 0 or infinity."""
    names = [c for c in ("admin2", "admin1") if c in rates]
    return pd.DataFrame({
        **{c: rates[c] for c in names},
        measure: rates["value"].astype(int),
        "population 2017": rates["pop_2017"].map(lambda p: "no data" if pd.isna(p) else f"{int(p):,}"),
        "per 100,000": rates["per_100k"].map(lambda r: "no data" if pd.isna(r) else f"{r:.3f}"),
    })


def year_status(status: pd.DataFrame) -> dict[int, str]:
    """Year -> 'full', 'partial' or 'none' from indicators.coverage.period_status by year."""
    return {pd.Timestamp(d).year: s for d, s in zip(status["period_start"], status["status"])}


def covered_value(value, state: str) -> str:
    """A yearly figure for display: 'no data' in a year no selected dataset covers, 'partial'
    for a 0 in a year covered only in part (a zero there is not known to be none), else the
    figure."""
    if state == "none":
        return "no data"
    if state == "partial" and (pd.isna(value) or value == 0):
        return "partial"
    if pd.isna(value):
        return "no data"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def new_districts_table(frame: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """indicators.spread.new_district_counts for display: the count as text by coverage."""
    states = year_status(status)
    return frame.assign(new_districts=[covered_value(v, states.get(int(y), "full"))
                                       for y, v in zip(frame["year"], frame["new_districts"])])


def yearly_columns_table(frame: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """A table with one column per year (indicators.impact.gti_table) for display: each year's
    values as text by coverage."""
    states = year_status(status)
    shown = frame.copy()
    for column in frame.columns:
        if str(column).isdigit():
            state = states.get(int(column), "full")
            shown[column] = [covered_value(v, state) for v in frame[column]]
    return shown


def download_menu(fig, table: pd.DataFrame, name: str, static=None, complete=None) -> None:
    """A 'Download' menu next to a chart: PNG (1600x900, scale 2), SVG, PDF, interactive HTML, and
    the chart's data as CSV and XLSX. Files are made only when clicked. `static` makes the figure
    used for PNG/SVG/PDF (the map's static variant), `complete` the one for HTML (a map with its
    outlines inside, where the page's map fetches them from the dashboard); by default the chart
    itself for both."""
    from export import render, tables

    can_render = render.chromium_available()
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    note = f"{meta.get('title', name)}. {meta.get('subtitle', '')}. Source: {meta.get('source', '')}"
    with st.popover("Download", icon=":material/download:"):
        for fmt, mime in (("png", "image/png"), ("svg", "image/svg+xml"), ("pdf", "application/pdf")):
            st.download_button(fmt.upper(), key=f"{name}_{fmt}", file_name=f"{name}.{fmt}", mime=mime,
                               data=exported(f"{name} {fmt}", lambda fmt=fmt: render.figure_bytes(
                                   render.for_slide(static() if static else complete() if complete else fig), fmt)),
                               on_click="ignore", disabled=not can_render)
        if not can_render:
            st.caption(render.INSTALL_HINT)
        st.download_button("HTML (interactive)", key=f"{name}_html", file_name=f"{name}.html",
                           mime="text/html", data=exported(f"{name} html", lambda: render.figure_html(complete() if complete else fig)),
                           on_click="ignore")
        st.download_button("Data (CSV)", key=f"{name}_csv", file_name=f"{name}.csv", mime="text/csv",
                           data=exported(f"{name} csv", lambda: tables.csv_bytes(table)), on_click="ignore")
        st.download_button("Data (XLSX)", key=f"{name}_xlsx", file_name=f"{name}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           data=exported(f"{name} xlsx", lambda: tables.xlsx_bytes(table, name, note)), on_click="ignore")


def briefing_downloads(f) -> None:
    """The one-click briefing deck (PPTX, PDF) and the filtered events (CSV, XLSX, GeoJSON)."""
    from dashboard import data
    from export import render, tables
    from indicators import overview, provenance

    cursor = data.connection()  # a cursor of its own for the download threads

    def query(fn, *args):
        return fn(cursor, *args)

    def note() -> str:  # only when a file is asked for, not on every rerun
        return f"{f.describe()}. Source: {provenance.source_line(cursor, f)}"

    def deck(fmt: str) -> bytes:  # python-pptx is imported when a deck is asked for, not at start
        from export.deck import build_deck

        return build_deck(query, f, fmt)

    with st.popover("Briefing & data", icon=":material/slideshow:"):
        can_render = render.chromium_available()
        st.download_button("Briefing deck (PPTX)", key="deck_pptx", file_name="briefing.pptx",
                           mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
                           data=exported("deck pptx", lambda: deck("pptx")), on_click="ignore", disabled=not can_render)
        st.download_button("Briefing deck (PDF)", key="deck_pdf", file_name="briefing.pdf",
                           mime="application/pdf", data=exported("deck pdf", lambda: deck("pdf")),
                           on_click="ignore", disabled=not can_render)
        if not can_render:
            st.caption(render.INSTALL_HINT)
        st.caption("The filtered events, with their sources:")
        st.download_button("Events (CSV)", key="events_csv", file_name="events.csv", mime="text/csv",
                           data=exported("events csv", lambda: tables.csv_bytes(overview.filtered_events(cursor, f))),
                           on_click="ignore")
        st.download_button("Events (XLSX)", key="events_xlsx", file_name="events.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           data=exported("events xlsx", lambda: tables.xlsx_bytes(overview.filtered_events(cursor, f), "events",
                                                                          note())),
                           on_click="ignore")
        st.download_button("Events with coordinates (GeoJSON)", key="events_geojson",
                           file_name="events.geojson", mime="application/geo+json",
                           data=exported("events geojson", lambda: tables.geojson_bytes(overview.filtered_events(cursor, f))),
                           on_click="ignore")
MARKDOWN_SPECIALS = "\\`*_{}[]()<>#+-.!|~$:"


def plain(text) -> str:
    """`text` (a place or group name from the data) escaped for st.markdown/st.caption/st.subheader,
    so that it shows as typed: no link, image or formatting can come from the data."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIALS else ch for ch in str(text))


EVENT_COLUMN_CONFIG = {
    "event_date": st.column_config.DateColumn("date"),
    "date_precision": st.column_config.TextColumn("date known to", width="small",
                                                  help="day, month or year"),
    "geo_precision": st.column_config.TextColumn("place known to", width="small",
                                                 help="point (source coordinates), place (a town), "
                                                      "district, province or country"),
    "location": st.column_config.TextColumn("place", width="medium"),
    "actor": st.column_config.TextColumn("actor", width="medium"),
    "admin2": st.column_config.TextColumn("district"),
    "admin1": st.column_config.TextColumn("province"),
    "actor_group": st.column_config.TextColumn("actor group"),
    "fatalities": st.column_config.NumberColumn("killed", help="blank = unknown"),
    "injured": st.column_config.NumberColumn("injured", help="blank = unknown"),
    "description": st.column_config.TextColumn("what happened", width="large"),
    "source_name": st.column_config.TextColumn("source", width="medium"),
    "source_title": st.column_config.TextColumn("source title"),
    "source_url": st.column_config.LinkColumn("link", display_text="open source",
                                              help="The report the event is cited from"),
    "source_date": st.column_config.DateColumn("published"),
    "event_id": st.column_config.TextColumn("event id"),
}


def events_grid(frame: pd.DataFrame, key: str | None = None) -> None:
    """Any selection of event columns (indicators.events.COLUMNS) as a table: sources as links,
    precision of date and place labelled; text is shown as text (st.dataframe never renders it)."""
    st.dataframe(frame, hide_index=True, width="stretch", key=key,
                 column_config={c: v for c, v in EVENT_COLUMN_CONFIG.items() if c in frame.columns})


def chart_click(chart_key: str) -> dict | None:
    """The point last clicked in a st.plotly_chart(on_select="rerun", key=chart_key) of the previous
    run, as Streamlit gives it (None when nothing is selected)."""
    state = st.session_state.get(chart_key)
    points = state.selection.points if state and state.get("selection") else []
    return points[0] if points else None


def new_chart_click(chart_key: str) -> dict | None:
    """The clicked point if it changed since it was last acted on (so a box change still wins)."""
    point = chart_click(chart_key)
    marker = repr(point)
    if point is None or st.session_state.get(f"{chart_key}_seen") == marker:
        st.session_state[f"{chart_key}_seen"] = marker
        return None
    st.session_state[f"{chart_key}_seen"] = marker
    return point
