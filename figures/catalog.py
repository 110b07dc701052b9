"""Every chart of the dashboard by id: the same assembly (queries + house-styled figure) for the
pages, the briefing deck and `python -m export chart`. `query(fn, *args)` runs an indicator: the
pages pass their cached runner, the CLI a plain call on its connection.

Each builder returns (figure, table): the table is the data behind the chart, for CSV/XLSX. This
package sits above charts/ and maps/ (it uses both) and below export/ and app_pages/ (they use it).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import pandas as pd
import plotly.graph_objects as go

from charts.lines import indicator_lines
from charts.outlook import forecast_fan
from charts.trend import trend_chart
from indicators import coverage, geography, library, outlook, outlook_cache, overview, provenance, timeline
from indicators.filters import Filters
from indicators.registry import BY_ID, compute
from maps.area_map import area_map, feature_collection
from maps.outlook_map import probability_map
from maps.static_map import static_area_map

Query = Callable[..., object]
Chart = tuple[go.Figure, pd.DataFrame]

# The Overview's district map draws at most this many incidents (the deadliest): beyond it the
# points overlap at national scale, and each costs the browser bytes and drawing time.
OVERVIEW_POINTS = 2000


def context(query: Query, f: Filters) -> tuple[str, str]:
    """(subtitle, source line) of every chart with these filters."""
    options = query(overview.filter_options)
    names = dict(zip(options["districts"]["district_id"], options["districts"]["admin2"]))
    return f.describe(names), query(provenance.source_line, f)


def overview_trend(query: Query, f: Filters, period: str = "year") -> Chart:
    subtitle, source = context(query, f)
    frame = query(overview.trend, f, period)
    marks = (query(coverage.period_status, f, period), query(coverage.coverage_changes, f))
    return trend_chart(frame, period, subtitle, source, marks), frame


def indicator_chart(query: Query, f: Filters, indicator: str, period: str = "year",
                    breakdown: str | None = None, series: tuple = (), small_multiples: bool = False,
                    rolling: int = 0, milestones: bool = True) -> Chart:
    """The Trends page's chart: an indicator per period, optionally broken down (up to six series)."""
    subtitle, source = context(query, f)
    ind = BY_ID[indicator]
    frame = query(compute, indicator, f, (period, breakdown) if breakdown else (period,))
    if ind.kind == "diffusion":
        frame = frame.assign(value=frame["share_pct"])
    if breakdown and len(frame):
        chosen = list(series) or library.top_series(frame, breakdown)
        frame = frame[frame[breakdown].isin(chosen[:6])]
    if rolling and ind.kind == "measure" and ind.measure not in library.RATIOS:
        frame = library.with_rolling_and_change(frame, (rolling,))
        frame = frame.assign(value=frame[f"rolling_{rolling}"])
    unit = "% of districts" if ind.kind == "diffusion" else ind.unit
    by = {"actor_group": "actor group", "target_class": "target class"}.get(breakdown, breakdown)
    title = f"{ind.name} per {period}" + (f", by {by}" if breakdown else "")
    marks = query(timeline.milestones, f) if milestones else None
    status = query(coverage.period_status, f, period)
    fig = indicator_lines(no_data_gaps(frame, status, breakdown), breakdown, "value", unit, title,
                          subtitle, source, small_multiples=small_multiples and bool(breakdown),
                          milestones=marks, period=period,
                          coverage=(status, query(coverage.coverage_changes, f)))
    label = "admin2" if breakdown == "district" else None
    return fig, library.wide(frame, breakdown, label)


def no_data_gaps(frame: pd.DataFrame, status: pd.DataFrame, series: str | None) -> pd.DataFrame:
    """The indicator's rows with the periods no selected dataset covers set to null (a gap in
    the line, never a zero), one such row per series."""
    if "period" not in frame or not len(status):
        return frame
    none = pd.to_datetime(status.loc[status["status"] == "none", "period_start"])
    shown = frame.assign(period=pd.to_datetime(frame["period"]))
    shown = shown[~shown["period"].isin(none)]
    keys = shown[series].drop_duplicates().tolist() if series and series in shown else [None]
    gaps = pd.DataFrame([{"period": p, "value": None, **({series: k} if series else {})}
                         for p in none for k in keys])
    out = pd.concat([shown, gaps], ignore_index=True) if len(gaps) else shown
    return out.sort_values("period", kind="stable").reset_index(drop=True)


