"""Shared pieces of the pages: safe text, charts with their downloads, banners."""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from collections.abc import Callable, Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker import figure_export
from tracker.charts import publish
from tracker.export import neutralise_cell, neutralise_formulas, table_bytes
from tracker.queries import is_missing
from tracker.ui import plot, timing

# Scrolls the page to the component's place once for each token and page load, where a link's target lies below
# other content (a vote opened by a link is shown under the list of votes). Again 0.4 s later, when the list and
# chart above have drawn and moved it down, unless the reader has scrolled since.
_SCROLL_HERE_JS = """
export default function ({ data, parentElement }) {
  let mark = parentElement.querySelector(':scope > .tracker-scroll-mark');
  if (!mark) {
    mark = document.createElement('div');
    mark.className = 'tracker-scroll-mark';
    mark.style.scrollMarginTop = '5rem';   // clear of the page's top bar (its navigation), which stays in view
    parentElement.appendChild(mark);
  }
  const done = (window.__trackerScrolledTo ||= new Set());   // per page load: a remount does not scroll again
  if (!data || done.has(data)) return;
  done.add(data);
  const up = (node) => node.parentElement || node.getRootNode().host || null;   // out of a shadow root too
  let box = up(mark);
  while (box && !/(auto|scroll)/.test(getComputedStyle(box).overflowY)) box = up(box);
  const scroller = box || document.scrollingElement;
  let left = null, at = null;
  requestAnimationFrame(() => {
    mark.scrollIntoView({block: 'start'});
    left = scroller.scrollTop;
    at = mark.getBoundingClientRect().top;
  });
  setTimeout(() => {
    const moved = at !== null && Math.abs(mark.getBoundingClientRect().top - at) > 1;
    if (moved && scroller.scrollTop === left) mark.scrollIntoView({block: 'start'});
  }, 400);
}
"""
_scroll_here = st.components.v2.component("tracker_scroll_here", js=_SCROLL_HERE_JS)


