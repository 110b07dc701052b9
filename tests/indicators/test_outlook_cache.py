"""indicators/outlook_cache.py: the Outlook computed once per warehouse version beside the
warehouse, then read (on the bundled data; the page tests read the same cache)."""
import shutil

import pandas as pd

from indicators import outlook, outlook_cache, outlook_forecast
from indicators.filters import Filters


def test_the_outlook_is_kept_beside_the_warehouse_and_read_back(con, built, tmp_path):
    f = Filters(1989, 2021)
    parts = outlook_cache.outlook(con, f)
    where = built.warehouse.parent / ".outlook-cache" / outlook_cache.key(con, f)
    assert outlook_cache.folder_of(con) == where.parent
    assert sorted(p.name for p in where.iterdir()) == ["deaths.parquet", "forecast.parquet", "summary.parquet"]
    # what is kept, read back from the files, is what the model computes
    read = outlook_cache.outlook(con, f)
    pd.testing.assert_frame_equal(read["forecast"], outlook_forecast.forecast(con, outlook.outlook_filters(f)))
    pd.testing.assert_frame_equal(read["summary"], parts["summary"])
    assert outlook.skilful_horizons(outlook.part(parts["summary"], "score")) == list(outlook.HORIZONS)
    # a hit reads the files: a value changed on disk comes back (so nothing is recomputed)
    copy = tmp_path / "cache"
    shutil.copytree(where, copy / where.name)
    forecast = pd.read_parquet(copy / where.name / "forecast.parquet")
    forecast.loc[0, "p_within"] = 0.123456
    forecast.to_parquet(copy / where.name / "forecast.parquet", index=False)
    assert outlook_cache.outlook(con, f, copy)["forecast"].loc[0, "p_within"] == 0.123456


def test_the_key_follows_the_filters_that_change_the_outlook_only(con):
    """Years, provinces and groups do not change what is computed; actor kinds and countries do."""
    base = outlook_cache.key(con, Filters(1989, 2021))
    assert outlook_cache.key(con, Filters(2016, 2020, provinces=("Sindh",), actor_groups=("TTP",))) == base
    assert outlook_cache.key(con, Filters(1989, 2021, actor_kinds=())) != base
    assert base.startswith(con.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()[0] + "-")
