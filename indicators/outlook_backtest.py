"""The Outlook's backtest and its scores (the model is in indicators/outlook_model.py).

For each target month of FIRST_YEAR..as-of year and each horizon h, the forecast made at origin
month - h from data up to the origin only; the model is refitted once a year (on the rows whose
target month is at most the first origin of that year). Baselines: no change (Poisson with mean =
the count of the origin month; mean 0 is a point mass at 0), the district's 12-month mean
(Poisson with mean = the 12-month sum / 12) and zero (point mass at 0). The same backtest scores
deaths (measure 'deaths'); deaths are forecast only at horizons where the model beats no change
on both CRPS and Brier (indicators.outlook DEATHS_SKILL, deaths_sentence).
"""
from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd

from indicators.filters import Filters
from indicators.outlook import FIRST_YEAR, HORIZONS, METHODS, month_date, month_index
from indicators.outlook_model import FEATURES, Counts, Fit, features, panel, training_rows


def backtest(con: duckdb.DuckDBPyConnection, f: Filters, first_year: int = FIRST_YEAR,
             as_of: dt.date | None = None, measure: str = "events") -> pd.DataFrame:
    """The rolling-origin backtest: one row per district, target month of first_year..the as-of
    month, and horizon. Columns: district_id, month (DATE, the target), horizon, observed (events),
    model_mean, model_alpha, no_change_mean, mean_12_mean, zero_mean (the predictive means; see
    the module docstring; measure 'deaths': of deaths)."""
    districts, matrix, first, adjacency = panel(con, f, as_of, measure)
    feats = features(matrix, adjacency)
    last = matrix.shape[1] - 1
    start = max(month_index(dt.date(first_year, 1, 1)) - first, 12)
    frames = []
    for h in HORIZONS:
        for year_start in range(start, last + 1, 12):
            origin0 = year_start - h  # the first origin of this year's targets: fit on what is known then
            fit = Fit(*training_rows(feats, matrix, h, np.arange(0, origin0 - h + 1)))
            targets = np.arange(year_start, min(year_start + 12, last + 1))
            x = feats[:, targets - h, :].reshape(-1, feats.shape[2])
            y = matrix[:, targets].reshape(-1)
            frames.append(pd.DataFrame({
                "district_id": np.repeat(districts["district_id"].to_numpy(), len(targets)),
                "month": [month_date(first + m) for m in np.tile(targets, len(districts))],
                "horizon": h, "observed": y, "model_mean": fit.predict(x), "model_alpha": fit.alpha,
                "no_change_mean": matrix[:, targets - h].reshape(-1),
                "mean_12_mean": np.expm1(feats[:, targets - h, FEATURES.index("sum_12")]).reshape(-1) / 12,
                "zero_mean": 0.0}))
    return pd.concat(frames, ignore_index=True)


def _scored(dist: Counts, observed) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(CRPS, inside the central 50% interval, inside the 90% one) of each forecast."""
    observed = np.atleast_1d(np.asarray(observed, dtype=float))
    inside = [(observed >= dist.quantile((1 - level) / 2)) & (observed <= dist.quantile((1 + level) / 2))
              for level in (0.5, 0.9)]
    return dist.crps(observed), inside[0], inside[1]


def crps(dist: Counts, observed) -> np.ndarray:
    """The continuous ranked probability score of each forecast: CRPS = sum over k >= 0 of
    (F(k) - 1[observed <= k])^2, F the predictive CDF (Counts.crps: scoringrules). Unit: events
    (lower is better; a point mass at the observed count
    scores 0, one at 0 scores the observed count)."""
    return _scored(dist, observed)[0]


def brier(p_any, observed) -> np.ndarray:
    """Brier score of "at least one event": (P(count >= 1) - 1[observed >= 1])^2 (0 best, 1 worst)."""
    return (np.asarray(p_any, dtype=float) - (np.asarray(observed) >= 1)) ** 2


def covered(dist: Counts, observed, level: float) -> np.ndarray:
    """Whether the observed count lies in the central interval of probability `level` (0.5 or
    0.9): [F^-1((1 - level) / 2), F^-1((1 + level) / 2)], F^-1(q) the smallest k with F(k) >= q
    (for counts the interval holds at least `level`, so coverage above it is expected)."""
    return _scored(dist, observed)[{0.5: 1, 0.9: 2}[level]]


def _method_distribution(frame: pd.DataFrame, method: str):
    alpha = frame["model_alpha"].to_numpy() if method == "model" else 0.0
    return Counts(frame[f"{method}_mean"].to_numpy(), alpha)


def backtest_scores(con: duckdb.DuckDBPyConnection, f: Filters, first_year: int = FIRST_YEAR,
                    as_of: dt.date | None = None) -> pd.DataFrame:
    """Scores of the backtest per horizon and method (model, no_change, mean_12, zero). Columns:
    horizon, method, crps (mean CRPS, events), brier (mean Brier score of "at least one event"),
    cover_50, cover_90 (share of observed counts inside the central 50% and 90% intervals),
    district_months (rows scored)."""
    return scores_of(backtest(con, f, first_year, as_of))


def scores_of(frame: pd.DataFrame) -> pd.DataFrame:
    """backtest_scores from a backtest frame."""
    rows = []
    for h, part in frame.groupby("horizon", sort=True):
        y = part["observed"].to_numpy()
        for method in METHODS:
            dist = _method_distribution(part, method)
            score, in_50, in_90 = _scored(dist, y)
            rows.append({"horizon": int(h), "method": method, "crps": float(score.mean()),
                         "brier": float(brier(1 - dist.p_zero(), y).mean()),
                         "cover_50": float(in_50.mean()), "cover_90": float(in_90.mean()),
                         "district_months": len(part)})
    return pd.DataFrame(rows)


def reliability(con: duckdb.DuckDBPyConnection, f: Filters, first_year: int = FIRST_YEAR,
                as_of: dt.date | None = None) -> pd.DataFrame:
    """How often the district-months given a probability of at least one event had one, in the
    backtest, per horizon and band of 10 points. Columns: horizon, band_from, band_to
    (probability, 0-1), district_months, with_event (share that had at least one event, 0-1)."""
    return reliability_of(backtest(con, f, first_year, as_of))


def reliability_of(frame: pd.DataFrame) -> pd.DataFrame:
    """reliability from a backtest frame."""
    p = 1 - _method_distribution(frame, "model").p_zero()
    bands = pd.DataFrame({"horizon": frame["horizon"].to_numpy(), "band": np.minimum((p * 10).astype(int), 9),
                          "event": frame["observed"].to_numpy() >= 1})
    out = bands.groupby(["horizon", "band"]).agg(district_months=("event", "size"),
                                                 with_event=("event", "mean")).reset_index()
    out.insert(1, "band_from", out.pop("band") / 10)
    out.insert(2, "band_to", out["band_from"] + 0.1)
    return out


def backtest_summary(con: duckdb.DuckDBPyConnection, f: Filters, first_year: int = FIRST_YEAR,
                     as_of: dt.date | None = None, measure: str = "events") -> pd.DataFrame:
    """backtest_scores and reliability from one run of the backtest, in one frame: the rows of
    backtest_scores (kind 'score') then those of reliability (kind 'reliability'), each kind's
    columns as there (the other kind's empty). Use `part(summary, kind)` to split it."""
    frame = backtest(con, f, first_year, as_of, measure)
    return pd.concat([scores_of(frame).assign(kind="score"), reliability_of(frame).assign(kind="reliability")],
                     ignore_index=True)
