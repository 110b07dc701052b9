"""Static rendering with kaleido 1.x and Chromium: one browser per process, started lazily."""
from __future__ import annotations

import shutil
import threading

import plotly.graph_objects as go

from charts.style import FONT

SLIDE = {"width": 1600, "height": 900}
FORMATS = ("png", "svg", "pdf")
INSTALL_HINT = ("Static PNG/SVG/PDF export needs Chromium: on Debian `apt-get install -y chromium`. "
                "The HTML download and the chart's own camera button work without it.")
_lock = threading.Lock()
_started = False


class ExportUnavailable(RuntimeError):
    """No Chrome/Chromium to render with; the message says what to install."""


def chromium_available() -> bool:
    return any(shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome"))


def _ensure_browser() -> None:
    global _started
    if _started:
        return
    if not chromium_available():
        raise ExportUnavailable(INSTALL_HINT)
    import kaleido

    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _started = True


def figure_bytes(fig: go.Figure, fmt: str, width: int = SLIDE["width"], height: int = SLIDE["height"],
                 scale: float = 2) -> bytes:
    """The figure as PNG (slide size 1600x900 at scale 2 by default), SVG or PDF."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)} (or html)")
    import kaleido

    with _lock:
        _ensure_browser()
        return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height,
                                                "scale": scale if fmt == "png" else 1})


def figure_html(fig: go.Figure) -> bytes:
    """Self-contained interactive HTML (plotly.js inline, works offline)."""
    title = (fig.layout.meta or {}).get("title", "chart") if isinstance(fig.layout.meta, dict) else "chart"
    return fig.to_html(include_plotlyjs=True, full_html=True, config={"displaylogo": False},
                       div_id="chart", default_width="100%", default_height="100%").replace(
        "<head>", f"<head><title>{_escape(title)}</title>", 1).encode("utf-8")


def _escape(text: str) -> str:
    import html

    return html.escape(str(text))


def export_figure(fig: go.Figure, fmt: str) -> bytes:
    return figure_html(fig) if fmt == "html" else figure_bytes(fig, fmt)


def for_slide(fig: go.Figure) -> go.Figure:
    """A copy sized for a 16:9 slide (the on-screen figure may be taller)."""
    out = go.Figure(fig)
    out.update_layout(width=SLIDE["width"], height=SLIDE["height"])
    return out


def text_page(title: str, lines: list[str], footer: str, wrap_at: int | None = 150) -> go.Figure:
    """A slide-sized page of text (title, lines wrapped at `wrap_at` characters unless None, a
    footer wrapped at 190), for PDF exports. Text is taken as plotly markup: escape data first."""
    import textwrap

    fig = go.Figure()
    fig.add_annotation(text=f"<b>{title}</b>", x=0.02, y=0.95, xref="paper", yref="paper",
                       showarrow=False, xanchor="left", yanchor="top", font={"size": 30})
    if wrap_at:
        lines = [w for line in lines for w in (textwrap.wrap(line, wrap_at) or [""])]
    footer = "<br>".join(textwrap.wrap(footer, 190))
    fig.add_annotation(text="<br>".join(lines), x=0.02, y=0.8, xref="paper", yref="paper",
                       showarrow=False, xanchor="left", yanchor="top", align="left", font={"size": 15})
    fig.add_annotation(text=footer, x=0.02, y=0.02, xref="paper", yref="paper", showarrow=False, align="left",
                       xanchor="left", yanchor="bottom", font={"size": 11, "color": "#666"})
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False}, plot_bgcolor="white",
                      font={"family": FONT}, margin={"l": 40, "r": 40, "t": 40, "b": 40})
    return fig


def pdf_pages(figures: list[go.Figure]) -> bytes:
    """The figures rendered by kaleido as PDF pages and joined into one PDF, in order."""
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for fig in figures:
        for page in PdfReader(io.BytesIO(figure_bytes(fig, "pdf"))).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
