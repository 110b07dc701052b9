"""The briefing note exported: DOCX re-opened with python-docx, PDF pages, the deck's first slide and
`python -m export brief`, on the fixture whose sentences tests/indicators/test_brief.py works out."""
import io
import subprocess
import sys

import duckdb
import pytest
from docx import Document
from pptx import Presentation
from pypdf import PdfReader

from indicators.links import events_url
from export import render
from export.deck import build_deck
from export.note import note_docx, note_pdf, note_text
from indicators import brief
from indicators.filters import Filters
from tests.helpers import ROOT, read_only
from tests.indicators.test_brief import EXPECTED, Q4

F = Filters(2014, 2019)
BASE = "http://dashboard.example:8501"
needs_chromium = pytest.mark.skipif(not render.chromium_available(), reason="needs Debian's chromium")


@pytest.fixture(scope="module")
def warehouse(brief_warehouse):
    return brief_warehouse


@pytest.fixture(scope="module")
def note(warehouse):
    with read_only(warehouse) as con:
        yield brief.briefing_note(con, F, Q4)


def test_docx_has_the_sentences_their_footnotes_and_the_stamp(note):
    doc = Document(io.BytesIO(note_docx(note, BASE)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "Briefing note: Q4 2018"
    for label in ("Filters: Pakistan and Afghanistan, 1 Oct 2018 to 31 Dec 2018", "Period: Q4 2018",
                  "Data version: ", "Coverage: brief_suicide.csv: 1 March 2016 to 20 December 2017"):
        assert any(p.startswith(label) for p in paragraphs), label
    body = [p for p in doc.paragraphs if p.text.endswith("]") and not p.text.startswith("[")]
    assert [p.text for p in body] == [f"{s}[{i}]" for i, s in enumerate(EXPECTED, 1)]
    assert all(p.runs[-1].font.superscript for p in body)  # the footnote mark
    notes = [p.text for p in doc.paragraphs if p.text.startswith("[")]
    urls = [events_url(s.evidence, BASE) for s in note.sentences]
    assert notes == [f"[{i}] Sources: {'; '.join(s.sources) or 'no events'}. Events: {url}"
                     for i, (s, url) in enumerate(zip(note.sentences, urls), 1)]
    assert notes[0].startswith("[1] Sources: brief_events.csv. Events: http")
    links = [h.url for p in doc.paragraphs if p.text.startswith("[") for h in p.hyperlinks]
    assert links == urls  # clickable
    assert urls[2] == f"{BASE}/events?years=2018&category=attack&from=2018-10-01&to=2018-12-31"  # attacks


@pytest.mark.slow
@needs_chromium
def test_pdf_has_the_note_then_the_footnotes(note):
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(note_pdf(note, BASE))).pages]
    assert len(pages) == 2
    assert pages[0].startswith("Briefing note: Q4 2018") and EXPECTED[0] in pages[0]
    assert "Data version" in pages[0] and pages[1].startswith("Notes")
    assert "[12] Sources: brief_events.csv" in pages[1]


@pytest.mark.slow
@needs_chromium
def test_the_deck_opens_with_the_note(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        deck = Presentation(io.BytesIO(build_deck(lambda fn, *a: fn(con, *a), F, "pptx")))
    finally:
        con.close()
    first = deck.slides[0]
    assert first.shapes.title.text == "Briefing note: Q4 2018"
    text = "\n".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    assert f"{EXPECTED[2]} [3]" in text and "Data version: " in text and "Coverage: " in text
    # the slide opens on how complete the data are (here: that it cannot be judged)
    assert text.index(f"{EXPECTED[0]} [1]") < text.index(f"{EXPECTED[2]} [3]")
    assert "[1] Sources: brief_events.csv. Events: http://localhost:8501/events?" in \
        first.notes_slide.notes_text_frame.text


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "export", "brief", *args], capture_output=True, text=True,
                          cwd=ROOT)


@pytest.mark.slow
def test_cli_prints_the_same_text_and_writes_docx(warehouse, note, tmp_path):
    out = _cli("--warehouse", str(warehouse), "--years", "2014-2019", "--base-url", BASE)
    assert out.returncode == 0, out.stderr
    assert out.stdout == note_text(note, BASE)
    assert f"{EXPECTED[0]} [1]\n" in out.stdout and "\n[12] Sources: brief_events.csv. Events: " in out.stdout
    out = _cli("--warehouse", str(warehouse), "--period", "2018-Q4", "-o", str(tmp_path / "note.docx"))
    assert out.returncode == 0, out.stderr
    assert any(p.text.startswith(EXPECTED[1]) for p in Document(str(tmp_path / "note.docx")).paragraphs)


@pytest.mark.slow
def test_cli_errors_say_what_to_do(warehouse, tmp_path):
    bad = _cli("--warehouse", str(warehouse), "--period", "2018-Q5")
    assert bad.returncode == 1 and "expected YYYY-MM (a month), YYYY-Q1..Q4" in " ".join(bad.stderr.split())
    bad = _cli("--warehouse", str(warehouse), "-o", str(tmp_path / "note.txt"))
    assert bad.returncode == 1 and "must end in .docx, .pdf" in bad.stderr
    empty = _cli("--warehouse", str(warehouse), "--years", "2014-2015")
    assert empty.returncode == 1 and "choose one with --period" in " ".join(empty.stderr.split())