def scroll_here(token: str, key: str) -> None:
    """Bring this point of the page into view once for `token` (e.g. the vote a link opened); later reruns with the
    same token leave the reader where they are."""
    _scroll_here(data=token, key=key, height="content")


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]\"']+$")
# Streamlit's markdown turns www.x, http://x and a@b.c into links even when escaped (GFM autolinks are found in the
# text after escapes are read): a word joiner (U+2060, invisible) before the '.', '://' or '@' breaks the pattern.
_AUTOLINK_TRIGGER = re.compile(r"(?i)(?<=www)(?=\\\.)|(?<=[a-z0-9])(?=\\:(?:/|\\/))|(?=@)")
WORD_JOINER = "\u2060"
# Bidi controls reorder the text around them (a title could show a file name or number backwards).
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def plain_text(text: object) -> str:
    """Data text as shown on a page: on one line, without bidi controls (they are removed, the text stays)."""
    return _BIDI_CONTROLS.sub("", str(text)).replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def md_escape(text: object) -> str:
    """Text from uploads escaped so that markdown shows it as written (no links, HTML, maths or formatting)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", plain_text(text))
    return _AUTOLINK_TRIGGER.sub(WORD_JOINER, escaped)


def html_escape(text: object) -> str:
    """Text from uploads escaped for HTML, on one line without bidi controls: shown as written, never as markup."""
    return html.escape(plain_text(text))


def heading(text: object, level: int = 3) -> None:
    """A heading whose text comes from uploads (its hover anchor is an in-page #link, never an address)."""
    st.markdown("#" * level + " " + md_escape(text))


def source_links(urls: Sequence[str]) -> None:
    """Source URLs as links when they are plain http(s) addresses, else as text."""
    if not urls:
        st.caption("No source recorded.")
        return
    lines = []
    for url in urls:
        if _SAFE_URL.match(url):
            lines.append(f"- [{md_escape(url)}]({url})")
        else:
            lines.append(f"- {md_escape(url)}")
    st.markdown("\n".join(lines))


@st.cache_resource(show_spinner=False)
def image_export_problem() -> str | None:
    """Why PNG/SVG/PDF export cannot work here (no browser for kaleido), or None."""
    return None if figure_export.browser_path() else figure_export.HOW_TO_ENABLE


def drawn_chart(markup: str, figure: Callable[[], go.Figure], data: pd.DataFrame, name: str,
                filter_parts: Sequence[object], key: str, caption: publish.Caption) -> None:
    """A chart drawn as HTML/SVG in the page, with a Download menu: PNG, SVG, PDF (headline and size chosen there) and
    HTML of its plotly figure (built when the menu is opened), and CSV of what it draws."""
    plot.drawn(markup, key=f"{key}_chart")
    downloads(figure, data, name, tuple(filter_parts), caption, key)


@timing.fragment
def downloads(figure: Callable[[], go.Figure], data: pd.DataFrame, name: str, filter_parts: tuple,
              caption: publish.Caption, key: str) -> None:
    """A chart's Download menu; its controls are drawn only while it is open, and each file is made on its click."""
    menu = st.popover("Download", icon=":material/download:", key=f"{key}_downloads", on_change="rerun",
                      help="The chart as PNG, SVG or PDF with its headline, filters and source; as interactive HTML; "
                           "or the data it draws as CSV")
    with menu:
        if not menu.open:
            return
        fig = figure()
        headline = st.text_input("Headline", value=caption.headline, key=f"{key}_headline")
        preset = st.selectbox("Size", list(publish.PRESETS), format_func=publish.PRESET_LABELS.get,
                              key=f"{key}_preset")
        caption = dataclasses.replace(caption, headline=headline or caption.headline)
        suffix = [] if preset == "social" else [preset]
        problem = image_export_problem()
        with st.container(horizontal=True, gap="small", key=f"{key}_files"):
            for fmt in ("png", "svg", "pdf"):
                if problem is None:
                    st.download_button(
                        fmt.upper(), data=functools.partial(publish.export_image, fig, caption, fmt, preset),
                        file_name=figure_export.file_name(name, [*filter_parts, *suffix], fmt),
                        mime=figure_export.MIME_TYPES[fmt], key=f"{key}_{fmt}", on_click="ignore",
                        help=f"Download the chart as {fmt.upper()} ({publish.PRESET_LABELS[preset]})")
                else:
                    st.button(fmt.upper(), disabled=True, key=f"{key}_{fmt}", help=problem)
            st.download_button("HTML", data=functools.partial(publish.export_html, fig, caption, preset),
                               file_name=figure_export.file_name(name, [*filter_parts, *suffix], "html"),
                               mime="text/html", key=f"{key}_html", on_click="ignore",
                               help="Interactive chart in one HTML file")
            st.download_button("CSV", data=functools.partial(table_bytes, data, "csv"),
                               file_name=figure_export.file_name(name, filter_parts, "csv"), mime="text/csv",
                               key=f"{key}_csv", on_click="ignore", help="The data this chart shows")
        if problem is not None:
            st.caption(problem)


UNKNOWN_CELL = "–"


def table(frame: pd.DataFrame, key: str, **options: object):
    """A table whose unknown cells show an en dash; formula-like text is shown (and exported) as '=1+1."""
    # The toolbar's "Download as CSV" writes the cells as given, so the frame given is the neutralised one.
    return st.dataframe(display_safe(frame), hide_index=True, key=key, placeholder=UNKNOWN_CELL, **options)


# The plain tables' look: st.table's (a rounded frame, ruled cells, grey headings) in the light theme's colours.
_TABLE_STYLE = (
    "<style>.tracker-table-wrap{overflow-x:auto;border:1px solid rgba(128,128,128,0.2);border-radius:8px}"
    ".tracker-table{border-collapse:collapse;width:100%;font-size:14px;line-height:1.5}"
    ".tracker-table th{font-weight:400;text-align:left;opacity:0.7}"
    ".tracker-table th,.tracker-table td{padding:4px 6px;border:1px solid rgba(128,128,128,0.2);"
    "vertical-align:middle}"
    ".tracker-table tr>:first-child{border-left:0}.tracker-table tr>:last-child{border-right:0}"
    ".tracker-table thead th{border-top:0}.tracker-table tbody tr:last-child td{border-bottom:0}"
    ".tracker-table td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".tracker-table td.k{white-space:nowrap}"
    ".tracker-table a{color:rgb(36,79,180)}"
    ".tracker-swatch{display:inline-block;width:1rem;height:1rem;border-radius:2px;vertical-align:middle}</style>")
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{3,8}$")


def small_table(frame: pd.DataFrame, dates: Sequence[str] = (), html_columns: Sequence[str] = ()) -> None:
    """A short table drawn as one block of HTML: less work for the browser than st.table, which renders every cell
    through Streamlit's Markdown renderer.

    Every cell is shown as text (escaped) except the `html_columns`, which the caller has built from `link_html` or
    `swatch`; dates as YYYY-MM-DD, unknown as –, numbers right-aligned.
    """
    shown = frame.copy()
    for column in dates:
        shown[column] = pd.to_datetime(shown[column]).dt.strftime("%Y-%m-%d")
    numeric = {c for c in shown.columns if pd.api.types.is_numeric_dtype(shown[c]) and c not in html_columns}
    columns = list(shown.columns)
    head = "".join(f"<th scope='col'>{html_escape(c)}</th>" for c in columns)
    rows = []
    # Column by column as Python values (a few rows: pandas' where() over the frame cost more than the table).
    for values in zip(*(shown[c].tolist() for c in columns), strict=True):
        row = []
        for column, value in zip(columns, values, strict=True):
            text = UNKNOWN_CELL if is_missing(value) else value if column in html_columns else html_escape(value)
            kind = " class='n'" if column in numeric else " class='k'" if column in dates else ""
            row.append(f"<td{kind}>{text}</td>")
        rows.append("<tr>" + "".join(row) + "</tr>")
    st.html(f"{_TABLE_STYLE}<div class='tracker-table-wrap'><table class='tracker-table'><thead><tr>{head}</tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table></div>")


def swatch(colour: str) -> str:
    """A small square of a (hex) colour for a table cell, named by its colour for screen readers; else –."""
    if not _HEX_COLOUR.match(colour):
        return UNKNOWN_CELL
    return f"<span class='tracker-swatch' role='img' aria-label='{colour}' title='{colour}' " \
           f"style='background-color:{colour}'></span>"


def link_html(urls: object) -> str:
    """A table cell linking each plain http(s) address (several split at ';') by its site's name; else text, or –."""
    if not isinstance(urls, str) or not urls.strip():
        return UNKNOWN_CELL
    parts = [part.strip() for part in urls.split(";") if part.strip()]
    if not all(_SAFE_URL.match(part) for part in parts):
        return html_escape(urls.strip())
    return " · ".join(_site_link(part) for part in parts)


def _site_link(url: str) -> str:
    site = url.split("/")[2].removeprefix("www.")
    if not site:
        return html_escape(url)
    return f"<a href='{html.escape(url)}' target='_blank' rel='noopener noreferrer'>{html.escape(site)}</a>"


def display_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with bidi controls removed, then formula-like text cells (and column names) neutralised."""
    cleaned = frame.copy()
    for column in cleaned.columns:
        values = cleaned[column]
        if isinstance(values.dtype, pd.StringDtype):
            if values.str.contains(_BIDI_CONTROLS.pattern).fillna(False).any():
                cleaned[column] = values.str.replace(_BIDI_CONTROLS.pattern, "", regex=True)
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            cleaned[column] = values.map(lambda v: _BIDI_CONTROLS.sub("", v) if isinstance(v, str) else v)
    # Bidi controls first: "\u202e=1+1" would otherwise reach the toolbar's CSV as "=1+1".
    safe = neutralise_formulas(cleaned)
    safe.columns = [neutralise_cell(_BIDI_CONTROLS.sub("", c)) if isinstance(c, str) else c for c in safe.columns]
    return safe


def banner_if_synthetic(names: Sequence[str]) -> None:
    """A visible warning when any stored assembly is synthetic (demo) data."""
    if names:
        st.warning("Synthetic data: " + md_escape(", ".join(names)) + " is generated demo data, not a real "
                   "parliament's record. Do not publish numbers from it.", icon=":material/warning:")


def empty_database_message() -> None:
    """What to do when no vote is stored."""
    st.info("No votes are stored yet. Open the Data page to upload vote files, or rebuild the sample with "
            "`python -m tracker init`.")
