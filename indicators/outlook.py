"""Outlook: where militant violence is likely in the next six months, per district, with the
scores of a rolling-origin backtest against three baselines. Pure functions (connection, Filters).

What is predicted: the count of militant-violence events (categories attack and armed_clash of
the filters' actor kinds; the filters' years, provinces, districts, groups and datasets are
ignored by the model: `limited` keeps the provinces' and districts' rows for display) per
district and month, for each horizon h = 1..6 months after the *as-of month*: the
last whole month of a complete, final (not preliminary) dataset with district-level events
(2021-12 on the bundled data: UCDP GED ends there; the later data are preliminary and mostly
known only to the country). The districts are those of that dataset's countries.

The model (one per horizon, "direct" forecasting): a Poisson GLM with a log link
(statsmodels, ridge-penalised) of the count in month t+h on features of months <= t:
log(1+x) of the last month's count, of the 3- and 12-month sums, of the neighbours' 3- and
12-month sums (districts whose outlines touch), of all past events, and the months since the
last event (capped at CAP_MONTHS). The predictive distribution is a negative binomial with the
predicted mean mu and variance mu + alpha * mu^2, alpha estimated by the method of moments on
the training rows (alpha = 0: Poisson).

It assumes: what happened in a district and its neighbours in the last year says what is
likely next (no political events, operations or data-collection changes are known to it);
the relation is the same in every district and year of the training data; months are
independent given the features (P(at least one event within H months) = 1 - prod P(0 in month
k)); events without a district or dated only to the year are left out (they are in no
district-month). The data after the as-of month are preliminary or lack districts and are not
used: the forecast months may already be past.

Backtest: for each target month of FIRST_YEAR..as-of year and each horizon h, the forecast made
at origin month - h from data up to the origin only; the model is refitted once a year (on the
rows whose target month is at most the first origin of that year). Baselines: no change
(Poisson with mean = the count of the origin month; mean 0 is a point mass at 0), the
district's 12-month mean (Poisson with mean = the 12-month sum / 12) and zero (point mass at 0).
The same backtest scores deaths (measure 'deaths'); deaths are forecast only at horizons where the
model beats no change on both CRPS and Brier (DEATHS_SKILL, deaths_sentence).

Libraries: statsmodels fits the GLM, scipy gives the distributions' probabilities and quantiles,
scoringrules the negative binomial's CRPS (the Poisson's in the same closed form with scipy).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import duckdb
import numpy as np
import pandas as pd

from contract.schema import MILITANT_CATEGORIES
from indicators.filters import Filters

HORIZONS = (1, 2, 3, 4, 5, 6)
FIRST_YEAR = 2012  # the first year of target months in the backtest
CAP_MONTHS = 120  # months since the last event are capped here (never: the cap)
METHODS = {"model": "the model (Poisson GLM, negative binomial)", "no_change": "no change (Poisson, last month)",
           "mean_12": "the district's 12-month mean (Poisson)", "zero": "zero (point mass at 0)"}
FEATURES = ("last_month", "sum_3", "sum_12", "neighbours_3", "neighbours_12", "total", "months_since")
RIDGE = 1e-4  # the slopes' penalty per training row (as scikit-learn's PoissonRegressor alpha)
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def _month_date(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def outlook_filters(f: Filters) -> Filters:
    """The filters the outlook counts with: militant violence (attack, armed_clash) of the
    filters' actor kinds and countries, every year, every province, group and dataset."""
    return replace(f.all_time(), categories=MILITANT_CATEGORIES, provinces=(), districts=(),
                   actor_groups=(), datasets=(), precise_dates_only=False)


def outlook_scope(con: duckdb.DuckDBPyConnection, f: Filters) -> dict:
    """{'as_of': the as-of month (date of its first day), 'countries': tuple of ISO codes,
    'dataset': the name of the dataset that sets it}. The as-of month is the last whole month of a
    complete, non-preliminary dataset (table coverage) with district-level events; a ValueError
    says what is missing when no dataset qualifies."""
    rows = con.execute(
        "SELECT c.name, c.period_end::DATE, c.countries FROM coverage c WHERE c.complete AND NOT c.preliminary "
        "AND EXISTS (SELECT 1 FROM events e WHERE e.dataset = c.dataset AND e.district_id IS NOT NULL) "
        "ORDER BY c.period_end DESC, c.dataset").fetchall()
    for name, end, countries in rows:
        listed = tuple(c for c in (countries or "").split(",") if c and (not f.countries or c in f.countries))
        if not listed:
            continue
        last = _month_index(end) - (0 if (end + dt.timedelta(days=1)).day == 1 else 1)
        return {"as_of": _month_date(last), "countries": listed, "dataset": name}
    raise ValueError("No complete, final dataset with district-level events covers the selected countries "
                     "(table coverage): the outlook needs one, such as UCDP GED. Add it to data/raw/ and "
                     "rebuild with `python -m etl build`.")


MEASURES = {"events": "count(*)", "deaths": None}  # deaths: the filters' deaths column (Filters.deaths)


