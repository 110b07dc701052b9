"""Escalation alerts: the trailing windows worked out in numpy (alerts.trailing_windows) are those
of DuckDB's window function over the same months (the computation they replaced)."""
import numpy as np
import pandas as pd
import pytest

from contract.schema import CATEGORIES
from indicators import alerts
from indicators.filters import Filters

FILTERS = [Filters(1990, 2030), Filters(2016, 2016), Filters(2014, 2017, provinces=("Sindh", "Balochistan")),
           Filters(2004, 2019, categories=tuple(CATEGORIES), all_duplicates=True),
           Filters(2008, 2019, actor_groups=("Unknown", "Islamic State"), precise_dates_only=True),
           Filters(2000, 2019, countries=("AFG",), datasets=("curated",)), Filters(2010, 2011, countries=("IND",)),
           Filters(2017, 2026, categories=("attack",))]
COLUMNS = ["month", "district_id", "admin2", "actor_group", "events", "window_events", "previous_max", "p"]
WINDOW = f"""WINDOW w AS (PARTITION BY district_id, actor_group ORDER BY month
             RANGE BETWEEN INTERVAL {alerts.BASELINE_MONTHS} MONTH PRECEDING AND INTERVAL 1 MONTH PRECEDING)"""


def window_function_alerts(con, f: Filters) -> pd.DataFrame:
    """The alerts of f's years as the window function found them (the query before
    trailing_windows), sorted by month, district and group."""
    where, params = f.all_time().where("e")
    found = con.execute(
        f"""WITH monthly AS (
                SELECT e.district_id, e.actor_group,
                       date_trunc('month', e.event_date)::DATE AS month, count(*) AS events
                FROM events e
                WHERE {where} AND e.district_id IS NOT NULL AND e.date_precision <> 'year'
                  AND e.event_date < make_date(?, 1, 1)
                  AND e.event_date >= make_date(?, 1, 1) - INTERVAL {alerts.BASELINE_MONTHS} MONTH
                GROUP BY ALL),
            windowed AS (
                SELECT *, coalesce(sum(events) OVER w, 0) AS window_events,
                       coalesce(max(events) OVER w, 0) AS previous_max
                FROM monthly {WINDOW})
            SELECT w.*, d.admin2 FROM windowed w JOIN districts d USING (district_id)
            WHERE month >= make_date(?, 1, 1) AND events >= ? AND events > previous_max""",
        params + [f.year_to + 1, f.year_from, f.year_from, alerts.MIN_EVENTS]).df()
    found["p"] = alerts.poisson_sf_many(found["events"].to_numpy(), found["window_events"].to_numpy()
                                        / alerts.BASELINE_MONTHS)
    return found[found["p"] < alerts.P_THRESHOLD]


def comparable(frame: pd.DataFrame) -> list:
    frame = frame[COLUMNS].assign(month=pd.to_datetime(frame["month"]).dt.date)
    return frame.sort_values(["month", "district_id", "actor_group"]).astype(
        {"events": int, "window_events": int, "previous_max": int}).values.tolist()


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_alerts_equal_the_window_functions(con, f):
    where, params = f.all_time().where("e")
    expected = comparable(window_function_alerts(con, f))
    assert comparable(alerts._scored(con, where, params, f.year_from, f.year_to)) == expected
    if f == FILTERS[0]:
        assert len(expected) > 20  # the bundled data has alerts to compare


def test_trailing_windows_at_the_edges_of_the_window(con):
    """Pairs side by side, months 36 and 37 before (the first inside the window, the second not),
    a month with as many events as the largest before it, and many random series: the numpy
    windows equal DuckDB's RANGE window over the same rows."""
    rng = np.random.default_rng(16)
    rows = [(0, 100, 2), (0, 136, 3), (0, 137, 3), (0, 138, 4), (1, 101, 5), (1, 102, 5), (1, 137, 6),
            (2, 500, 1)]
    for pair in range(3, 60):
        months = np.sort(rng.choice(np.arange(400, 520), size=rng.integers(1, 60), replace=False))
        rows += [(pair, int(m), int(rng.integers(1, 6))) for m in months]
    frame = pd.DataFrame(rows, columns=["pair", "month_index", "events"]).sort_values(["pair", "month_index"])
    frame["month_index"] += 2000 * 12  # month 100 is May 2008
    frame["month"] = (frame["month_index"] - 1970 * 12).astype("datetime64[M]").astype("datetime64[ns]")
    frame["district_id"], frame["actor_group"] = frame["pair"].astype(str), "g"
    con.register("monthly_rows", frame)
    try:
        expected = con.execute(f"""SELECT pair, month_index, coalesce(sum(events) OVER w, 0) AS total,
                                   coalesce(max(events) OVER w, 0) AS top FROM monthly_rows {WINDOW}
                                   ORDER BY pair, month_index""").df()
    finally:
        con.unregister("monthly_rows")
    everything = np.arange(len(frame))
    total, top = alerts.trailing_windows(frame["pair"].to_numpy(), frame["month_index"].to_numpy(),
                                         frame["events"].to_numpy(), everything)
    assert total.tolist() == expected["total"].astype(int).tolist()
    assert top.tolist() == expected["top"].astype(int).tolist()
    assert total[[0, 1, 2, 3]].tolist() == [0, 2, 3, 6]  # month 137 is 37 after 100: outside
