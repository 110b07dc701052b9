"""The briefing deck for the current filters, as PPTX (python-pptx) or PDF.

Slides: the briefing note (indicators/brief.py) for the latest complete quarter before the newest
event or a chosen period, a title slide (filters in words, date), a KPI slide, one slide per chart of the Overview and
Trends pages plus the district map (a native text title, the chart as a picture, the sources in the
notes), the Outlook (the most likely district's forecast fan and the districts most likely to see
militant violence, with the forecast's stamp), and a sources-and-methods slide.
"""
from __future__ import annotations

import datetime as dt
import html
import io

from pptx import Presentation
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Emu, Pt

from export.note import footnote, note_pages
from export.render import figure_bytes, for_slide, pdf_pages, text_page
from figures import catalog
from indicators import brief, outlook, overview, provenance, spread
from indicators.filters import Filters
from indicators.periods import Period
from indicators.registry import BY_ID

DECK_CHARTS = ("events_by_category", "district_map", "signals", "districts_affected",
               "attacks_by_province", "minority_share")
W, H = Emu(12192000), Emu(6858000)  # 16:9


OUTLOOK_TOP = 8  # districts listed on the Outlook slide


def outlook_content(query, f: Filters) -> dict:
    """The Outlook slide: title, stamp, the fan of the most likely district (None when there is no
    forecast to show, `lines` then say why), the districts most likely to see an event, notes."""
    title = "Outlook: where militant violence is likely"
    try:
        state = catalog.outlook_state(query, f)
        horizon, district = catalog.outlook_default(state)
    except ValueError as error:
        return {"title": title, "stamp": "", "figure": None, "lines": [str(error)], "notes": str(error)}
    fan, _ = catalog.outlook_fan(query, f, state, horizon, district)
    rows = state.forecast[state.forecast["horizon"] == horizon].nlargest(OUTLOOK_TOP, "p_within")
    lines = [f"Chance of at least one event within {horizon} months:"] + [
        f"{r.admin2} ({r.admin1}): {r.p_within:.0%}" for r in rows.itertuples()]
    stamp = outlook.stamp(state.scope["as_of"], horizon)
    notes = (f"{stamp} Model trained on {state.scope['dataset']}; it beat the no-change baseline on CRPS in a "
             f"rolling-origin backtest at {', '.join(map(str, state.skilful))} month(s) ahead (docs/outlook.md). "
             f"{outlook.deaths_sentence(state.deaths)}")
    return {"title": title, "stamp": stamp, "figure": fan, "lines": lines, "notes": notes}


def deck_content(query, f: Filters, today: dt.date | None = None, period: Period | None = None) -> dict:
    """Everything the deck shows, computed once: the briefing note for `period` (default: the
    latest complete quarter before the newest event), titles, KPIs, charts, sources."""
    subtitle, source = catalog.context(query, f)
    period = period or query(brief.default_period, f)
    kpis = query(overview.kpis, f).set_index("period")
    previous = f.previous()
    scope, scope_before = query(overview.scope_counts, f), query(overview.scope_counts, previous)
    charts = []
    for chart_id in DECK_CHARTS:
        fig, _ = catalog.chart(query, chart_id, f, static=True)
        charts.append({"id": chart_id, "title": fig.layout.meta["title"], "figure": fig,
                       "notes": f"{fig.layout.meta['title']}. {subtitle}. Source: {source}"})
    sources = query(provenance.sources)
    new = query(spread.new_district_counts, f)
    return {
        "note": query(brief.briefing_note, f, period) if period else None,
        "title": "Militant violence and its weak signals: briefing",
        "subtitle": subtitle,
        "date": (today or dt.date.today()).strftime("%d %B %Y"),
        "source": source,
        "kpis": [(label, scope[key], scope_before[key]) for key, label in (
                     ("militant_violence", "Militant violence"), ("attacks", "of which attacks"))]
                + [(label, int(kpis.loc["current", key]), int(kpis.loc["previous", key]))
                   for key, label in (("fatalities", "Deaths"), ("districts_affected", "Districts affected"))]
                + [("Weak signals", scope["signals"], scope_before["signals"])],
        "previous": f"{previous.year_from}-{previous.year_to}" if previous.years > 1 else str(previous.year_from),
        "charts": charts,
        "outlook": outlook_content(query, f),
        "new_districts": [(int(r.year), int(r.new_districts), r.districts) for r in new.itertuples()],
        "sources": [f"{r.title}: {r.author_publisher} ({r.licence})" for r in sources.itertuples()],
        "methods": [f"{BY_ID[i].name}: {BY_ID[i].definition}" for i in
                    ("events", "fatalities", "districts_affected", "signals", "minority_share")],
    }


