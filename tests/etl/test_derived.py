"""The build's derived cube and point order say exactly what the events say."""
import pytest

from contract.schema import CATEGORIES
from indicators.filters import Filters

FILTERS = [Filters(1990, 2030), Filters(2014, 2017, provinces=("Sindh", "Balochistan")),
           Filters(2004, 2019, categories=tuple(CATEGORIES), all_duplicates=True),
           Filters(2008, 2019, actor_groups=("Unknown", "Islamic State"), precise_dates_only=True),
           Filters(2000, 2019, countries=("AFG",), datasets=("curated",))]


@pytest.mark.parametrize("f", FILTERS, ids=range(len(FILTERS)))
def test_the_cube_adds_up_to_the_events(con, f):
    where, params = f.where()
    by = "year(event_date), country, admin1, district_id, category, actor_group, dataset, source_file"
    from_events = con.execute(f"SELECT {by}, count(*), sum(fatalities), sum(injured) FROM events "
                              f"WHERE {where} GROUP BY ALL ORDER BY ALL", params).fetchall()
    from_cube = con.execute(f"SELECT {by}, sum(events), sum(fatalities), sum(injured) FROM event_cube "
                            f"WHERE {where} GROUP BY ALL ORDER BY ALL", params).fetchall()
    assert from_cube == from_events and len(from_events) > 0


def test_points_rank_is_the_map_order(con):
    ranked = con.execute("SELECT event_id FROM events ORDER BY points_rank").fetchall()
    ordered = con.execute("SELECT event_id FROM events ORDER BY fatalities DESC NULLS LAST, "
                          "event_date DESC, event_id").fetchall()
    assert ranked == ordered


def test_secondary_flag_matches_the_duplicate_view(con):
    flagged = con.execute("SELECT event_id FROM events WHERE is_secondary ORDER BY 1").fetchall()
    listed = con.execute("SELECT event_id FROM duplicate_secondaries ORDER BY 1").fetchall()
    assert flagged == listed and len(listed) > 0
