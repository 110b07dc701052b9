"""Brief: the briefing note for the filters and a period, every sentence linked to its events."""
import streamlit as st

from dashboard import data
from dashboard.signin import exported
from dashboard.widgets import page_caption, plain
from export import render
from export.note import note_docx, note_pdf
from indicators import brief
from indicators.links import events_url
from indicators.periods import KIND_NAMES, KINDS

f = st.session_state["filters"]

st.title("Briefing note")
page_caption(data.query, st.session_state["filters"])
c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
kind = c1.segmented_control("Period", KINDS, default="quarter", format_func=KIND_NAMES.get,
                            key="brief_kind") or "quarter"
choices = data.query(brief.period_choices, f, kind)
if not choices:
    st.info("No data in the selected years: widen the years in the sidebar.")
    st.stop()
default = data.query(brief.default_period, f, kind)
period = c2.selectbox(KIND_NAMES[kind].capitalize(), choices, key=f"brief_period_{kind}",
                      index=choices.index(default) if default in choices else 0,
                      format_func=lambda p: p.label,
                      help="By default the latest complete one before the newest event.")
note = data.query(brief.briefing_note, f, period)
base = st.context.url.split("?")[0].rsplit("/", 1)[0] if st.context.url else ""
with c3.popover("Download", icon=":material/download:"):
    st.download_button("Word (DOCX)", key="brief_docx", file_name=f"brief_{period.code}.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       data=exported(f"note docx {period.code}", lambda: note_docx(note, base)), on_click="ignore")
    st.download_button("PDF", key="brief_pdf", file_name=f"brief_{period.code}.pdf", mime="application/pdf",
                       data=exported(f"note pdf {period.code}", lambda: note_pdf(note, base)), on_click="ignore",
                       disabled=not render.chromium_available())

st.caption(" · ".join(f"**{label}:** {plain(text)}" for label, text in note.stamp))
st.markdown("\n\n".join(f"{plain(s.text)} [\\[{i}\\]]({events_url(s.evidence)})"
                        for i, s in enumerate(note.sentences, 1)))
st.caption("Each number links to the events behind it, on the Events page (it opens with the "
           "sentence's filters and days). Words of change follow the test on the Sources & methods page.")
st.subheader("Notes", anchor=False)
st.markdown("\n".join(f"{i}. Sources: {plain('; '.join(s.sources) or 'no events')}. "
                      f"[Events]({events_url(s.evidence)})" for i, s in enumerate(note.sentences, 1)))