class MapFigures(NamedTuple):
    tile: go.Figure  # for the page (with an outlines URL, when given one)
    static: Callable[[], go.Figure]  # the same map on plain axes, for PNG/SVG/PDF and slides
    complete: Callable[[], go.Figure]  # the tile map with its outlines inside, for HTML
    values: pd.DataFrame  # the data behind the map (indicators.geography.area_values)


def map_figures(query: Query, f: Filters, level: str = "district", metric: str = "events",
                points: int = OVERVIEW_POINTS, selected: str | None = None, map_style: str = "white-bg",
                height: int = 640, outlines: tuple[dict, str | None] | None = None) -> MapFigures:
    """The district (or province) map of the Overview, the Map page, the exports and the deck:
    every unit coloured by `metric`, the `points` deadliest incidents on top (0: none). The
    static and complete variants are made only when asked for, from the same data. `outlines` =
    (GeoJSON, URL) lets a page's map name a URL for the outlines instead of carrying them
    (dashboard.data.outlines)."""
    subtitle, source = context(query, f)
    shapes = query(geography.area_shapes, level)
    values = query(geography.area_values, f, level)
    incidents = query(overview.event_points, f, points) if points else None
    geojson, url = outlines or (feature_collection(shapes), None)

    def tile(geojson_url: str | None = None) -> go.Figure:
        return area_map(shapes, values, metric, level, subtitle, source, incidents, map_style, selected,
                        height, geojson, geojson_url)

    return MapFigures(tile(url), lambda: static_area_map(geojson, values, incidents, subtitle, source,
                                                         metric, level), tile, values)


def district_map_chart(query: Query, f: Filters, static: bool = False) -> Chart:
    figures = map_figures(query, f)
    return (figures.static() if static else figures.complete()), figures.values


class OutlookState(NamedTuple):
    """What the Outlook shows for the filters, read from indicators.outlook_cache."""
    scope: dict  # indicators.outlook.outlook_scope
    scores: pd.DataFrame  # backtest_scores of events
    bands: pd.DataFrame  # reliability of events
    deaths: pd.DataFrame  # backtest_scores of deaths
    skilful: list[int]  # the horizons where the model beats no change (the only ones shown)
    forecast: pd.DataFrame  # the forecast of events, limited to the filters' provinces and districts


def outlook_state(query: Query, f: Filters) -> OutlookState:
    """The Outlook's scope, scores and forecast for the filters (ValueError from outlook_scope when
    no dataset qualifies)."""
    of = outlook.outlook_filters(f)
    scope = query(outlook.outlook_scope, of)
    parts = query(outlook_cache.outlook, of)
    scores = outlook.part(parts["summary"], "score")
    return OutlookState(scope, scores, outlook.part(parts["summary"], "reliability"),
                        outlook.part(parts["deaths"], "score"), outlook.skilful_horizons(scores),
                        outlook.limited(parts["forecast"], f))


def _outlook_names(rows: pd.DataFrame) -> dict[str, str]:
    return dict(zip(rows["district_id"], rows["admin2"] + " (" + rows["admin1"] + ")"))


def _outlook_source(state: OutlookState) -> str:
    return f"Model trained on {state.scope['dataset']}; scored in a backtest against no change"


def outlook_map(query: Query, f: Filters, state: OutlookState, horizon: int, district: str | None = None,
                map_style: str = "white-bg", height: int = 640,
                outlines: tuple[dict, str | None] | None = None) -> Chart:
    """The Outlook's map: each district's chance of at least one event within `horizon` months."""
    rows = state.forecast[state.forecast["horizon"] == horizon]
    shapes = query(geography.area_shapes, "district")
    geojson, url = outlines or (feature_collection(shapes), None)
    last = rows["month"].max() if len(rows) else None
    title = "Chance of at least one event of militant violence" + (f" by {last:%B %Y}" if last else "")
    subtitle = (f"{outlook.stamp(state.scope['as_of'], horizon)} Per district "
                f"({', '.join(state.scope['countries'])}"
                + (", the chosen provinces and districts" if f.provinces or f.districts else "") + "); grey: no forecast")
    values = rows[["district_id", "p_within", "mean_within"]].rename(columns={"p_within": "probability",
                                                                           "mean_within": "mean"})
    fig = probability_map(shapes, values, title, subtitle, _outlook_source(state), map_style, district, height,
                          geojson, url)
    table = rows[["district_id", "admin2", "admin1", "horizon", "month", "mean", "p_any", "p_within", "mean_within",
                  "q05", "q25", "q50", "q75", "q95"]]
    return fig, table