def _panel(con: duckdb.DuckDBPyConnection, f: Filters, as_of: dt.date | None = None, measure: str = "events"):
    """(district frame, matrix districts x months of the measure (events or deaths), first month
    index, adjacency matrix)."""
    if measure not in MEASURES:
        raise ValueError(f"measure={measure!r}: the outlook forecasts {' or '.join(MEASURES)}")
    scope = outlook_scope(con, f)
    last = _month_index(as_of or scope["as_of"])
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
        params + [_month_date(last + 1)]).df()
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


def _features(matrix: np.ndarray, adjacency: np.ndarray) -> np.ndarray:
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


class _Fit:
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


def _rows(feats: np.ndarray, matrix: np.ndarray, h: int, origins: np.ndarray):
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
        from scipy import stats

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


def forecast(con: duckdb.DuckDBPyConnection, f: Filters, as_of: dt.date | None = None,
             measure: str = "events") -> pd.DataFrame:
    """One row per district and horizon 1..6 of the forecast made at the as-of month (see
    outlook_scope; `as_of` overrides it: the first day of a month). Columns: district_id, admin2,
    admin1, horizon (months), month (DATE, the month forecast), mean (expected events), p_any
    (probability of at least one event in that month), p_within (of at least one in the months
    1..horizon: 1 - prod of P(0)), mean_within (expected events in the months 1..horizon), q05,
    q25, q50, q75, q95 (quantiles of the count). Unit: events per district-month (measure
    'deaths': deaths, p_any the chance of at least one death)."""
    districts, matrix, first, adjacency = _panel(con, f, as_of, measure)
    feats = _features(matrix, adjacency)
    last = matrix.shape[1] - 1
    frames, none_yet, expected = [], np.ones(len(districts)), np.zeros(len(districts))
    for h in HORIZONS:
        fit = _Fit(*_rows(feats, matrix, h, np.arange(0, last - h + 1)))
        mean = fit.predict(feats[:, last, :])
        dist = Counts(mean, fit.alpha)
        p_zero = dist.p_zero()
        none_yet, expected = none_yet * p_zero, expected + mean
        frame = districts[["district_id", "admin2", "admin1"]].copy()
        frame["horizon"] = h
        frame["month"] = _month_date(first + last + h)
        frame["mean"], frame["p_any"], frame["p_within"] = mean, 1 - p_zero, 1 - none_yet
        frame["mean_within"] = expected
        for q in QUANTILES:
            frame[f"q{round(q * 100):02d}"] = dist.quantile(q)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def district_history(con: duckdb.DuckDBPyConnection, f: Filters, district_id: str, months: int = 24) -> pd.DataFrame:
    """The district's counts of the `months` months up to the as-of month. Columns: month (DATE),
    events (militant-violence events of the month)."""
    last = _month_index(outlook_scope(con, f)["as_of"])
    where, params = outlook_filters(f).where("e")
    counts = dict(con.execute(
        f"SELECT (year(e.event_date) * 12 + month(e.event_date) - 1)::INTEGER, count(*)::INTEGER FROM events e "
        f"WHERE {where} AND e.district_id = ? AND e.date_precision <> 'year' AND e.event_date >= ? "
        f"AND e.event_date < ? GROUP BY ALL",
        params + [district_id, _month_date(last - months + 1), _month_date(last + 1)]).fetchall())
    span = range(last - months + 1, last + 1)
    return pd.DataFrame({"month": [_month_date(m) for m in span], "events": [counts.get(m, 0) for m in span]})


