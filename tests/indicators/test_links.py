"""Filters as a link (indicators.links): `from_query` reads back exactly what `to_query` writes,
for any valid filters over the bundled warehouse's values; invalid values are ignored with a note
and leave the default."""
import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract.schema import DEFAULT_CATEGORIES, MILITANT_KINDS
from indicators import overview
from indicators.filters import Filters, default_years
from indicators.links import events_url, from_query, to_query
from tests.helpers import read_only


@pytest.fixture(scope="module")
def options(built):
    with read_only(built.warehouse) as con:
        return overview.filter_options(con)


def _params(pairs) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for key, value in pairs:
        params.setdefault(key, []).append(value)
    return params


@st.composite
def valid_filters(draw, options) -> Filters:
    lo, hi = options["years"]
    start = draw(st.integers(lo, hi))
    end = draw(st.integers(start, hi))

    def some(values, min_size=0):
        return tuple(draw(st.lists(st.sampled_from(list(values)), min_size=min_size, max_size=4, unique=True)))

    days = st.one_of(st.none(), st.dates(dt.date(lo, 1, 1), dt.date(hi, 12, 31)))
    date_from, date_to = draw(days), draw(days)
    if date_from and date_to and date_from > date_to:
        date_from, date_to = date_to, date_from
    return Filters(start, end, countries=some(options["countries"]), provinces=some(options["provinces"]),
                   districts=some(options["districts"]["district_id"]),
                   categories=draw(st.one_of(st.just(DEFAULT_CATEGORIES), st.just(tuple(reversed(DEFAULT_CATEGORIES))),
                                             st.builds(tuple, st.lists(st.sampled_from(options["categories"]),
                                                                       min_size=1, max_size=4, unique=True)))),
                   actor_kinds=draw(st.one_of(st.just(MILITANT_KINDS), st.just(()),
                                              st.builds(tuple, st.lists(st.sampled_from(options["actor_kinds"]),
                                                                        min_size=1, unique=True)))),
                   actor_groups=some(options["actor_groups"]), datasets=some(options["datasets"]),
                   all_duplicates=draw(st.booleans()), date_from=date_from, date_to=date_to,
                   minority_only=draw(st.booleans()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_from_query_reads_back_what_to_query_writes(options, data):
    f = data.draw(valid_filters(options))
    assert from_query(_params(to_query(f)), options) == (f, [])
    # the years the dashboard opens on are left out of its URL, and read back as the default
    assert from_query(_params(to_query(f, default_years(options))), options) == (f, [])
    # an events link carries the same query
    assert from_query(parse_qs(urlsplit(events_url(f, "https://example.org/app")).query), options) == (f, [])


def test_invalid_values_are_ignored_with_a_note_and_keep_their_default(options):
    lo, hi = options["years"]
    f, notes = from_query({"years": ["1900-3000"], "province": ["Sindhh", "Sindh"], "kind": ["all"],
                           "duplicates": ["some"], "from": ["2018-02-30"], "to": ["2018-03-01"],
                           "minority": ["yes"]}, options)
    assert f == Filters(*default_years(options), provinces=("Sindh",), actor_kinds=(),
                        date_to=dt.date(2018, 3, 1))
    assert notes == [f"years='1900-3000' ignored: expected years within {lo}-{hi}",
                     "duplicates='some' ignored: expected 'all'",
                     notes[2], "from='2018-02-30' ignored: expected a date YYYY-MM-DD",
                     "minority='yes' ignored: expected 1"]
    assert notes[2].startswith("province ignored. Unknown province 'Sindhh'. Did you mean 'Sindh'?")
    f, notes = from_query({"from": ["2018-03-02"], "to": ["2018-03-01"]}, options)
    assert (f.date_from, f.date_to, notes) == (None, None, ["from/to ignored: the first day is after the last"])