def outlook_fan(query: Query, f: Filters, state: OutlookState, horizon: int, district: str) -> Chart:
    """A district's last 24 months and its forecast fan up to `horizon` months ahead; the table
    holds both (events observed, then the forecast's mean and quantiles)."""
    history = query(outlook.district_history, outlook.outlook_filters(f), district)
    mine = state.forecast[(state.forecast["district_id"] == district) & (state.forecast["horizon"] <= horizon)]
    name = _outlook_names(mine).get(district, district)
    as_of = f"{state.scope['as_of']:%B %Y}"
    fig = forecast_fan(history, mine, f"{name}: events per month and the forecast",
                       f"{outlook.stamp(state.scope['as_of'], horizon)} The last 24 months to {as_of}, then the "
                       "median and the 50% and 90% intervals", _outlook_source(state))
    table = pd.concat([history.assign(kind="observed"),
                       mine[["month", "mean", "q05", "q25", "q50", "q75", "q95"]].assign(kind="forecast")],
                      ignore_index=True)
    table = table.assign(district_id=district)
    return fig, table[["district_id", "kind", "month", "events", "mean", "q05", "q25", "q50", "q75", "q95"]]


def outlook_default(state: OutlookState) -> tuple[int, str]:
    """(the longest horizon shown, the district most likely to see an event within it); a
    ValueError when no horizon beats no change or no district is left by the filters."""
    if not state.skilful:
        raise ValueError("No horizon of the Outlook beats the no-change baseline in the backtest: no forecast "
                         "is shown.")
    horizon = state.skilful[-1]
    rows = state.forecast[state.forecast["horizon"] == horizon]
    if not len(rows):
        raise ValueError("No district of the chosen provinces and districts has a forecast.")
    return horizon, str(rows.loc[rows["p_within"].idxmax(), "district_id"])


def outlook_chart(query: Query, f: Filters, which: str) -> Chart:
    """The Outlook's map or fan ('map', 'fan') at its defaults (outlook_default)."""
    state = outlook_state(query, f)
    horizon, district = outlook_default(state)
    if which == "map":
        return outlook_map(query, f, state, horizon, district)
    return outlook_fan(query, f, state, horizon, district)


def _plain(build: Callable[[Query, Filters], Chart]) -> Callable[[Query, Filters, bool], Chart]:
    """A chart that looks the same on a page and on a slide (only the map has a static variant)."""
    return lambda query, f, static=False: build(query, f)


# id -> (title, builder(query, filters, static)): `python -m export chart ID`, the deck, docs/exports.md
CHARTS: dict[str, tuple[str, Callable[..., Chart]]] = {
    "events_by_category": ("Events per year, by category (Overview)", _plain(overview_trend)),
    "district_map": ("Events per district, with incidents (Overview)", district_map_chart),
    "signals": ("Early signals per year (Trends)", _plain(lambda q, f: indicator_chart(q, f, "signals"))),
    "districts_affected": ("Districts affected per year (Trends)",
                           _plain(lambda q, f: indicator_chart(q, f, "districts_affected"))),
    "attacks_by_province": ("Attacks per year by province (Trends)",
                            _plain(lambda q, f: indicator_chart(q, f, "attacks", breakdown="province",
                                                                milestones=False))),
    "minority_share": ("Share of attacks on religious minorities (Trends)",
                       _plain(lambda q, f: indicator_chart(q, f, "minority_share", milestones=False))),
    "outlook_fan": ("The most likely district's forecast fan (Outlook)", _plain(lambda q, f: outlook_chart(q, f, "fan"))),
    "outlook_map": ("Chance of militant violence per district (Outlook)", _plain(lambda q, f: outlook_chart(q, f, "map"))),
}


def chart(query: Query, chart_id: str, f: Filters, static: bool = False) -> Chart:
    """The chart `chart_id` with the filters; `static`: the variant for PNG/SVG/PDF and slides."""
    if chart_id not in CHARTS:
        raise KeyError(f"unknown chart {chart_id!r} (known: {', '.join(CHARTS)})")
    return CHARTS[chart_id][1](query, f, static)