def _change(now: int, before: int) -> str:
    return "new" if before == 0 and now else ("" if before == 0 else f"{(now - before) / before:+.0%}")


def _text(slide, text: str, left, top, width, height, size: int, bold: bool = False, color=None):
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.text = line
        paragraph.font.size, paragraph.font.bold, paragraph.font.name = Pt(size), bold, "Arial"
    return box


def _note_slide(deck, layout, note) -> None:
    """The briefing note: numbered sentences, the stamp, the sources and evidence links in the notes."""
    slide = deck.slides.add_slide(layout)
    if note is None:
        slide.shapes.title.text = "Briefing note"
        _text(slide, "No complete period with data for these filters.", Emu(600000), Emu(1500000),
              Emu(11000000), Emu(800000), 14)
        return
    slide.shapes.title.text = note.title
    body = _text(slide, "\n".join(f"{s.text} [{i}]" for i, s in enumerate(note.sentences, 1)),
                 Emu(500000), Emu(1250000), Emu(11200000), Emu(4500000), 11)
    body.text_frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE  # 15 long sentences: shrink on open
    _text(slide, " · ".join(f"{label}: {text}" for label, text in note.stamp), Emu(500000),
          Emu(5850000), Emu(11200000), Emu(800000), 8)
    slide.notes_slide.notes_text_frame.text = "\n".join(
        f"[{i}] {footnote(note, i)}" for i in range(1, len(note.sentences) + 1))


def _outlook_slide(deck, layout, content: dict) -> None:
    """The fan on the left, the most likely districts on the right, the stamp below."""
    slide = deck.slides.add_slide(layout)
    slide.shapes.title.text = content["title"]
    if content["figure"] is not None:
        png = figure_bytes(for_slide(content["figure"]), "png", scale=1.5)
        slide.shapes.add_picture(io.BytesIO(png), Emu(400000), Emu(1450000), width=Emu(7600000))
    _text(slide, "\n".join(content["lines"]), Emu(8200000) if content["figure"] is not None else Emu(600000),
          Emu(1500000), Emu(3600000) if content["figure"] is not None else Emu(11000000), Emu(4200000), 12)
    _text(slide, content["stamp"], Emu(600000), Emu(5900000), Emu(11000000), Emu(600000), 12, True)
    slide.notes_slide.notes_text_frame.text = content["notes"]


