"""The briefing note as text (CLI), DOCX (python-docx) and PDF (kaleido text pages, as the deck),
each stamped with the filters, period, data version and coverage, with the sources and evidence
links as numbered footnotes."""
from __future__ import annotations

import html
import io

from export.render import pdf_pages, text_page
from indicators.brief import Note
from indicators.links import events_url

DEFAULT_BASE_URL = "http://localhost:8501"


def footnote(note: Note, i: int, base_url: str = DEFAULT_BASE_URL) -> str:
    """Footnote `i` (1-based): the sentence's sources and the link to its events."""
    s = note.sentences[i - 1]
    sources = "; ".join(s.sources) or "no events"
    return f"Sources: {sources}. Events: {events_url(s.evidence, base_url)}"


def note_text(note: Note, base_url: str = DEFAULT_BASE_URL) -> str:
    lines = [note.title, ""] + [f"{label}: {text}" for label, text in note.stamp] + [""]
    lines += [f"{s.text} [{i}]" for i, s in enumerate(note.sentences, 1)]
    lines += ["", "Notes"] + [f"[{i}] {footnote(note, i, base_url)}" for i in range(1, len(note.sentences) + 1)]
    return "\n".join(lines) + "\n"


def note_docx(note: Note, base_url: str = DEFAULT_BASE_URL) -> bytes:
    """A Word document: title, stamp, one paragraph per sentence with its footnote number, and
    the numbered notes (sources, and the evidence link as a hyperlink)."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(note.title, level=1)
    for label, text in note.stamp:
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(text).font.size = Pt(9)
    for i, s in enumerate(note.sentences, 1):
        p = doc.add_paragraph(s.text)
        p.add_run(f"[{i}]").font.superscript = True
    doc.add_heading("Notes", level=2)
    for i, s in enumerate(note.sentences, 1):
        p = doc.add_paragraph(f"[{i}] Sources: {'; '.join(s.sources) or 'no events'}. Events: ")
        _hyperlink(p, events_url(s.evidence, base_url))
        for run in p.runs:
            run.font.size = Pt(9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _hyperlink(paragraph, url: str) -> None:
    """A clickable link (python-docx has no API for it: a w:hyperlink with a relationship)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    run.append(props)
    text = OxmlElement("w:t")
    text.text = url
    run.append(text)
    link.append(run)
    paragraph._p.append(link)


def _pages(title: str, lines: list[str], footer: str, per_page: int = 30):
    from textwrap import wrap

    wrapped = []
    for line in lines:
        wrapped += [html.escape(w) for w in (wrap(line, 150) or [""])]
    chunks = [wrapped[i:i + per_page] for i in range(0, len(wrapped), per_page)] or [[]]
    return [text_page(title if n == 0 else f"{title} (continued)", chunk, html.escape(footer), wrap_at=None)
            for n, chunk in enumerate(chunks)]


def note_pages(note: Note, base_url: str = DEFAULT_BASE_URL) -> list:
    """The note as slide-sized figures: the sentences, then the notes."""
    stamp = " · ".join(f"{label}: {text}" for label, text in note.stamp)
    body = [f"{s.text} [{i}]" for i, s in enumerate(note.sentences, 1)]
    notes = [f"[{i}] {footnote(note, i, base_url)}" for i in range(1, len(note.sentences) + 1)]
    return _pages(note.title, body, stamp) + _pages("Notes", notes, stamp)


def note_pdf(note: Note, base_url: str = DEFAULT_BASE_URL) -> bytes:
    return pdf_pages(note_pages(note, base_url))
