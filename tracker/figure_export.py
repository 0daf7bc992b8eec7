"""Figures to files: PNG and SVG through one long-lived kaleido browser, self-contained HTML, and their names."""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Iterable
from datetime import date

import plotly.graph_objects as go

IMAGE_FORMATS = ("png", "svg", "pdf")
MIME_TYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf", "html": "text/html",
              "csv": "text/csv", "parquet": "application/vnd.apache.parquet"}
EXPORT_WIDTH, EXPORT_HEIGHT = 1100, 650
SOURCE_LINE = "Source: parliamentary vote tracker"

HOW_TO_ENABLE = ("PNG and SVG downloads need Chrome or Chromium. Install it (Debian/Ubuntu: `apt-get install "
                 "chromium`; elsewhere: `kaleido_get_chrome`) or point the environment variable BROWSER_PATH at "
                 "its executable, then restart the dashboard. HTML and CSV downloads work without it.")

# One browser serves every export of the process: kaleido's sync server keeps it open between calls. Its request
# queue is not safe for concurrent callers (Streamlit runs sessions on threads), so calls go one at a time.
_EXPORT_LOCK = threading.Lock()
_server_started = False


class ImageExportUnavailable(RuntimeError):
    """No Chrome/Chromium was found for kaleido; the message says how to enable PNG/SVG export."""


def browser_path() -> str | None:
    """The Chrome/Chromium kaleido would use (BROWSER_PATH first), or None when there is none."""
    try:
        from choreographer.browsers.chromium import Chromium

        return Chromium.find_browser(skip_local=False)
    except Exception:  # noqa: BLE001 - a failed search (or no choreographer) means: no browser
        return None


def slug(text: object) -> str:
    """Lower-case ASCII words joined by hyphens, for file names."""
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def file_name(chart: str, filters: Iterable[object], extension: str) -> str:
    """`chart_filter_filter.ext`, e.g. party-alignment_an-2015_2022-12-01_2022-12-31.png (empty filters skipped)."""
    parts = [slug(chart)] + [slug(f.isoformat() if isinstance(f, date) else f) for f in filters if f]
    name = "_".join(p for p in parts if p)[:150]
    return f"{name or 'chart'}.{extension}"


SOURCE_BAND = 34   # pixels added under the legend for the source line
SUBTITLE_BAND = 22


def for_export(fig: go.Figure, title: str, filters_text: str, source: str = SOURCE_LINE) -> go.Figure:
    """A copy of the figure that carries its title, the filters and a source line, for a file read on its own."""
    exported = go.Figure(fig)
    height = int(exported.layout.height or EXPORT_HEIGHT)
    top = int(exported.layout.margin.t if exported.layout.margin.t is not None else 60)
    bottom = int(exported.layout.margin.b if exported.layout.margin.b is not None else 40)
    # A subtitle needs its own band unless the chart already had one (which the filters replace).
    extra_top = SUBTITLE_BAND if filters_text and not exported.layout.title.subtitle.text else 0
    total = height + extra_top + SOURCE_BAND
    exported.update_layout(
        title=dict(text=html.escape(title), subtitle=dict(text=html.escape(filters_text) if filters_text else None),
                   x=0, xanchor="left", yref="container", y=1, yanchor="top", pad=dict(t=12)),
        height=total, margin=dict(t=top + extra_top, b=bottom + SOURCE_BAND))
    if exported.layout.legend.yref == "container":
        # The legend keeps its place at the bottom, above the new source band.
        exported.update_layout(legend=dict(y=SOURCE_BAND / total))
    exported.add_annotation(text=html.escape(source), xref="paper", yref="paper", x=0, y=0, xanchor="left",
                            yanchor="bottom", yshift=-(bottom + SOURCE_BAND) + 8, showarrow=False,
                            font=dict(size=11, color="#555555"))
    return exported


def html_bytes(fig: go.Figure) -> bytes:
    """The figure as one self-contained interactive HTML file (plotly.js embedded, works offline)."""
    return fig.to_html(full_html=True, include_plotlyjs=True, config={"displaylogo": False}).encode("utf-8")


def _ensure_server() -> None:
    global _server_started
    if _server_started:
        return
    import kaleido

    # mathjax=False: kaleido would otherwise fetch MathJax from a CDN for every page it renders.
    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    _server_started = True


def image_bytes(fig: go.Figure, file_format: str, width: int | None = None, height: int | None = None,
                scale: float | None = None) -> bytes:
    """The figure as PNG, SVG or PDF, rendered by the process's one kaleido browser (started on first use)."""
    if file_format not in IMAGE_FORMATS:
        raise ValueError(f"Unknown image format '{file_format}': use png or svg (or pdf).")
    if browser_path() is None:
        raise ImageExportUnavailable(HOW_TO_ENABLE)
    import kaleido

    options = {"format": file_format, "width": width or int(fig.layout.width or EXPORT_WIDTH),
               "height": height or int(fig.layout.height or EXPORT_HEIGHT),
               "scale": scale or (2 if file_format == "png" else 1)}
    with _EXPORT_LOCK:
        _ensure_server()
        return kaleido.calc_fig_sync(fig, opts=options)


def stop_image_server() -> None:
    """Close the kaleido browser (it is also closed when the process exits)."""
    global _server_started
    with _EXPORT_LOCK:
        if _server_started:
            import kaleido

            kaleido.stop_sync_server(silence_warnings=True)
            _server_started = False
