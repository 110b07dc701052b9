"""Map: where activity is concentrated and how it spreads, down to one district's events and their
sources (click a district or pick it in the box; click a bar to narrow the table)."""
from dataclasses import replace

import streamlit as st

from charts.bars import spread_chart, top_chart
from charts.trend import trend_chart
from dashboard import data
from dashboard.widgets import page_caption, chart_click, download_menu, events_grid, new_chart_click, plain
from figures import catalog
from indicators import coverage, events, geography, overview, provenance
from contract.schema import COUNTRY_NAMES
from maps.area_map import BASEMAPS, METRIC_LABELS

POINT_CAP = 5000
PANEL_ROWS = 100
PANEL_COLUMNS = ("event_date", "date_precision", "category", "location", "geo_precision", "actor",
                 "fatalities", "source_name", "source_url", "description", "admin2", "admin1")

f = st.session_state["filters"]
years = ["all"] + [str(y) for y in range(f.year_from, f.year_to + 1)]

st.title("Map")
page_caption(data.query, st.session_state["filters"])
c1, c2, c3 = st.columns([1, 1.3, 1])
level = c1.segmented_control("Areas", geography.LEVELS, default="district", key="map_level") or "district"
metric = c2.segmented_control("Colour by", list(geography.METRICS), default="events", key="map_metric",
                              format_func=METRIC_LABELS.get,
                              help="signal events: propaganda, allegiance and recruitment") or "events"
basemap = c3.selectbox("Basemap", list(BASEMAPS), key="map_basemap",
                       help="The street map loads tiles from openstreetmap.org: it needs internet. "
                            "Without it the outlines are drawn on white.")
year_click = new_chart_click("spread_chart")
if year_click is not None and str(year_click.get("x")) in years:
    st.session_state["map_year"] = str(year_click["x"])  # a click on a year of the spread chart
if st.session_state.get("map_year") not in years:
    st.session_state["map_year"] = "all"
c4, c5 = st.columns([3, 1])
yearly = data.query(coverage.period_status, f, "year")
no_data = {str(d.year) for d, s in zip(yearly["period_start"], yearly["status"]) if s == "none"}
period = c4.select_slider("Year", years, key="map_year",
                          format_func=lambda y: f"{y} (no data)" if y in no_data else y,
                          help="One year of the selected range, to see the spread over time "
                               "(or click a year in the spread chart below the map); a year no "
                               "selected dataset covers is marked (no data)")
show_points = c5.toggle("Incident points", key="map_points", help=f"Events with a point, the "
                        f"deadliest {POINT_CAP:,} at most, sized by fatalities and coloured by category")

mf = f if period == "all" else replace(f, year_from=int(period), year_to=int(period))
shapes = data.query(geography.area_shapes, level)
values = data.query(geography.area_values, mf, level)
source = data.query(provenance.source_line, mf)

# Open a unit: a click on the map (on a district, or on an incident inside one) or the select box.
unit_key = f"map_unit_{level}"
ids = set(shapes["unit_id"])
click = new_chart_click("area_map")
if click is not None:
    custom = click.get("customdata") or [click.get("location")]
    custom = custom if isinstance(custom, list) else [custom]
    if custom[0] in ids:
        st.session_state[unit_key] = custom[0]
    # an incident point carries (district_id, event_id): remember the event to show it first
    st.session_state["map_incident"] = custom[1] if len(custom) > 1 else None
if st.session_state.get(unit_key) not in ids:
    st.session_state[unit_key] = None
counts = dict(zip(values["unit_id"], values["events"]))
order = sorted(shapes.itertuples(), key=lambda r: (-counts.get(r.unit_id, 0), r.name))
labels = {r.unit_id: f"{r.name} ({r.parent}), {counts.get(r.unit_id, 0):,} events" for r in order}
unit_id = st.selectbox(f"Open a {level}", [r.unit_id for r in order], key=unit_key,
                       format_func=labels.get, placeholder=f"Click a {level} on the map, or choose it here",
                       on_change=lambda: st.session_state.pop("map_incident", None))

area_map = catalog.map_figures(data.query, mf, level, metric, POINT_CAP if show_points else 0, unit_id,
                               BASEMAPS[basemap], height=720, outlines=data.outlines(level))
download_menu(area_map.tile, values, f"{level}_map", static=area_map.static, complete=area_map.complete)
st.plotly_chart(area_map.tile, width="stretch", key="area_map", on_select="rerun", selection_mode="points")
points = data.query(overview.event_points, mf, POINT_CAP) if show_points else None

notes = []
only_country = geography.unplaced_sentence(data.query(geography.unplaced_by_year, mf))
if only_country:  # what the map cannot draw, said rather than left blank (a year may have no place)
    notes.append(only_country)
