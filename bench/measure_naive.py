"""Measuring the Overview page the way a typical Streamlit dashboard does it, for the ratio to
ours: the events in one pandas DataFrame, a boolean mask and groupbys per rerun, every point sent
to the map."""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb

from indicators.filters import Filters


def measure_naive(warehouse: Path, changes: list[Filters]) -> dict:
    """The Overview page the naive way: one DataFrame, mask and groupby per rerun, all points."""
    import pandas as pd
    import plotly.express as px

    start = time.perf_counter()
    con = duckdb.connect(str(warehouse), read_only=True)
    df = con.execute("SELECT event_id, event_date, country, admin1, admin2, district_id, category, "
                     "actor_group, dataset, fatalities, injured, latitude, longitude, location, "
                     "actor, source_name FROM events").df()
    con.close()
    df["year"] = pd.to_datetime(df["event_date"]).dt.year
    load = time.perf_counter() - start
    memory = df.memory_usage(deep=True).sum() / 1e6

    def page(f: Filters) -> int:
        mask = df["year"].between(f.year_from, f.year_to) & df["category"].isin(f.categories)
        if f.provinces:
            mask &= df["admin1"].isin(f.provinces)
        if f.actor_groups:
            mask &= df["actor_group"].isin(f.actor_groups)
        now = df[mask]
        span = f.year_to - f.year_from + 1
        pmask = df["year"].between(f.year_from - span, f.year_from - 1) & df["category"].isin(f.categories)
        before_ = df[pmask]
        _ = [(x["event_id"].count(), x["fatalities"].sum(), x["district_id"].nunique(), x["injured"].sum())
             for x in (now, before_)]
        trend = now.groupby(["year", "category"]).size().reset_index(name="events")
        totals = now.groupby("district_id").agg(events=("event_id", "size"), fatalities=("fatalities", "sum"))
        recent = now.sort_values("event_date", ascending=False).head(15)
        fig_trend = px.bar(trend, x="year", y="events", color="category")
        points = now.dropna(subset=["latitude", "longitude"])
        fig_map = px.scatter_map(points, lat="latitude", lon="longitude", color="category",
                                 hover_name="location", hover_data=["event_date", "actor", "fatalities"],
                                 map_style="white-bg")
        del totals, recent
        return len(fig_trend.to_json()) + len(fig_map.to_json())

    times, sizes = [], []
    for f in changes:
        t = time.perf_counter()
        sizes.append(page(f))
        times.append((time.perf_counter() - t) * 1000)
    return {"times": times, "bytes": statistics.median(sizes), "load": load, "memory_mb": memory}
