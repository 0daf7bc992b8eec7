"""Images a newsroom can publish: headline, subtitle, the chart, notes and a source line, at fixed sizes."""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlparse

import plotly.graph_objects as go

from tracker import figure_export
from tracker.charts.style import AXIS_TITLE_BAND, FONT, LEGEND_ROW, TICKS_BAND, legend_rows

CREDIT = "Chart: parliamentary vote tracker"
GENERIC_SOURCE = f"Source: the vote records stored in the tracker (their sources are on each vote's page) · {CREDIT}"
# name -> (width, height or None for the chart's own, scale): og:image cards, a square for feeds, print at 2000 px.
PRESETS = {"social": (1200, 630, 1), "square": (1080, 1080, 1), "print": (1000, None, 2)}
PRESET_LABELS = {"social": "Social card 1200×630", "square": "Square 1080×1080", "print": "Print, 2000 px wide"}
MARGIN = 40
HEADLINE, SUBTITLE, NOTE, SOURCE = 26, 15, 12, 12  # font sizes in pixels


@dataclass(frozen=True)
class Caption:
    """The words around a published chart; all plain text from the data."""

    headline: str
    subtitle: str = ""
    notes: str = ""
    source: str = ""


def generic_caption(headline: str, subtitle: str) -> Caption:
    """The words around a chart of many votes: its headline, the filters as subtitle, the generic source line."""
    return Caption(headline, subtitle, "", GENERIC_SOURCE)


def source_names(sources: Iterable[str]) -> list[str]:
    """Each source as its domain (without www.) when it is a web address, else as the name given; no repeats."""
    names: list[str] = []
    for item in sources:
        for part in str(item or "").split(";"):
            part = part.strip()
            if not part:
                continue
            host = urlparse(part).hostname if part.lower().startswith(("http://", "https://")) else None
            name = (host[4:] if host and host.startswith("www.") else host) or part
            if name not in names:
                names.append(name)
    return names


def source_line(sources: Iterable[str]) -> str:
    """'Source: a.org, b.com · Chart: parliamentary vote tracker' (the tool only as the credit)."""
    names = source_names(sources)
    return (f"Source: {', '.join(names)} · {CREDIT}" if names else f"Source: not recorded · {CREDIT}")


def wrap(text: str, width_px: float, size: int) -> list[str]:
    """Text broken into lines that fit `width_px` at a font size (Arial averages about 0.55 em per character)."""
    if not text:
        return []
    return textwrap.wrap(text, max(10, int(width_px / (0.55 * size)))) or [text]


def _lines(text: str, width_px: float, size: int, limit: int) -> list[str]:
    lines = wrap(text, width_px, size)
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] = lines[-1][: max(0, len(lines[-1]) - 1)] + "…"
    return lines


def publishable(fig: go.Figure, caption: Caption, preset: str = "social") -> go.Figure:
    """A copy of the chart at a preset size with its headline, subtitle, notes and source in bands of their own."""
    if preset not in PRESETS:
        raise ValueError(f"Unknown size '{preset}': use one of {', '.join(PRESETS)}.")
    width, height, _ = PRESETS[preset]
    out = go.Figure(fig)
    inner = width - 2 * MARGIN
    headline = _lines(caption.headline, inner, HEADLINE, 2)
    subtitle = _lines(caption.subtitle, inner, SUBTITLE, 2)
    notes = _lines(caption.notes, inner, NOTE, 4)
    source = _lines(caption.source or source_line([]), inner, SOURCE, 2)
    top = 16 + 32 * len(headline) + 21 * len(subtitle) + 14
    footer = 12 + 16 * len(notes) + (6 if notes else 0) + 16 * len(source) + 12
    chart_top = int(out.layout.margin.t or 0)
    chart_bottom = int(out.layout.margin.b or 0)
    entry_width, rows = _legend_grid(out, inner)
    legend = LEGEND_ROW * rows
    axis_band = 8
    if out.layout.xaxis.visible is not False:
        axis_band += TICKS_BAND + (AXIS_TITLE_BAND if out.layout.xaxis.title.text else 0)
    natural = int(out.layout.height or figure_export.EXPORT_HEIGHT) - chart_top - chart_bottom
    if height is None:
        height = top + max(natural, 300) + axis_band + legend + footer
    bottom = axis_band + legend + footer
    if height - top - bottom < 160:  # a tall legend on a small card: the plot keeps at least 160 px
        height = top + bottom + 160
    left, below = _tick_space(out)
    bottom += below
    if height - top - bottom < 160:
        height = top + bottom + 160
    out.update_layout(title=None, width=width, height=height, font=FONT, autosize=False,
                      margin=dict(t=top, b=bottom, l=MARGIN + left, r=max(MARGIN, int(out.layout.margin.r or 0))),
                      legend=dict(orientation="h", yref="container", yanchor="bottom", y=footer / height,
                                  x=MARGIN / width, xref="container", xanchor="left", entrywidth=entry_width,
                                  entrywidthmode="pixels"))
    y = 16
    for lines, size, colour, weight in ((headline, HEADLINE, "#111111", "bold"), (subtitle, SUBTITLE, "#333333", None)):
        for line in lines:
            _text(out, line, y, size, colour, height, width, weight)
            y += 32 if size == HEADLINE else 21
    y = height - footer + 12
    for line in notes:
        _text(out, line, y, NOTE, "#333333", height, width)
        y += 16
    y += 6 if notes else 0
    for line in source:
        _text(out, line, y, SOURCE, "#555555", height, width)
        y += 16
    return out


