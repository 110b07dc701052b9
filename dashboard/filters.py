"""The shared sidebar filters, read from and written back to the URL query string.

A link such as `?years=2014-2017&province=Sindh&province=Balochistan&actor=Islamic+State` opens the
dashboard with those filters; values that are not valid are ignored with a note in the sidebar.
"""
from __future__ import annotations

import streamlit as st

from contract.schema import ACTOR_KINDS, COUNTRY_NAMES, DEFAULT_CATEGORIES, MILITANT_KINDS
from dashboard import evidence
from indicators.filters import Filters, default_years
from indicators.links import MULTI, PARAMETERS, WINDOW, from_query, to_query


# widget key -> query-string parameter (the evidence window is dashboard/evidence.py's)
URL_PARAMETERS = tuple(p for p in PARAMETERS if p not in WINDOW)
WIDGETS = ("countries", "provinces", "districts", "categories", "actor_kinds", "actor_groups",
           "datasets", "all_duplicates")


def _from_url(options: dict) -> list[str]:
    """Put the URL's filters into the widgets' state and its evidence window aside
    (dashboard/evidence.py); return notes on the values ignored (indicators.links.from_query)."""
    f, notes = from_query({k: st.query_params.get_all(k) for k in st.query_params}, options)
    st.session_state["years"] = (f.year_from, f.year_to)
    for key in WIDGETS:
        value = getattr(f, key)
        st.session_state[key] = list(value) if isinstance(value, tuple) else value
    evidence.keep_window(f)
    return notes


def _to_url(f: Filters, options: dict) -> None:
    wanted: dict[str, str | list[str]] = {}
    for param, value in to_query(f, default_years(options)):
        if param in MULTI.values():
            wanted.setdefault(param, []).append(value)
        else:
            wanted[param] = value
    current = {k: (st.query_params.get_all(k) if k in MULTI.values() else st.query_params[k])
               for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def sidebar_filters(options: dict) -> Filters:
    """Draw the sidebar filters (initialised from the URL once per session) and return them."""
    if "filters_initialised" not in st.session_state:
        st.session_state["filters_initialised"] = True
        st.session_state["url_notes"] = _from_url(options)
    lo, hi = options["years"]
    sb = st.sidebar
    sb.header("Filters")
    st.session_state.setdefault("years", default_years(options))
    years = sb.slider("Years", lo, hi, key="years")
    if tuple(years) != (lo, hi):
        sb.button(f"Whole range, {lo}-{hi}", key="whole_range", type="tertiary",
                  on_click=lambda: st.session_state.update(years=(lo, hi)))
    countries = sb.multiselect("Country", options["countries"], key="countries",
                               format_func=lambda c: COUNTRY_NAMES.get(c, c), placeholder="All")
    provinces = sb.multiselect("Province", options["provinces"], key="provinces", placeholder="All")
    districts = options["districts"]
    if countries:
        districts = districts[districts["country"].isin(countries)]
    if provinces:
        districts = districts[districts["admin1"].isin(provinces)]
    kept = [d for d in st.session_state.get("districts", []) if d in set(districts["district_id"])]
    st.session_state["districts"] = kept
    labels = dict(zip(options["districts"]["district_id"],
                      options["districts"]["admin2"] + " (" + options["districts"]["admin1"].fillna(
                          options["districts"]["country"]) + ")"))
    chosen = sb.multiselect("District", districts["district_id"].tolist(), key="districts",
                            format_func=labels.get, placeholder="All")
    st.session_state.setdefault("categories", list(DEFAULT_CATEGORIES))
    st.session_state.setdefault("actor_kinds", list(MILITANT_KINDS))
    categories = sb.multiselect("Category", options["categories"], key="categories",
                                format_func=lambda c: c.replace("_", " "),
                                help="By default militant violence (attacks, and armed clashes "
                                     "whose non-state side is a militant group) and the weak "
                                     "signals. A clash stays a clash: never counted as an attack.")
    kinds = sb.multiselect("Actor kind", options["actor_kinds"], key="actor_kinds",
                           placeholder="Every kind of actor",
                           help="\n".join(f"- **{k}**: {v}" for k, v in ACTOR_KINDS.items())
                           + "\n\nBy default the militant kinds; state action (drone strikes, "
                             "counter-terrorism, border fighting) and political or communal "
                             "violence are one click in.")
    if set(kinds) == set(MILITANT_KINDS) and set(categories) == set(DEFAULT_CATEGORIES):
        sb.button("Add state action and political violence", key="every_kind", type="tertiary",
                  on_click=lambda: st.session_state.update(
                      actor_kinds=[], categories=[c for c in options["categories"]
                                                  if c not in ("protest", "strategic_development", "other")]))
    elif set(kinds) != set(MILITANT_KINDS) or set(categories) != set(DEFAULT_CATEGORIES):
        sb.button("Back to militant violence", key="militant_only", type="tertiary",
                  on_click=lambda: st.session_state.update(actor_kinds=list(MILITANT_KINDS),
                                                           categories=list(DEFAULT_CATEGORIES)))
    actors = sb.multiselect("Actor group", options["actor_groups"], key="actor_groups", placeholder="All")
    datasets = sb.multiselect("Dataset", options["datasets"], key="datasets", placeholder="All")
    st.session_state.setdefault("all_duplicates", False)
    all_duplicates = sb.toggle("Count probable duplicates separately", key="all_duplicates",
                               help="The same incident reported by two datasets (dates within a day, "
                                    "same district or within 10 km, same category, compatible actor "
                                    "group) counts once by default.")
    for note in st.session_state.get("url_notes", []):
        sb.warning(note, icon="⚠️")
    f = Filters(year_from=years[0], year_to=years[1], countries=tuple(countries),
                provinces=tuple(provinces), districts=tuple(chosen), categories=tuple(categories),
                actor_kinds=tuple(kinds), actor_groups=tuple(actors), datasets=tuple(datasets), all_duplicates=all_duplicates)
    _to_url(f, options)
    return f


def district_labels(options: dict) -> dict[str, str]:
    return dict(zip(options["districts"]["district_id"], options["districts"]["admin2"]))