if points is not None and len(points) and points["total"].iloc[0] > len(points):
    notes.append(f"Incidents: showing the {len(points):,} deadliest of {points['total'].iloc[0]:,} "
                 f"(the map sends at most {POINT_CAP:,} points).")
missing = data.query(geography.not_on_map, mf, level)
if len(missing):
    listed = ", ".join(f"{plain(COUNTRY_NAMES.get(r.area, r.area))} ({r.events}, known to the {r.geo_precision})"
                       for r in missing.itertuples())
    notes.append(f"{missing['events'].sum():,} events have no {level} and are not on this map "
                 f"(never placed at a made-up point): {listed}.")
if BASEMAPS[basemap] != "white-bg":
    notes.append("The street map needs internet; offline, only the outlines are drawn.")
for note in notes:
    st.caption(note)

spread = data.query(geography.spread, f)
spread_fig = spread_chart(spread, "district" if level == "district" else "province", f.describe(), source,
                          (yearly, data.query(coverage.coverage_changes, f)))
download_menu(spread_fig, spread, "spread")
st.plotly_chart(spread_fig, width="stretch", key="spread_chart", on_select="rerun", selection_mode="points")

if unit_id is None:
    st.info(f"Click a {level} on the map or choose it in the box above to see its trend, its groups "
            f"and its events with their sources.")
    st.stop()

unit = shapes.set_index("unit_id").loc[unit_id]
uf = geography.narrow(mf, level, {"unit_id": unit_id, "name": unit["name"], "country": unit["country"]})
st.header(plain(f"{unit['name']} ({unit['parent']})"), anchor=False)
usub = uf.describe({unit_id: unit["name"]})
k = data.query(overview.kpis, uf).set_index("period").loc["current"]
m1, m2, m3 = st.columns(3)
m1.metric("Events", f"{int(k['events']):,}")
m2.metric("Fatalities", f"{round(k['fatalities']):,}")
m3.metric("Signal events", f"{int(values.set_index('unit_id')['signals'].get(unit_id, 0)):,}")

unit_trend = data.query(overview.trend, uf, "year")
trend = trend_chart(unit_trend, "year", usub, source,
                    (data.query(coverage.period_status, uf, "year"), data.query(coverage.coverage_changes, uf)))
download_menu(trend, unit_trend, "unit_trend")
st.plotly_chart(trend, width="stretch", key="unit_trend", on_select="rerun", selection_mode="points")
t2, t3 = st.columns(2)
for column, field, title, key in ((t2, "actor_group", "Top actor groups, events", "unit_actors"),
                                  (t3, "category", "Categories, events", "unit_categories")):
    top = data.query(geography.top_values, uf, field, 8)
    top_fig = top_chart(top, title, usub, source)
    with column:
        download_menu(top_fig, top, key)
        st.plotly_chart(top_fig, width="stretch", key=key, on_select="rerun", selection_mode="points")

# A click on a bar narrows the events table to what the bar stands for.
tf, narrowed = uf, []
bar = chart_click("unit_trend")
if bar is not None and bar.get("x"):
    year = int(str(bar["x"])[:4])
    category = trend.data[bar["curve_number"]].name.replace(" ", "_")
    tf = replace(tf, year_from=year, year_to=year, categories=(category,))
    narrowed.append(f"{year}, {category.replace('_', ' ')}")
bar = chart_click("unit_actors")
if bar is not None:
    tf = replace(tf, actor_groups=(bar["customdata"][0],))
    narrowed.append(bar["customdata"][0])
bar = chart_click("unit_categories")
if bar is not None and bar["customdata"][0] in tf.categories:
    tf = replace(tf, categories=(bar["customdata"][0],))
    narrowed.append(bar["customdata"][0].replace("_", " "))

incident = st.session_state.get("map_incident")
if incident and level == "district":
    st.subheader("The incident clicked on the map", anchor=False)
    events_grid(data.query(events.event_by_id, incident, PANEL_COLUMNS), key="unit_incident")

total = data.query(events.event_count, tf, "")
st.subheader("Events and their sources", anchor=False)
st.caption((f"Narrowed by the bars clicked: {plain(', '.join(narrowed))} (double-click a chart to "
            f"clear). " if narrowed else "Click a bar above to narrow this table. ")
           + f"{total:,} events" + (f"; the {PANEL_ROWS} latest are shown (the Events page pages "
                                    f"through all of them)." if total > PANEL_ROWS else "."))
events_grid(data.query(events.event_page, tf, "", "date", True, 1, PANEL_ROWS, PANEL_COLUMNS),
            key="unit_events")
