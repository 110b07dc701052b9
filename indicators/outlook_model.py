"""The Outlook's model (indicators/outlook.py says what it predicts): one per horizon, "direct"
forecasting. A Poisson GLM with a log link (statsmodels, ridge-penalised) of the count in month
t+h on features of months <= t: log(1+x) of the last month's count, of the 3- and 12-month sums,
of the neighbours' 3- and 12-month sums (districts whose outlines touch), of all past events, and
the months since the last event (capped at CAP_MONTHS). The predictive distribution is a negative
binomial with the predicted mean mu and variance mu + alpha * mu^2, alpha estimated by the method
of moments on the training rows (alpha = 0: Poisson).

It assumes: what happened in a district and its neighbours in the last year says what is
likely next (no political events, operations or data-collection changes are known to it);
the relation is the same in every district and year of the training data; months are
independent given the features (P(at least one event within H months) = 1 - prod P(0 in month
k)); events without a district or dated only to the year are left out (they are in no
district-month). The data after the as-of month are preliminary or lack districts and are not
used: the forecast months may already be past.

Libraries: statsmodels fits the GLM, scipy gives the distributions' probabilities and quantiles,
scoringrules the negative binomial's CRPS (the Poisson's in the same closed form with scipy).
The backtest (indicators/outlook_backtest.py) and the forecast (indicators/outlook_forecast.py)
fit it on the panel and features made here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from indicators.filters import Filters
from indicators.outlook import month_date, month_index, outlook_filters, outlook_scope

CAP_MONTHS = 120  # months since the last event are capped here (never: the cap)
FEATURES = ("last_month", "sum_3", "sum_12", "neighbours_3", "neighbours_12", "total", "months_since")
RIDGE = 1e-4  # the slopes' penalty per training row (as scikit-learn's PoissonRegressor alpha)

MEASURES = {"events": "count(*)", "deaths": None}  # deaths: the filters' deaths column (Filters.deaths)


def panel(con: duckdb.DuckDBPyConnection, f: Filters, as_of: dt.date | None = None, measure: str = "events"):
    """(district frame, matrix districts x months of the measure (events or deaths), first month
    index, adjacency matrix)."""
    if measure not in MEASURES:
        raise ValueError(f"measure={measure!r}: the outlook forecasts {' or '.join(MEASURES)}")
    scope = outlook_scope(con, f)
    last = month_index(as_of or scope["as_of"])
    of = outlook_filters(replace(f, countries=scope["countries"]))
    where, params = of.where("e")
    total = MEASURES[measure] or f"coalesce(sum(e.{of.deaths}), 0)"
    districts = con.execute(
        f"SELECT district_id, admin2, coalesce(admin1, country) AS admin1, country, geometry_wkb FROM districts "
        f"WHERE country IN ({', '.join('?' * len(scope['countries']))}) ORDER BY district_id",
        list(scope["countries"])).df()
    counts = con.execute(
        f"SELECT e.district_id, (year(e.event_date) * 12 + month(e.event_date) - 1)::INTEGER AS m, "
        f"{total}::INTEGER AS n FROM events e WHERE {where} AND e.district_id IS NOT NULL "
        f"AND e.date_precision <> 'year' AND e.event_date < ? GROUP BY ALL",
        params + [month_date(last + 1)]).df()
    first = int(counts["m"].min()) if len(counts) else last - 11
    first = min(first, last - 11)
    position = {d: i for i, d in enumerate(districts["district_id"])}
    matrix = np.zeros((len(districts), last - first + 1))
    for d, m, n in counts[counts["district_id"].isin(position)].itertuples(index=False):
        matrix[position[d], m - first] = n
    return districts.drop(columns="geometry_wkb"), matrix, first, _adjacency(districts["geometry_wkb"])


def _adjacency(wkbs: pd.Series) -> np.ndarray:
    """1 where two districts' outlines touch or overlap (not on the diagonal)."""
    import shapely
    from shapely.strtree import STRtree

    shapes = shapely.from_wkb([bytes(w) for w in wkbs])
    shapes = shapely.buffer(shapes, 1e-6)  # outlines digitised apart by a hair still meet
    tree = STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    a = np.zeros((len(shapes), len(shapes)))
    a[left, right] = 1
    np.fill_diagonal(a, 0)
    return a


