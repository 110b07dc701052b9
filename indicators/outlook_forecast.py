"""The Outlook's forecast: the model of indicators/outlook_model.py fitted on every month up to
the as-of month and applied to it, per district and horizon."""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from indicators.filters import Filters
from indicators.outlook import HORIZONS, month_date
from indicators.outlook_model import Counts, Fit, features, panel, training_rows

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def forecast(con: duckdb.DuckDBPyConnection, f: Filters, as_of: dt.date | None = None,
             measure: str = "events") -> pd.DataFrame:
    """One row per district and horizon 1..6 of the forecast made at the as-of month (see
    outlook_scope; `as_of` overrides it: the first day of a month). Columns: district_id, admin2,
    admin1, horizon (months), month (DATE, the month forecast), mean (expected events), p_any
    (probability of at least one event in that month), p_within (of at least one in the months
    1..horizon: 1 - prod of P(0)), mean_within (expected events in the months 1..horizon), q05,
    q25, q50, q75, q95 (quantiles of the count). Unit: events per district-month (measure
    'deaths': deaths, p_any the chance of at least one death)."""
    districts, matrix, first, adjacency = panel(con, f, as_of, measure)
    feats = features(matrix, adjacency)
    last = matrix.shape[1] - 1
    frames, none_yet, expected = [], np.ones(len(districts)), np.zeros(len(districts))
    for h in HORIZONS:
        fit = Fit(*training_rows(feats, matrix, h, np.arange(0, last - h + 1)))
        mean = fit.predict(feats[:, last, :])
        dist = Counts(mean, fit.alpha)
        p_zero = dist.p_zero()
        none_yet, expected = none_yet * p_zero, expected + mean
        frame = districts[["district_id", "admin2", "admin1"]].copy()
        frame["horizon"] = h
        frame["month"] = month_date(first + last + h)
        frame["mean"], frame["p_any"], frame["p_within"] = mean, 1 - p_zero, 1 - none_yet
        frame["mean_within"] = expected
        for q in QUANTILES:
            frame[f"q{round(q * 100):02d}"] = dist.quantile(q)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)
