"""Data: import an ACLED, GTD or UCDP export or a filled template; see what loaded and what did not."""
import json

import streamlit as st

from access import audit
from access.roles import Refused
from dashboard import changes, data, signin, uploads
from dashboard.widgets import page_caption
from indicators import provenance

st.title("Data")
who = signin.caller()  # the import and removal below refuse whom access/roles.py refuses
page_caption(data.query, st.session_state["filters"])
st.markdown(
    "Import an **ACLED** export (CSV, or the API's JSON), a **GTD** export (CSV or XLSX), a **UCDP "
    "GED** CSV, or events you coded yourself in the **event template**. The file is kept in "
    "`data/imports/` (never committed: your licence stays yours), the warehouse is rebuilt, and "
    "every row is accounted for: **rows read = loaded + out of scope + rejected + duplicates**. "
    "Only a row that cannot be an event (no usable date, no country, unreadable) is rejected; "
    "rows of other countries are *out of scope*, not errors; a flaw in a secondary field (a "
    "negative toll, low > high, a point outside the region) loads the event with a *quality "
    "flag*. Same file again: nothing changes. A newer export with the same file name replaces "
    "the older one.")

left, right = st.columns(2)
left.download_button("Empty event template (CSV)", uploads.template_csv(),
                     file_name="event_template.csv", mime="text/csv", key="template_download")
right.download_button("Filled example: 5 real, cited events (CSV)", uploads.example_csv(),
                      file_name="event_template_example.csv", mime="text/csv",
                      key="example_download")

if not uploads.ENABLED:
    st.info(uploads.DISABLED)
elif not who.may("import"):
    st.info(f"You are signed in as {who.name}, a {who.role}: importing needs the analyst role.")
else:
    upload = st.file_uploader(f"File to import (CSV, JSON or XLSX; at most {uploads.MAX_MB} MB; "
                              "use `python -m etl import` for bigger files)", type=uploads.TYPES,
                              max_upload_size=uploads.MAX_MB, key="upload")
    fmt = st.selectbox("Format", uploads.CHOICES, key="import_format",
                       help="auto detects the format from the header row.")
    if upload is not None and st.button("Import", type="primary", key="import_button"):
        bar = st.progress(0.0, text=f"Importing {upload.name} and rebuilding the warehouse")
        try:
            st.session_state["import_summary"] = uploads.import_upload(
                upload.name, upload.getvalue(), fmt, progress=uploads.showing(bar, upload.name), caller=who)
            st.rerun()
        except (uploads.ImportProblem, Refused) as err:
            bar.empty()
            st.error(f"{err}\n\nThe warehouse and data/imports are unchanged.")

summary = st.session_state.get("import_summary")
if summary is not None:
    lines = summary.lines()
    (st.info if summary.status == "unchanged" else st.success)(lines[0])
    if summary.counts is not None:
        c = summary.counts
        cols = st.columns(7)
        for col, (label, value) in zip(cols, (
                ("Rows read", c.rows_read), ("Loaded", c.loaded), ("Out of scope", c.out_of_scope),
                ("Rejected", c.rejected), ("Duplicate ids", c.duplicates),
                ("With quality flags", c.flagged), ("Without a district", c.unplaced))):
            col.metric(label, f"{value:,}")
        for line in lines[2:]:
            if line.startswith("Out of scope"):
                st.caption(line)
        st.caption(f"{summary.probable_duplicates:,} loaded events are probable duplicates of "
                   "events of another dataset (linked in table duplicate_links, not deleted).")
        if len(summary.rejects):
            st.markdown(f"**{c.rejected:,} rows were not loaded**"
                        + (" (the first 1,000 are shown)" if len(summary.rejects) > 1000 else "") + ":")
            st.dataframe(summary.rejects.head(1000), hide_index=True, width="stretch")
        if len(summary.flags):
            st.markdown(f"**{c.flagged:,} events loaded with quality flags**"
                        + (" (the first 1,000 flags are shown)" if len(summary.flags) > 1000 else "")
                        + ":")
            st.dataframe(summary.flags.head(1000).rename(columns={"reason": "flag"}),
                         hide_index=True, width="stretch")

st.subheader("Imported files")
imported = data.query(provenance.imported_files)
if imported.empty:
    st.caption("Nothing imported yet.")
else:
    st.dataframe(imported, hide_index=True, width="stretch")
if not imported.empty and uploads.ENABLED and who.may("remove"):
    gone = st.selectbox("Remove an imported file", imported["imported_as"], index=None,
                        key="remove_choice", placeholder="choose a file to take out of the warehouse")
    if gone is not None and st.button(f"Remove {gone}", key="remove_button"):
        try:
            with st.spinner(f"Removing {gone} and rebuilding the warehouse"):
                st.session_state["removed"] = uploads.remove_import(gone, caller=who)
            st.session_state.pop("import_summary", None)
            st.rerun()
        except (uploads.ImportProblem, Refused) as err:
            st.error(str(err))
if "removed" in st.session_state:
    st.success(f"Removed {st.session_state['removed']}.")

st.subheader("What changed")
st.caption("When a fetch (`python -m etl fetch`) or an import replaces an earlier version of a "
           "dataset, every event added, removed or revised is recorded, with each changed field's "
           "old and new value (table `revisions`; `python -m etl changes` prints the same).")
change_lines = data.query(changes.change_lines)
if not change_lines:
    st.caption("No recorded change yet: the datasets have one version each.")
else:
    for line in change_lines:
        st.text(line)  # event text: shown as text, never as Markdown
    changed = data.query(changes.latest_changes)
    with st.expander(f"The changed events ({changed['event_id'].nunique():,}) and fields"):
        st.dataframe(changed, hide_index=True, width="stretch")

st.subheader("Quality flags in the warehouse")
st.caption("Events that loaded although a secondary field was wrong, by dataset and kind of flag; "
           "each event's flags are in the Events page's *quality flags* column.")
flags = data.query(provenance.quality_flags)
if flags.empty:
    st.caption("No event has a quality flag.")
else:
    st.dataframe(flags, hide_index=True, width="stretch")
scope = data.query(provenance.out_of_scope)
if not scope.empty:
    st.markdown("**Rows out of scope** (countries the dashboard does not cover):")
    st.dataframe(scope, hide_index=True, width="stretch")

if who.may("audit"):
    st.subheader("Audit trail")
    st.caption("Every import, removal, fetch, rebuild, publish and export, newest first: who, when "
               "(UTC), what and the outcome (`audit.jsonl` in the data folder, appended only; "
               "DASHBOARD_AUDIT moves it).")
    trail = audit.rows(data.DATA_DIR)
    if not trail:
        st.caption("Nothing recorded yet.")
    else:
        st.dataframe([{**row, "what": json.dumps(row["what"], ensure_ascii=False)} for row in trail],
                     column_order=audit.FIELDS, hide_index=True, width="stretch")