def build_pptx(content: dict) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = W, H
    blank, title_only = deck.slide_layouts[6], deck.slide_layouts[5]
    _note_slide(deck, title_only, content.get("note"))

    slide = deck.slides.add_slide(blank)
    _text(slide, content["title"], Emu(600000), Emu(2000000), Emu(11000000), Emu(1000000), 36, True)
    _text(slide, f"{content['subtitle']}\n{content['date']}", Emu(600000), Emu(3100000),
          Emu(11000000), Emu(1200000), 20)
    _text(slide, f"Source: {content['source']}", Emu(600000), Emu(5900000), Emu(11000000),
          Emu(600000), 11)
    slide.notes_slide.notes_text_frame.text = f"Sources: {content['source']}"

    slide = deck.slides.add_slide(title_only)
    slide.shapes.title.text = "Key figures"
    rows = len(content["kpis"]) + 1
    table = slide.shapes.add_table(rows, 4, Emu(600000), Emu(1700000), Emu(11000000),
                                   Emu(500000 * rows)).table
    for j, head in enumerate(("", content["subtitle"].split(", ")[1] if ", " in content["subtitle"]
                              else "selected period", content["previous"], "change")):
        table.cell(0, j).text = head
    for i, (label, now, before) in enumerate(content["kpis"], start=1):
        for j, value in enumerate((label, f"{now:,}", f"{before:,}", _change(now, before))):
            table.cell(i, j).text = value
    _text(slide, f"{content['subtitle']}. Source: {content['source']}", Emu(600000), Emu(5900000),
          Emu(11000000), Emu(600000), 11)
    slide.notes_slide.notes_text_frame.text = (
        f"Key figures for {content['subtitle']}, against {content['previous']}. Fatalities and injured "
        f"sum known figures (each source's headline figure). Sources: {content['source']}")

    for chart in content["charts"]:
        slide = deck.slides.add_slide(title_only)
        slide.shapes.title.text = chart["title"]
        png = figure_bytes(for_slide(chart["figure"]), "png", scale=1.5)
        slide.shapes.add_picture(io.BytesIO(png), Emu(700000), Emu(1450000), width=Emu(10800000))
        slide.notes_slide.notes_text_frame.text = chart["notes"]

    _outlook_slide(deck, title_only, content["outlook"])

    slide = deck.slides.add_slide(title_only)
    slide.shapes.title.text = "New districts per year"
    rows = len(content["new_districts"]) + 1
    table = slide.shapes.add_table(rows, 3, Emu(600000), Emu(1500000), Emu(11000000),
                                   Emu(min(4300000, 380000 * rows))).table
    for j, head in enumerate(("year", "new districts", "where")):
        table.cell(0, j).text = head
    for i, row in enumerate(content["new_districts"], start=1):
        for j, value in enumerate(row):
            table.cell(i, j).text = str(value)
            table.cell(i, j).text_frame.paragraphs[0].font.size = Pt(12)
    _text(slide, f"{BY_ID['new_districts'].definition} {content['subtitle']}.", Emu(600000),
          Emu(5900000), Emu(11000000), Emu(600000), 11)
    slide.notes_slide.notes_text_frame.text = f"Sources: {content['source']}"

    slide = deck.slides.add_slide(title_only)
    slide.shapes.title.text = "Sources and methods"
    _text(slide, "\n".join(["Data:"] + content["sources"] + ["", "Definitions:"] + content["methods"]),
          Emu(600000), Emu(1450000), Emu(11000000), Emu(4800000), 11)
    slide.notes_slide.notes_text_frame.text = f"Sources: {content['source']}"
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def build_pdf(content: dict) -> bytes:
    """The same slides as PDF pages (each rendered by kaleido, then joined)."""
    note = content.get("note")
    pages = note_pages(note)[:1] if note else [text_page("Briefing note", ["No complete period with data."], "")]
    pages += [text_page(content["title"], [html.escape(content["subtitle"]), content["date"]],
                        html.escape(f"Source: {content['source']}")),
             text_page("Key figures", [f"{html.escape(label)}: {now:,} (previous period "
                                        f"{content['previous']}: {before:,}, {_change(now, before)})"
                                        for label, now, before in content["kpis"]],
                        html.escape(f"{content['subtitle']}. Source: {content['source']}"))]
    pages += [for_slide(c["figure"]) for c in content["charts"]]
    view = content["outlook"]
    pages.append(for_slide(view["figure"]) if view["figure"] is not None else
                 text_page(view["title"], [html.escape(t) for t in view["lines"]], ""))
    pages.append(text_page("New districts per year",
                            [f"{y}: {n} {html.escape(d)}" for y, n, d in content["new_districts"]],
                            html.escape(content["subtitle"])))
    pages.append(text_page("Sources and methods",
                            [html.escape(t) for t in ["Data:"] + content["sources"] + ["", "Definitions:"]
                             + [m[:160] for m in content["methods"]]], ""))
    return pdf_pages(pages)


def build_deck(query, f: Filters, fmt: str = "pptx", today: dt.date | None = None,
               period: Period | None = None) -> bytes:
    content = deck_content(query, f, today, period)
    return build_pptx(content) if fmt == "pptx" else build_pdf(content)
