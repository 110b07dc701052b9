"""The counting rule of the default view, militant violence, on tests/data/militant_rules_ucdp.csv
(five UCDP events of May 2019, made by tests/data/make_fixtures.py), worked out by hand:

| id     | sides                         | type          | category    | actor (kind)               |
|--------|-------------------------------|---------------|-------------|----------------------------|
| 900001 | Pakistan's government vs TTP  | state-based   | armed_clash | TTP (jihadist)             |
| 900002 | India vs Pakistan             | state-based   | armed_clash | Indian forces (state)      |
| 900003 | United States vs al-Qaida     | state-based   | armed_clash | United States (state)      |
| 900004 | MQM vs PPP supporters         | non-state     | armed_clash | MQM (political or communal)|
| 900005 | TTP against civilians         | one-sided     | attack      | TTP (jihadist)             |

Militant violence: 900001 and 900005; attacks: 900005 only.
"""
from dataclasses import replace

import pytest

from contract.schema import ACTOR_KINDS, DEFAULT_CATEGORIES
from indicators import overview
from indicators.filters import Filters
from tests.helpers import fixture_warehouse, read_only

DEFAULT = Filters(2019, 2019)


@pytest.fixture(scope="module")
def rules_con(tmp_path_factory):
    with read_only(fixture_warehouse(tmp_path_factory.mktemp("militant"), {"militant_rules_ucdp.csv": "ucdp"})) as con:
        yield con


def ids(con, f: Filters) -> set[str]:
    where, params = f.where()
    return {r[0] for r in con.execute(f"SELECT event_id FROM events WHERE {where}", params).fetchall()}


def test_a_clash_with_a_militant_group_is_militant_violence_but_not_an_attack(rules_con):
    assert ids(rules_con, DEFAULT) == {"ucdp:900001", "ucdp:900005"}
    assert ids(rules_con, replace(DEFAULT, categories=("attack",))) == {"ucdp:900005"}
    kpis = overview.kpis(rules_con, DEFAULT).set_index("period")
    assert kpis.loc["current", "events"] == 2 and kpis.loc["current", "fatalities"] == 4
    assert rules_con.execute("SELECT category FROM events WHERE event_id = 'ucdp:900001'").fetchone()[0] == \
        "armed_clash"  # the category stays the source's


def test_state_and_party_clashes_are_out_by_default_and_each_comes_in_with_its_filter(rules_con):
    assert ids(rules_con, replace(DEFAULT, actor_kinds=("state",))) == {"ucdp:900002", "ucdp:900003"}
    assert ids(rules_con, replace(DEFAULT, actor_kinds=("political or communal",))) == {"ucdp:900004"}
    assert len(ids(rules_con, replace(DEFAULT, actor_kinds=()))) == 5


def test_every_actor_group_has_a_kind_with_its_reason(rules_con, con):
    for connection in (rules_con, con):
        missing = connection.execute(
            "SELECT DISTINCT e.actor_group FROM events e LEFT JOIN actor_kinds k USING (actor_group) "
            "WHERE k.kind IS NULL").fetchall()
        assert missing == []
        kinds = connection.execute("SELECT kind, reason FROM actor_kinds").fetchall()
        assert all(kind in ACTOR_KINDS and reason for kind, reason in kinds)
    # no bundled event falls to a group without a line of its own in actor_kinds.csv
    assert con.execute("SELECT count(*) FROM events JOIN actor_kinds USING (actor_group) "
                       "WHERE reason LIKE 'not in data/reference%'").fetchone()[0] == 0


def test_ucdp_clashes_name_their_non_state_side(con):
    """In GED the government is side_a of a state-based conflict: the event's actor is side_b."""
    actors = dict(con.execute(
        "SELECT actor_group, count(*) FROM events WHERE dataset = 'ucdp' AND category = 'armed_clash' "
        "GROUP BY 1").fetchall())
    assert actors["TTP"] > 3000 and actors["Baloch Liberation Army"] > 100
    assert "Pakistani security forces" not in actors


def test_the_scope_in_words():
    assert DEFAULT.scope() == "militant violence and weak signals"
    assert replace(DEFAULT, categories=DEFAULT_CATEGORIES[:2]).scope() == "militant violence"
    assert replace(DEFAULT, actor_kinds=()).scope().endswith("every kind of actor")