def features(matrix: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
    """Features at every (district, month): array districts x months x len(FEATURES), each
    computed from that month and the ones before it only."""
    cum = np.concatenate([np.zeros((matrix.shape[0], 1)), matrix.cumsum(axis=1)], axis=1)
    t = np.arange(matrix.shape[1])

    def rolling(k: int) -> np.ndarray:
        return cum[:, t + 1] - cum[:, np.maximum(t + 1 - k, 0)]

    sum3, sum12 = rolling(3), rolling(12)
    since = np.full(matrix.shape, float(CAP_MONTHS))
    last_seen = np.full(matrix.shape[0], -np.inf)
    for j in t:
        last_seen = np.where(matrix[:, j] > 0, j, last_seen)
        since[:, j] = np.minimum(j - last_seen, CAP_MONTHS)
    columns = [matrix, sum3, sum12, adjacency @ sum3, adjacency @ sum12, cum[:, 1:]]
    return np.stack([np.log1p(c) for c in columns] + [since / CAP_MONTHS], axis=2)


class Fit:
    """A Poisson GLM (log link, an intercept and the standardised features) fitted by statsmodels
    with a small ridge penalty RIDGE on the slopes (districts without any event would otherwise
    push them to infinity), and the negative binomial's alpha by the method of moments."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        import statsmodels.api as sm

        self.centre, self.scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        design = self._design(x)
        penalty = np.full(design.shape[1], RIDGE)
        penalty[0] = 0.0  # the intercept is not penalised
        self.glm = sm.GLM(y, design, family=sm.families.Poisson())
        self.beta = self.glm.fit_regularized(alpha=penalty, L1_wt=0.0).params
        mu = self.predict(x)
        denominator = float((mu ** 2).sum())
        self.alpha = max(0.0, float(((y - mu) ** 2 - y).sum()) / denominator) if denominator > 0 else 0.0

    def _design(self, x: np.ndarray) -> np.ndarray:
        return np.column_stack([np.ones(len(x)), (x - self.centre) / self.scale])

    def predict(self, x: np.ndarray) -> np.ndarray:
        return self.glm.predict(self.beta, self._design(x))


def training_rows(feats: np.ndarray, matrix: np.ndarray, h: int, origins: np.ndarray):
    """Training rows of horizon h at the given origin columns: (x, y)."""
    return feats[:, origins, :].reshape(-1, feats.shape[2]), matrix[:, origins + h].reshape(-1)


class Counts:
    """Predictive distributions over counts 0, 1, 2, ..., one per forecast: negative binomial of
    mean `mean` and variance mean + alpha * mean^2 (scipy's nbinom with n = 1/alpha, p = 1 / (1 +
    alpha mean)), Poisson where alpha = 0 (a point mass at 0 where the mean is 0)."""

    def __init__(self, mean, alpha=0.0):
        self.mean = np.atleast_1d(np.asarray(mean, dtype=float))
        self.alpha = np.broadcast_to(np.asarray(alpha, dtype=float), self.mean.shape)

    @property
    def var(self) -> np.ndarray:
        return self.mean + self.alpha * self.mean ** 2

    def _nbinom(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, p) of scipy's nbinom for the negative binomial rows."""
        alpha = self.alpha[rows]
        return 1 / alpha, 1 / (1 + alpha * self.mean[rows])

    def p_zero(self) -> np.ndarray:
        """P(count = 0): (1 + alpha mean)^(-1/alpha), Poisson exp(-mean)."""
        safe = np.where(self.alpha > 0, self.alpha, 1.0)
        return np.where(self.alpha > 0, np.exp(-np.log1p(safe * self.mean) / safe), np.exp(-self.mean))

    def quantile(self, q: float) -> np.ndarray:
        """The smallest k with F(k) >= q (scipy's ppf)."""
        from scipy import stats  # here, not at the top: every page imports this module, few use scipy

        out = stats.poisson.ppf(q, self.mean)
        nb = self.alpha > 0
        if nb.any():
            out[nb] = stats.nbinom.ppf(q, *self._nbinom(nb))
        return out.astype(int)

    def crps(self, observed) -> np.ndarray:
        """The CRPS of each forecast against the observed counts, in closed form. Negative
        binomial: scoringrules.crps_negbinom. Poisson: scoringrules' formula (y - m)(2F(y) - 1) +
        2m f(y) - m e^(-2m) (I0(2m) + I1(2m)) computed with scipy's cdf, pmf and exponentially
        scaled Bessel functions (scoringrules' own overflows beyond about 170 events)."""
        import scoringrules as sr
        from scipy import special, stats

        observed = np.atleast_1d(np.asarray(observed, dtype=float))
        m = self.mean
        out = ((observed - m) * (2 * stats.poisson.cdf(observed, m) - 1) + 2 * m * stats.poisson.pmf(observed, m)
               - m * (special.i0e(2 * m) + special.i1e(2 * m)))
        nb = self.alpha > 0
        if nb.any():
            n, _ = self._nbinom(nb)
            out[nb] = sr.crps_negbinom(observed[nb], n=n, mu=m[nb])
        if not np.isfinite(out).all():
            bad = int(np.flatnonzero(~np.isfinite(out))[0])
            raise ValueError(f"The CRPS of a forecast of mean {m[bad]:g} and alpha {self.alpha[bad]:g} against "
                             f"{observed[bad]:g} is not finite: the closed form fails there.")
        return out