def backtest(con: duckdb.DuckDBPyConnection, f: Filters, first_year: int = FIRST_YEAR,
             as_of: dt.date | None = None, measure: str = "events") -> pd.DataFrame:
    """The rolling-origin backtest: one row per district, target month of first_year..the as-of
    month, and horizon. Columns: district_id, month (DATE, the target), horizon, observed (events),
    model_mean, model_alpha, no_change_mean, mean_12_mean, zero_mean (the predictive means; see
    the module docstring; measure 'deaths': of deaths)."""
    districts, matrix, first, adjacency = _panel(con, f, as_of, measure)
    feats = _features(matrix, adjacency)
    last = matrix.shape[1] - 1
    start = max(_month_index(dt.date(first_year, 1, 1)) - first, 12)
    frames = []
    for h in HORIZONS:
        for year_start in range(start, last + 1, 12):
            origin0 = year_start - h  # the first origin of this year's targets: fit on what is known then
            fit = _Fit(*_rows(feats, matrix, h, np.arange(0, origin0 - h + 1)))
            targets = np.arange(year_start, min(year_start + 12, last + 1))
            x = feats[:, targets - h, :].reshape(-1, feats.shape[2])
            y = matrix[:, targets].reshape(-1)
            frames.append(pd.DataFrame({
                "district_id": np.repeat(districts["district_id"].to_numpy(), len(targets)),
                "month": [_month_date(first + m) for m in np.tile(targets, len(districts))],
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


def skilful_horizons(scores: pd.DataFrame, by: tuple[str, ...] = ("crps",)) -> list[int]:
    """The horizons where the model's mean score is below the no-change baseline's (strictly) on
    every score of `by` (crps, brier). Events need CRPS; deaths, forecast only where they have skill,
    need CRPS and Brier (DEATHS_SKILL)."""
    ok = None
    for score in by:
        table = scores.pivot(index="horizon", columns="method", values=score)
        better = table["model"] < table["no_change"]
        ok = better if ok is None else ok & better
    return [int(h) for h, good in ok.items() if good]


DEATHS_SKILL = ("crps", "brier")  # deaths are forecast only at horizons that beat no change on both


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


def part(summary: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The 'score' or 'reliability' rows of backtest_summary with their own columns."""
    columns = {"score": ["horizon", "method", "crps", "brier", "cover_50", "cover_90", "district_months"],
               "reliability": ["horizon", "band_from", "band_to", "district_months", "with_event"]}[kind]
    rows = summary[summary["kind"] == kind][columns].reset_index(drop=True)
    return rows.astype({"horizon": int, "district_months": int})


def reliability_sentence(bands: pd.DataFrame, horizon: int) -> str:
    """Calibration in plain words, from `reliability` for one horizon: the band with the most
    district-months at or above 10%, e.g. 'Of the 240 district-months we gave 70%-80%, 74% had an
    event.'"""
    upper = bands[(bands["horizon"] == horizon) & (bands["band_from"] >= 0.1)]
    if not len(upper):
        return "The backtest never gave a district-month 10% or more."
    row = upper.loc[upper["district_months"].idxmax()]
    return (f"Of the {int(row['district_months']):,} district-months we gave {row['band_from']:.0%}-"
            f"{row['band_to']:.0%}, {row['with_event']:.0%} had an event.")


def scores_markdown(scores: pd.DataFrame, measure: str = "events") -> str:
    """The backtest's scores as a Markdown table: one row per horizon and method."""
    lines = [f"| horizon (months) | method | CRPS ({measure}) | Brier (at least one) | in 50% interval | "
             "in 90% interval | district-months |", "|---:|---|---:|---:|---:|---:|---:|"]
    for r in scores.itertuples():
        lines.append(f"| {r.horizon} | {METHODS[r.method]} | {r.crps:.4f} | {r.brier:.4f} | {r.cover_50:.1%} | "
                     f"{r.cover_90:.1%} | {r.district_months:,} |")
    return "\n".join(lines)


NOT_APPLIED = ("years", "categories", "actor groups", "datasets")  # the sidebar filters the outlook ignores


def filters_note(f: Filters) -> str:
    """One line saying which sidebar filters the outlook follows and which it ignores, and why."""
    kept = ["the countries", "the actor kinds", "the provinces and districts (the map and the list)"]
    return (f"Follows {', '.join(kept)}; ignores the {', '.join(NOT_APPLIED[:-1])} and {NOT_APPLIED[-1]}: "
            f"the model counts {outlook_filters(f).scope()} of every group in every dataset, in every month "
            "up to the as-of month, as it was trained and scored.")


def limited(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The forecast rows of the filters' provinces (admin1) and districts (district_id), all when
    none is chosen."""
    keep = pd.Series(True, index=frame.index)
    if f.provinces:
        keep &= frame["admin1"].isin(f.provinces)
    if f.districts:
        keep &= frame["district_id"].isin(f.districts)
    return frame[keep]


def stamp(as_of: dt.date, horizon: int) -> str:
    """The stamp every view of a forecast carries."""
    return (f"Forecast as of {as_of:%B %Y}, {horizon} month{'s' if horizon > 1 else ''} ahead; "
            "a forecast is not a warning of a specific attack.")


def deaths_sentence(scores: pd.DataFrame) -> str:
    """Whether deaths are forecast, from backtest_scores of measure 'deaths': they are only where
    the model beats no change on CRPS and Brier (DEATHS_SKILL), with the measured scores."""
    skilful = skilful_horizons(scores, DEATHS_SKILL)
    table = scores.set_index(["horizon", "method"])
    worst = [int(h) for h in sorted(scores["horizon"].unique()) if h not in skilful]
    figures = "; ".join(
        f"{h} month{'s' if h > 1 else ''}: CRPS {table.loc[(h, 'model'), 'crps']:.3f} against "
        f"{table.loc[(h, 'no_change'), 'crps']:.3f}, Brier {table.loc[(h, 'model'), 'brier']:.4f} against "
        f"{table.loc[(h, 'no_change'), 'brier']:.4f}" for h in worst)
    if not worst:
        return ("Deaths: the model beats no change on CRPS and Brier at every horizon in the backtest, but "
                "the Outlook does not forecast them yet.")
    return (f"Deaths are not forecast{'' if not skilful else ' at ' + ', '.join(map(str, worst)) + ' months'}: "
            f"in the backtest the model did not beat no change (last month's deaths) on both CRPS and the "
            f"Brier score of at least one death (model against no change, {figures}).")