def _legend_grid(fig: go.Figure, width: float) -> tuple[int, int]:
    """The legend's column width (its widest entry, generously measured) and its rows in `width` pixels."""
    if not legend_rows(fig, width):
        return 0, 0
    names = [str(t.name or "") for t in fig.data if t.showlegend is not False and t.type != "heatmap"]
    title = str(fig.layout.legend.title.text or "")
    title_width = len(title) * 8 + 16 if title else 0
    entry = int(max(len(n) for n in names) * 7.6 + 44)
    columns = max(1, int((width - title_width) // entry))
    return entry, -(-len(names) // columns)


def _labels(values: object) -> list[str]:
    return [str(v) for v in (values if values is not None else ()) if isinstance(v, str)]


def _tick_space(fig: go.Figure) -> tuple[int, int]:
    """Pixels for category labels left of the plot and for rotated ones under it; the axes then stop growing margins.

    Plotly's automargin would move the plot, and with it every line of text placed relative to it.
    """
    left, below = 0, 0
    if fig.layout.yaxis.visible is not False:
        names = [n for t in fig.data for n in _labels(getattr(t, "y", None))]
        if names:
            left = int(max(len(n) for n in names) * 7 + 14)
            fig.update_yaxes(automargin=False)
    angle = fig.layout.xaxis.tickangle
    if fig.layout.xaxis.visible is not False and angle not in (None, 0) and fig.layout.xaxis.side != "top":
        names = [n for t in fig.data for n in _labels(getattr(t, "x", None))]
        if names:
            below = int(max(len(n) for n in names) * 7 * 0.75)
            fig.update_xaxes(automargin=False)
    return left, below


def _text(fig: go.Figure, line: str, top_px: float, size: int, colour: str, height: int, width: int,
          weight: str | None = None) -> None:
    """One line of text whose top is `top_px` below the figure's top edge, starting at the left margin."""
    margin = fig.layout.margin
    plot_h = height - margin.t - margin.b
    plot_w = width - margin.l - margin.r
    text = html.escape(line, quote=False)
    fig.add_annotation(text=f"<b>{text}</b>" if weight else text, xref="paper", yref="paper",
                       x=(MARGIN - margin.l) / plot_w, y=(height - margin.b - top_px) / plot_h, xanchor="left",
                       yanchor="top", showarrow=False, align="left", font=dict(size=size, color=colour))


def export_image(fig: go.Figure, caption: Caption, file_format: str, preset: str = "social") -> bytes:
    """The published chart as PNG, SVG or PDF at a preset size."""
    published = publishable(fig, caption, preset)
    scale = PRESETS[preset][2] if file_format == "png" else 1
    return figure_export.image_bytes(published, file_format, width=int(published.layout.width),
                                     height=int(published.layout.height), scale=scale)


def export_html(fig: go.Figure, caption: Caption, preset: str = "social") -> bytes:
    """The published chart as one interactive HTML file."""
    return figure_export.html_bytes(publishable(fig, caption, preset))
