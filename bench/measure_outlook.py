"""Measuring the Outlook computed once per warehouse version (the rolling-origin backtests of
events and of deaths, and the forecast: indicators.outlook_cache.compute), as after a build, in a
fresh process."""
from __future__ import annotations

import time
from pathlib import Path

import duckdb

from bench.process import in_child
from indicators.filters import Filters


def outlook_once(warehouse: Path) -> dict:
    """The Outlook computed once (backtests of events and deaths, forecast): seconds and its size."""
    from indicators import outlook, outlook_cache

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        start = time.perf_counter()
        parts = outlook_cache.compute(con, Filters(1900, 2999))
        seconds = time.perf_counter() - start
        scope = outlook.outlook_scope(con, outlook.outlook_filters(Filters(1900, 2999)))
    finally:
        con.close()
    scores = outlook.part(parts["summary"], "score")
    return {"seconds": seconds, "as_of": f"{scope['as_of']:%Y-%m}",
            "district_months": int(scores["district_months"].iloc[0]),
            "skilful": outlook.skilful_horizons(scores)}


def measure_outlook(warehouse: Path) -> dict:
    """outlook_once in a fresh process; prints the figure."""
    result = in_child(outlook_once, warehouse)
    print(f"  outlook (backtests of events and deaths, forecast): {result['seconds']:.1f} s, as of "
          f"{result['as_of']}, {result['district_months']:,} district-months per horizon, beats no change at "
          f"{result['skilful']}", flush=True)
    return result
